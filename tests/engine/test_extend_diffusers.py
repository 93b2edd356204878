"""The LTX-condition and Wan VACE extend backends, run for real on tiny random-weight models.

The models are built once per session, saved with safetensors and loaded by
the path a user's checkpoint takes (registry, job queue, ModelPool,
`from_pretrained(folder, use_safetensors=True)`), offline. Their new frames
are noise, but the frame counts, the clip's frames kept bit for bit, the
model's rate conformed to the clip's and the provenance are all real.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.errors import GenerateError
from engine.generate.extend.diffusers import PRESETS_FILE, _Plan
from engine.generate.extend.request import ExtendRequest
from engine.generate.jobs import generation_queue
from engine.generate.presets import load_presets, preset_for_model
from engine.generate.registry import default_registry
from engine.jobs.spec import JobSpec
from tests.engine.test_extend import decoded, write_square
from tests.support.recorder import Recorder
from tests.support.tinymodels import tiny_ltx, tiny_vace

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")


def _tiny_ltx_condition(folder: Path, scratch: Path, num_layers: int = 1) -> None:
    """The tiny LTX model, saved as an LTXConditionPipeline (as LTX 0.9.5+ checkpoints load)."""
    from diffusers import LTXConditionPipeline

    tiny_ltx(scratch, num_layers)
    LTXConditionPipeline.from_pretrained(scratch, use_safetensors=True).save_pretrained(
        folder, safe_serialization=True
    )


@pytest.fixture(scope="module")
def tiny_extend(tmp_path_factory) -> dict[str, Path]:
    import torch

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("extend-models")
    folders = {"ltx": root / "tiny-ltx-condition", "vace": root / "tiny-vace"}
    _tiny_ltx_condition(folders["ltx"], root / "scratch-ltx")
    (folders["ltx"] / "shotline.json").write_text(
        json.dumps({"preset": "ltx-0.9.5-condition", "native_sizes": [[64, 32]], "free_aspect": False})
    )
    tiny_vace(folders["vace"])
    (folders["vace"] / "shotline.json").write_text(
        json.dumps({"preset": "wan2.1-vace-1.3b", "native_sizes": [[64, 32]], "free_aspect": False})
    )
    return folders


def _extend(backend: str, model: Path, clip: Path, cache: Path, **params) -> tuple[Path, dict]:
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    params |= {"input": str(clip), "model": str(model), "device": "cpu", "steps": 2, "cache_dir": str(cache)}
    spec = JobSpec("video.extend", params, backend=backend)
    try:
        job = jobs.submit(spec)
        recorder.wait(job, timeout=300)
    finally:
        jobs.shutdown()
    failed = recorder.of("failed", job)
    assert not failed, failed
    result = recorder.of("done", job)[0][2].to_json()
    return Path(result["files"][0]), result["provenance"]


@pytest.mark.parametrize(
    ("backend", "pipeline", "head"),
    [("ltx-extend", "LTXConditionPipeline", False), ("vace-extend", "WanVACEPipeline", True)],
)
@pytest.mark.slow
def test_a_tiny_model_extends_a_clip_and_keeps_its_frames(
    tiny_extend, tmp_path, backend, pipeline, head
) -> None:
    clip = write_square(tmp_path / "clip.mp4", frames=12)
    model = tiny_extend["ltx" if backend == "ltx-extend" else "vace"]
    path, made = _extend(backend, model, clip, tmp_path / "cache", frames=5, head=head, start=2, count=8)
    out, original = decoded(path), decoded(clip)
    assert len(out) == 13
    offset = 5 if head else 0
    assert all(np.array_equal(out[offset + i], original[2 + i]) for i in range(8))
    assert made["backend"] == backend and made["pipeline"] == pipeline
    assert made["model_id"] == str(model) and made["extend"]["side"] == ("head" if head else "tail")
    assert made["frames"] == 13 and made["rate"] == "30/1"
    multiple = 8 if backend == "ltx-extend" else 4
    assert (made["native_frames"] - 1) % multiple == 0


def test_the_presets_name_real_checkpoints_with_their_frame_rules() -> None:
    presets = load_presets(PRESETS_FILE)
    ltx = preset_for_model("ltx-extend", None, PRESETS_FILE)
    vace = preset_for_model("vace-extend", None, PRESETS_FILE)
    assert ltx.model == "Lightricks/LTX-Video-0.9.5" and ltx.pipeline == "LTXConditionPipeline"
    assert vace.model == "Wan-AI/Wan2.1-VACE-1.3B-diffusers" and vace.pipeline == "WanVACEPipeline"
    assert all(p.frame_multiple == (4 if p.backend == "vace-extend" else 8) for p in presets.values())


def test_an_extension_longer_than_the_model_makes_in_one_go_is_refused(tmp_path) -> None:
    clip = write_square(tmp_path / "clip.mp4", frames=12)
    request = ExtendRequest.from_params({"input": str(clip), "frames": 300})
    vace = preset_for_model("vace-extend", None, PRESETS_FILE)
    with pytest.raises(GenerateError, match="extend again"):
        _Plan.make(vace, request)
    plan = _Plan.make(preset_for_model("ltx-extend", None, PRESETS_FILE), replace(request, frames=30))
    assert (plan.known - 1) % 8 == 0 and (plan.total - 1) % 8 == 0 and plan.total - plan.known >= 24


@pytest.mark.slow
def test_ltx2_extends_a_clip_and_its_sound_continues_with_the_models(tmp_path) -> None:
    """The tiny LTX-2 (picture and sound) as LTX2ConditionPipeline: the clip's sound, then the model's."""
    import torch

    from engine.generate.score.music.master import read_wav, write_wav
    from tests.support.tinymodels import drive_as, tiny_ltx2

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = tmp_path / "tiny-ltx2"
    tiny_ltx2(model)
    drive_as(model, "ltx-2.3-condition", native_sizes=[[32, 32]], free_aspect=False,
             call_options={"max_sequence_length": 16})  # fmt: skip
    clip = write_square(tmp_path / "clip.mp4", frames=12)
    # the clip's take sound: 12 frames at 30 fps, a level that rises frame by frame
    own = np.repeat((np.arange(12, dtype=np.float32) + 1) / 20, 1600)[:, None].repeat(2, axis=1)
    write_wav(tmp_path / "take-sound.wav", own)
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    params = {"input": str(clip), "model": str(model), "device": "cpu", "steps": 2, "frames": 5, "start": 2,
              "count": 8, "sound": str(tmp_path / "take-sound.wav"),
              "cache_dir": str(tmp_path / "cache")}  # fmt: skip
    try:
        job = jobs.submit(JobSpec("video.extend", params, backend="ltx2-extend"))
        recorder.wait(job, timeout=300)
    finally:
        jobs.shutdown()
    assert not recorder.of("failed", job), recorder.of("failed", job)
    result = recorder.of("done", job)[0][2].to_json()
    picture, sound = (Path(f) for f in result["files"])
    made = result["provenance"]
    assert made["pipeline"] == "LTX2ConditionPipeline" and made["backend"] == "ltx2-extend"
    assert len(decoded(picture)) == 13
    assert made["has_audio"] and made["audio"] == "sound.wav" and made["audio_samples"] == 13 * 1600
    samples, rate = read_wav(sound)
    assert rate == 48_000 and samples.shape == (13 * 1600, 2)
    # over the clip's 8 frames: its own sound from its source frame 2 on, as it was
    assert np.allclose(samples[: 8 * 1600], own[2 * 1600 : 10 * 1600], atol=1e-3)
    assert np.abs(samples[8 * 1600 :]).max() > 0  # then the model's, not silence


@pytest.mark.slow
def test_a_draft_extension_runs_ltx_with_first_block_cache_and_keeps_the_clips_frames(
    tiny_extend, tmp_path
) -> None:
    model = tmp_path / "tiny-ltx-two-blocks"  # FirstBlockCache caches the blocks after the first
    _tiny_ltx_condition(model, tmp_path / "scratch", num_layers=2)
    (model / "shotline.json").write_text((tiny_extend["ltx"] / "shotline.json").read_text())
    clip = write_square(tmp_path / "clip.mp4", frames=12)
    path, made = _extend("ltx-extend", model, clip, tmp_path / "cache", frames=5, start=2, count=8,
                         quality="draft")  # fmt: skip
    out, original = decoded(path), decoded(clip)
    assert len(out) == 13 and all(np.array_equal(out[i], original[2 + i]) for i in range(8))
    assert (made["quality"], made["draft"]) == ("draft", "FirstBlockCache")
