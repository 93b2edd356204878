"""Task `image.generate`: a still (a keyframe, a storyboard frame) from a prompt, at an exact size.

request.py (the checked request, shared with image.edit), storyboard.py
(the no-download default: a storyboard panel, the animatic card as a
still), diffusers.py (FLUX.2 klein, Z-Image-Turbo, Qwen-Image on GPUs) and
timeline.py (a shot to a keyframe job spec, a result to a still take).
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="image.generate",
    label="Generate still",
    default="storyboard",
    default_label="Storyboard panel (no AI model)",
    parse="engine.generate.image.request:ImageRequest.from_params",
    backends=(
        "engine.generate.image.storyboard:StoryboardBackend",
        "engine.generate.image.diffusers:image_backends",
    ),
)
