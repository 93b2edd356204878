"""Voice cloning for `voice.speak`: Chatterbox (Resemble AI, MIT) speaks in a Cast member's recorded voice.

UNTESTED HERE. chatterbox-tts 0.1.7 (the registry's newest) pins torch==2.6.0,
torchaudio==2.6.0, diffusers==0.29.0, transformers==5.2.0 and numpy<2 on
Python < 3.14, so it cannot be installed beside Shotline's torch 2.13 /
diffusers 0.42 / numpy 2 environment; this backend is written against its
documented API (README: `ChatterboxTTS.from_pretrained(device=...)`,
`model.generate(text, audio_prompt_path=..., exaggeration=..., cfg_weight=...)`
returning a (1, n) tensor at `model.sr`; `ChatterboxMultilingualTTS` with
`language_id` for 23 languages) and reports itself not ready until the
package can be imported. Its output carries Resemble's Perth watermark.

The voice to clone is the request's `reference` (a recording the user
imported for the character, engine.generate.voice.reference); without one
it speaks in the model's own default voice. The request's voice names the
language ("en", "fr", ...; English when empty). Loading goes through the
job's ModelPool like every model; the seed seeds torch so a take can be
made again.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Output, Readiness
from engine.generate.voice import audio as voice_audio
from engine.generate.voice.request import VoiceRequest
from engine.jobs.progress import ENCODING, LOADING, RENDERING, JobContext

PACKAGE = "chatterbox-tts"
NOT_INSTALLABLE = (
    f"needs {PACKAGE}, which pins torch 2.6 and numpy<2 and so cannot share this engine's environment"
)
#: The languages of ChatterboxMultilingualTTS (its `language_id`), English through the English model.
LANGUAGES = ("en", "ar", "da", "de", "el", "es", "fi", "fr", "he", "hi", "it", "ja", "ko", "ms", "nl", "no",
             "pl", "pt", "ru", "sv", "sw", "tr", "zh")  # fmt: skip
EXAGGERATION, CFG_WEIGHT = 0.5, 0.5  # the README's defaults: a natural read


class ChatterboxVoiceBackend:
    name = "chatterbox"
    task = "voice.speak"
    label = "Chatterbox (clones a Cast member's recorded voice; GPU, MIT)"
    gpu = True

    def readiness(self) -> Readiness:
        if importlib.util.find_spec("chatterbox") is None:
            return Readiness(False, NOT_INSTALLABLE)
        return Readiness(True, "voice cloning from a recording")

    def voices(self) -> list[str]:
        return list(LANGUAGES)

    def run(self, request: VoiceRequest, context: JobContext) -> Output:
        if importlib.util.find_spec("chatterbox") is None:
            raise GenerateError(f"The Chatterbox voice {NOT_INSTALLABLE}")
        language = (request.voice or "en").lower()
        if language not in LANGUAGES:
            raise GenerateError(f"Chatterbox speaks {', '.join(LANGUAGES)}, not {language!r}")
        import torch

        device = "cuda" if request.device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
        context.progress(0.0, LOADING)
        model = context.models.get(("chatterbox", language == "en", device), lambda: _load(language, device))
        context.progress(0.3, RENDERING)
        torch.manual_seed(request.seed)
        arguments: dict[str, Any] = {"exaggeration": EXAGGERATION, "cfg_weight": CFG_WEIGHT}
        if request.reference:
            arguments["audio_prompt_path"] = request.reference
        if language != "en":
            arguments["language_id"] = language
        context.check_cancelled()
        with torch.no_grad():
            waveform = model.generate(request.text, **arguments)
        samples = np.asarray(waveform[0].float().cpu(), np.float32)
        context.progress(0.8, ENCODING)
        path = context.workdir / "voice-chatterbox.wav"
        count = voice_audio.finish(samples, int(model.sr), path)
        context.progress(1.0, ENCODING)
        return Output(
            [path],
            request.provenance(
                backend=self.name,
                voice=language,
                model_id="ResembleAI/chatterbox",
                reference=request.reference or "",
                device=device,
                engine_rate=int(model.sr),
                samples=count,
                duration=f"{count}/{voice_audio.RATE}",
                watermarked=True,
            ),
        )


def _load(language: str, device: str) -> Any:
    if language == "en":
        from chatterbox.tts import ChatterboxTTS

        return ChatterboxTTS.from_pretrained(device=device)
    from chatterbox.mtl_tts import ChatterboxMultilingualTTS

    return ChatterboxMultilingualTTS.from_pretrained(device=device)
