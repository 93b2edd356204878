"""Task `video.generate`: a shot from a prompt (and a reference image), as a take of its clip.

request.py (the checked request), animatic.py (the no-download default:
a storyboard panel), diffusers.py (Wan, LTX-Video on GPUs), vace.py (Wan VACE with
the Cast's reference images), timeline.py
(a clip to a job spec, a result to a take) and new_shot.py (a generated
clip where there was none).
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="video.generate",
    label="Generate video",
    default="animatic",
    default_label="Animatic (storyboard panel, no AI model)",
    parse="engine.generate.video.request:VideoRequest.from_params",
    backends=(
        "engine.generate.video.animatic:AnimaticBackend",
        "engine.generate.video.diffusers:video_backends",
        "engine.generate.video.vace:vace_backends",
    ),
)
