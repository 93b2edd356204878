"""Task `voice.speak`: a line of dialogue or narration, spoken, as a clip or a take.

request.py (the checked request), local.py (the no-download backends:
Piper when a voice is installed, else espeak-ng), transformers_tts.py (MMS
and kin on GPUs), chatterbox.py (a Cast member's recorded voice cloned; untested here),
reference.py (the imported recording made ready), audio.py (48 kHz stereo, never clipped) and timeline.py
(text to a job spec, a result to a voice clip).
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="voice.speak",
    label="Speak",
    default="espeak",
    default_label="espeak-ng (robotic, many languages, no download)",
    parse="engine.generate.voice.request:VoiceRequest.from_params",
    backends=(
        "engine.generate.voice.local:PiperBackend",
        "engine.generate.voice.local:EspeakBackend",
        "engine.generate.voice.transformers_tts:TransformersVoiceBackend",
        "engine.generate.voice.chatterbox:ChatterboxVoiceBackend",
    ),
    choose_default="engine.generate.voice.local:choose_default",
)
