"""Encoding the timeline to a delivery file: presets, and the MP4 writer with progress and cancel.

Export renders through `engine.render`, the same code the viewer uses, so
what was seen is what is written.
"""
