"""Generation backends, one registry per task, and what they share.

A backend takes a request (plain values: prompt, frames, rate, size, seed...)
and writes a media file; it knows nothing of timelines, jobs or Qt. Every
task has a default backend that needs no download and runs on any CPU, so
the feature works out of the box, and diffusers backends for real GPUs.
"""
