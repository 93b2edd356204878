"""Generation: one package per AI task, and what the tasks share.

A task package (video/, inpaint/, extend/, score/, voice/…) holds the task
whole: its request, its no-download default backend, its GPU backends and
its timeline edit, and declares itself in a `TASK` (task.py) that the
registry finds. A backend takes a request (plain values: prompt, frames,
rate, size, seed...) and writes media; it knows nothing of timelines, jobs
or Qt. Every task has a default that needs no download and runs on any CPU,
so the feature works out of the box, and diffusers backends for real GPUs.
"""
