"""What tests share: generated media, tiny models, projects, harnesses and the real engine process."""
