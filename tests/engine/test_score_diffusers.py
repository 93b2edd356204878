"""The Stable Audio backend, run for real through the job queue on a tiny random-weight model.

The model (a few thousand parameters, 2,048 Hz, at most 1 s a call) is
built once per session, saved with safetensors and loaded by the path a
user's checkpoint takes: registry, job queue, model pool and
`from_pretrained(folder, use_safetensors=True)`, offline. Its sound is
noise, but the length, the chunking with crossfades, the resampling to
48 kHz, progress and provenance are all real.
"""

from __future__ import annotations

import itertools
import os
import threading

import numpy as np
import pytest

from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.generate.score.diffusers import (
    DiffusersMusicBackend,
    chunk_plan,
    crossfade,
    load_presets,
    preset_for,
)
from engine.generate.score.music.master import read_wav
from engine.generate.score.request import ScoreRequest
from engine.jobs.models import ModelPool
from engine.jobs.progress import JobContext
from engine.jobs.spec import JobSpec

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")
pytest.importorskip("torchsde", reason="Stable Audio's scheduler needs torchsde")

RATE = 48_000
WORDS = "a the music calm piano tense strings drums epic score".split()  # noqa: SIM905


@pytest.fixture(scope="session")
def tiny_stable_audio(tmp_path_factory):
    import torch
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
    )
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel
    from transformers import T5Config, T5EncoderModel, T5Tokenizer

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [
        (f"▁{w}", -float(i)) for i, w in enumerate(WORDS)
    ]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=16)
    text_encoder = T5EncoderModel(
        T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=32, num_layers=1, num_heads=4,
                 relative_attention_num_buckets=8)
    )  # fmt: skip
    # global_states_input_dim = 2 x conditioning_dim; the longest piece is 64 x 32 / 2048 = 1 s
    projection = StableAudioProjectionModel(
        text_encoder_dim=32, conditioning_dim=4, min_value=0, max_value=32
    )
    transformer = StableAudioDiTModel(
        sample_size=64, in_channels=3, num_layers=2, attention_head_dim=4, num_attention_heads=2,
        num_key_value_attention_heads=2, out_channels=3, cross_attention_dim=4, time_proj_dim=8,
        global_states_input_dim=8, cross_attention_input_dim=4,
    )  # fmt: skip
    vae = AutoencoderOobleck(
        encoder_hidden_size=6, downsampling_ratios=[2, 4, 4], decoder_channels=3, decoder_input_channels=3,
        audio_channels=2, channel_multiples=[2, 4, 4], sampling_rate=2048,
    )  # fmt: skip
    scheduler = CosineDPMSolverMultistepScheduler(
        solver_order=2, prediction_type="v_prediction", sigma_data=1.0, sigma_schedule="exponential"
    )
    pipe = StableAudioPipeline(vae=vae, text_encoder=text_encoder, projection_model=projection,
                               tokenizer=tokenizer, transformer=transformer, scheduler=scheduler)  # fmt: skip
    folder = tmp_path_factory.mktemp("models") / "tiny-stable-audio"
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


class _Listener:
    def __init__(self) -> None:
        self.ended = threading.Event()
        self.result = None
        self.error = None
        self.steps: list[tuple[int, int]] = []

    def progress(self, _job, report, _eta) -> None:
        if report.stage == "denoising":
            self.steps.append((report.step, report.steps))

    def log(self, *_args) -> None: ...

    def done(self, _job, result, _cached) -> None:
        self.result = result
        self.ended.set()

    def failed(self, _job, message) -> None:
        self.error = message
        self.ended.set()

    def cancelled(self, _job) -> None:
        self.error = "cancelled"
        self.ended.set()


def _run(tmp_path, folder, pool=None, **params):
    listener = _Listener()
    pool = pool or ModelPool()
    jobs = generation_queue(default_registry(), listener, models=pool)
    base = {"prompt": "calm piano", "model": str(folder), "device": "cpu", "steps": 2, "seed": 5,
            "cache_dir": str(tmp_path / "cache")}  # fmt: skip
    try:
        jobs.submit(JobSpec("music.score", {**base, **params}, backend="stable-audio"))
        assert listener.ended.wait(120)
    finally:
        jobs.shutdown()
    assert listener.error is None, listener.error
    return listener


