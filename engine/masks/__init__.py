"""Masks: regions of a shot that a task (inpaint) regenerates, painted once and tracked through a clip."""
