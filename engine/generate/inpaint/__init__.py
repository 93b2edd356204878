"""Task `video.inpaint`: paint out what a mask covers in a clip, as a new take.

request.py (the checked request), opencv.py (the no-download default:
a temporal fill with optical flow), diffusers.py (Wan VACE, SD inpainting on
GPUs) and media.py (reading the clip and masks, pasting the fill back).
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="video.inpaint",
    label="Inpaint",
    default="opencv",
    default_label="OpenCV (optical-flow temporal fill + Telea/Navier-Stokes, no AI model)",
    parse="engine.generate.inpaint.request:InpaintRequest.from_params",
    backends=(
        "engine.generate.inpaint.opencv:OpenCVInpaintBackend",
        "engine.generate.inpaint.diffusers:inpaint_backends",
    ),
)
