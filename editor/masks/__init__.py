"""Mask mode: painting, tracking and storing a clip's mask, and inpainting the shot with it."""
