"""Task `image.edit`: a still made from reference images ("the same character, in this new scene").

It shares its request and backends with image.generate (engine.generate.image):
the request must name at least one reference. The no-download default draws
the storyboard panel with the references' thumbnails and names on it; on GPUs,
FLUX.2 klein takes several references and Qwen-Image-Edit-2511 up to three.
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="image.edit",
    label="Still from references",
    default="storyboard",
    default_label="Storyboard panel with the references (no AI model)",
    parse="engine.generate.image.request:ImageRequest.edit_from_params",
    backends=(
        "engine.generate.image.storyboard:StoryboardEditBackend",
        "engine.generate.image.diffusers:edit_backends",
    ),
)
