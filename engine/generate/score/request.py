"""The request of task `music.score`, checked once, so backends can trust it.

A score must fit the cut, so its length is a sample count at 48 kHz (the
editor sends the range's exact samples; a script may give `duration` in
seconds, rounded to the nearest sample), and the shots' cuts are sample
offsets from the start of the range (`cut_samples`) or seconds (`cuts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.plan_params import plan_param, quality_param, vram_gb_param
from engine.generate.score.music.theory import parse_key
from engine.generate.video.request import _int

RATE = 48_000
#: An hour of music: more is surely a typo, and would hold a lot of memory.
MAX_SAMPLES = 3600 * RATE


@dataclass(frozen=True)
class ScoreRequest:
    samples: int  # exact length at 48 kHz
    cuts: tuple[int, ...]  # sample offsets of the shots' cuts inside the range, sorted
    prompt: str = ""
    bpm: float | None = None  # None: the style's (or, hitting cuts, the one that fits them)
    key: str | None = None  # "A minor", "F#"; None: chosen from the style and seed
    intensity: float = 0.5
    hit_cuts: bool = True
    seed: int = 0
    negative_prompt: str = ""
    model: str | None = None  # diffusers backends: a preset name, hub id or local folder
    steps: int | None = None
    guidance: float | None = None
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: bool = False  # diffusers backends on small GPUs
    vae_tiling: bool = False  # Stable Audio's VAE decodes long audio in pieces: less memory
    lyrics: str = ""  # sung words, with [verse]/[chorus] tags (ACE-Step)
    src_audio: str | None = None  # an existing cue (48 kHz WAV) to rescore a section of
    repaint: tuple[int, int] | None = None  # the section of src_audio to make anew, in samples at 48 kHz
    vram_gb: float | None = None  # plan for this much GPU memory instead of what the device reports
    plan: str | None = None  # the plan the user chose in the dialog ("model offload · VAE tiling")
    quality: str = "final"  # "draft": distilled steps or a step cache for a fast first look

    @property
    def duration(self) -> float:
        return self.samples / RATE

    @property
    def cut_seconds(self) -> list[float]:
        return [c / RATE for c in self.cuts]

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ScoreRequest:
        prompt = params.get("prompt", "")
        if not isinstance(prompt, str):
            raise GenerateError("prompt must be text")
        samples = _int(params, "samples", None, 1, MAX_SAMPLES)
        if samples is None:
            duration = _number(params, "duration", None)
            if duration is None:
                raise GenerateError("samples (at 48 kHz) or duration (seconds) is required")
            if not 0 < duration <= MAX_SAMPLES // RATE:
                raise GenerateError(
                    f"duration must be more than 0 and at most {MAX_SAMPLES // RATE} seconds, "
                    f"not {duration:g}"
                )
            samples = round(duration * RATE)
            if not 1 <= samples <= MAX_SAMPLES:
                raise GenerateError(f"duration must be more than 0 and at most {MAX_SAMPLES // RATE} seconds")
        cuts = _cuts(params, samples)
        bpm = _number(params, "bpm", None)
        if bpm is not None and not 30 <= bpm <= 300:
            raise GenerateError(f"bpm must be from 30 to 300, not {bpm:g}")
        intensity = _number(params, "intensity", 0.5)
        if not 0 <= intensity <= 1:
            raise GenerateError(f"intensity must be from 0 to 1, not {intensity:g}")
        key = params.get("key") or None
        if key is not None:
            parse_key(str(key))  # a bad key is refused now, with its message
        src_audio, repaint = _repaint(params, samples)
        lyrics = params.get("lyrics") or ""
        if not isinstance(lyrics, str):
            raise GenerateError("lyrics must be text")
        return cls(
            lyrics=lyrics.strip(),
            src_audio=src_audio,
            repaint=repaint,
            samples=samples,
            cuts=cuts,
            prompt=prompt.strip(),
            bpm=bpm,
            key=str(key) if key else None,
            intensity=intensity,
            hit_cuts=_flag(params.get("hit_cuts", True)),
            seed=_int(params, "seed", 0, 0, 2**63 - 1) or 0,
            negative_prompt=str(params.get("negative_prompt") or ""),
            model=str(params["model"]) if params.get("model") else None,
            steps=_int(params, "steps", None, 1, 500),
            guidance=_number(params, "guidance", None),
            device=str(params.get("device") or "auto"),
            dtype=str(params.get("dtype") or "auto"),
            cpu_offload=_flag(params.get("cpu_offload", False)),
            vae_tiling=_flag(params.get("vae_tiling", False)),
            vram_gb=vram_gb_param(params),
            plan=plan_param(params),
            quality=quality_param(params),
        )

    def provenance(self, **extra: Any) -> dict[str, Any]:
        return {
            "task": "music.score",
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "samples": self.samples,
            "sample_rate": RATE,
            "duration": self.duration,
            "cut_samples": list(self.cuts),
            "hit_cuts": self.hit_cuts,
            "bpm_asked": self.bpm,
            "key_asked": self.key,
            "intensity": self.intensity,
            "lyrics": self.lyrics,
            "src_audio": self.src_audio,
            "repaint_samples": list(self.repaint) if self.repaint else None,
            **extra,
        }


def _number(params: dict[str, Any], key: str, default: float | None) -> float | None:
    value = params.get(key, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise GenerateError(f"{key} must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GenerateError(f"{key} must be a number, not {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise GenerateError(f"{key} must be a finite number")
    return number


def _flag(value: Any) -> bool:
    """A JSON or command-line yes/no: true, "true", 1, "yes" are yes; false, "false", 0, "no" are no."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def _cuts(params: dict[str, Any], samples: int) -> tuple[int, ...]:
    """Cuts strictly inside the range, in samples: from `cut_samples`, else from `cuts` in seconds."""
    raw = params.get("cut_samples")
    scale = 1
    if raw is None:
        raw, scale = params.get("cuts") or [], RATE
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
    if not isinstance(raw, list | tuple):
        raise GenerateError("cuts must be a list of times")
    found = set()
    for value in raw:
        try:
            offset = round(float(value) * scale)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite or huge time
            raise GenerateError(f"The cut {value!r} is not a time") from None
        if 0 < offset < samples:
            found.add(offset)
    return tuple(sorted(found))


def _repaint(params: dict[str, Any], samples: int) -> tuple[str | None, tuple[int, int] | None]:
    """ "Rescore this section": the existing cue and the section of it to make anew, checked."""
    source = params.get("src_audio")
    start, end = params.get("repaint_start"), params.get("repaint_end")
    if source is None:
        if start is not None or end is not None:
            raise GenerateError(
                "repaint_start and repaint_end need src_audio: the cue to rescore a section of"
            )
        return None, None
    source = str(source)
    if not Path(source).is_file():
        raise GenerateError(f"The cue to rescore {source} does not exist")
    first = _int(params, "repaint_start", 0, 0, samples)
    last = _int(params, "repaint_end", samples, 0, samples)
    assert first is not None and last is not None
    if first >= last:
        raise GenerateError(f"The section to rescore must end after it starts (samples {first} to {last})")
    return source, (first, last)
