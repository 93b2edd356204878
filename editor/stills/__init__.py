"""Stills on the timeline: a Ken Burns move, and animating a still into a shot."""
