"""Media files through PyAV: probing, frame-exact decoding, audio, thumbnails."""
