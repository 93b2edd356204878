"""Task `video.extend`: more frames before or after a clip's media, its own frames kept bit for bit.

request.py (the checked request and the file every backend writes),
motion.py (the no-download default: continue the shot's motion),
diffusers.py (LTX-Video condition, Wan VACE on GPUs) and timeline.py (a
clip to a job spec, a result to a longer take).
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="video.extend",
    label="Extend shot",
    default="motion",
    default_label="Motion continuation (optical flow, no AI model)",
    parse="engine.generate.extend.request:ExtendRequest.from_params",
    backends=(
        "engine.generate.extend.motion:MotionExtendBackend",
        "engine.generate.extend.diffusers:extend_backends",
    ),
)