def test_a_short_score_is_one_piece_exact_at_48k(tmp_path, tiny_stable_audio) -> None:
    listener = _run(tmp_path, tiny_stable_audio, duration=0.7)
    audio, rate = read_wav(listener.result.files[0])
    assert rate == RATE and audio.shape == (round(0.7 * RATE), 2)
    made = listener.result.provenance
    assert made["backend"] == "stable-audio" and made["pipeline"] == "StableAudioPipeline"
    assert made["chunks"] == 1 and made["native_rate"] == 2048 and made["chunk_seconds"] == 1.0
    assert made["preset"] == "stable-audio-open-1.0" and made["model_id"] == str(tiny_stable_audio)
    assert float(np.abs(audio).max()) < 10 ** (-1 / 20)
    assert listener.steps == [(1, 2), (2, 2)]


def test_a_score_longer_than_the_model_is_made_in_crossfaded_chunks(tmp_path, tiny_stable_audio) -> None:
    listener = _run(tmp_path, tiny_stable_audio, duration=2.6, seed=9)
    audio, _rate = read_wav(listener.result.files[0])
    assert audio.shape == (round(2.6 * RATE), 2)  # exact, though made as pieces of at most 1 s
    made = listener.result.provenance
    assert made["chunks"] == 4  # 1 s pieces overlapping by 0.25 s cover 2.6 s in four
    assert listener.steps[-1] == (8, 8)  # two steps a piece, reported as one bar
    quarter = len(audio) // 4
    for part in range(4):  # sound all the way through: no gap where pieces join
        assert float(np.sqrt(np.mean(audio[part * quarter : (part + 1) * quarter] ** 2))) > 1e-3


def test_settings_vae_tiling_reaches_the_music_pipeline_and_is_part_of_what_is_kept_loaded(
    tmp_path, tiny_stable_audio
) -> None:
    """Settings > Models sends cpu_offload and vae_tiling to music jobs too; a change reloads the model."""
    base = {"duration": 0.5, "model": str(tiny_stable_audio), "device": "cpu", "steps": 1}
    asked = ScoreRequest.from_params({**base, "cpu_offload": "true", "vae_tiling": True})
    assert asked.cpu_offload and asked.vae_tiling
    pool, backend = ModelPool(), DiffusersMusicBackend()
    backend.run(ScoreRequest.from_params(base), JobContext(tmp_path, models=pool))
    untiled = pool.loaded
    tiled = ScoreRequest.from_params({**base, "vae_tiling": True})
    made = backend.run(tiled, JobContext(tmp_path, models=pool))
    assert pool.loaded != untiled and pool.loaded[-1] == ("cpu", True, False)  # (placement, tiling, 8-bit)
    assert pool.get(pool.loaded, lambda: None).vae.use_tiling
    assert made.provenance["model_id"] == str(tiny_stable_audio)
    pool.release()


def test_the_chunk_plan_and_the_equal_power_crossfade() -> None:
    plan = chunk_plan(2600, 1000, 250)
    assert plan[0] == (0, 1000) and plan[-1][0] + plan[-1][1] == 2600
    assert all(b[0] - a[0] == 750 for a, b in itertools.pairwise(plan))
    ones = [np.ones((2, length), np.float32) for _, length in plan]
    joined = crossfade(ones, plan, 2600)
    # equal power: two uncorrelated signals keep their power through the join (cos^2 + sin^2 = 1)
    overlap = joined[0, 750:1000]
    theta = np.linspace(0, np.pi / 2, 250)
    assert np.allclose(overlap, np.cos(theta) + np.sin(theta), atol=1e-5)
    assert np.allclose(joined[0, :750], 1.0) and np.allclose(joined[0, 1000:1500], 1.0)


def test_presets_name_stable_audio_open_and_audioldm2() -> None:
    presets = load_presets()
    assert presets["stable-audio-open-1.0"].model == "stabilityai/stable-audio-open-1.0"
    assert presets["audioldm2-music"].pipeline == "AudioLDM2Pipeline"
    assert preset_for(None).name == "stable-audio-open-1.0"
    assert preset_for("cvssp/audioldm2-music").name == "audioldm2-music"
