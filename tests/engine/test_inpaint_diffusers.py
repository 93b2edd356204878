"""The VACE and SD-inpaint backends, run for real through the job queue on tiny random-weight models.

As in test_generate_diffusers.py, the pipelines are built once per session
with random weights, saved with safetensors and loaded by the path a real
checkpoint takes (registry, job queue, ModelPool, from_pretrained(...,
use_safetensors=True)). Their fills are noise, which makes the mask easy to
check: the masked region changed, everything outside it is the source.
"""

from __future__ import annotations

import json
import os
import threading
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.errors import GenerateError
from engine.generate.inpaint.diffusers import INPAINT_PRESETS, inpaint_backends
from engine.generate.jobs import GenerationJobs, generation_queue
from engine.generate.mezzanine import write_video
from engine.generate.presets import load_presets, preset_for_model
from engine.generate.registry import default_registry
from engine.jobs.models import ModelPool
from engine.jobs.progress import DENOISING
from engine.jobs.spec import JobSpec
from tests.support.inpaintclip import Clip, decode, write_clip
from tests.support.tinymodels import tiny_vace

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")


def _clip_tokenizer(folder: Path):
    """A CLIP tokenizer from a character vocabulary: nothing downloaded."""
    from transformers import CLIPTokenizer

    chars = sorted(set("abcdefghijklmnopqrstuvwxyz"))
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "!": 2}
    for c in chars:
        vocab.setdefault(c, len(vocab))
        vocab.setdefault(f"{c}</w>", len(vocab))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)


def _tiny_sd_inpaint(folder: Path, scratch: Path) -> None:
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    tokenizer = _clip_tokenizer(scratch)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=32, intermediate_size=37,
                       num_attention_heads=4, num_hidden_layers=2, pad_token_id=1, vocab_size=len(tokenizer),
                       max_position_embeddings=77)
    )  # fmt: skip
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=9, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, norm_num_groups=8, attention_head_dim=4,
    )  # fmt: skip
    vae = AutoencoderKL(
        block_out_channels=[16, 32], in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=8,
        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
    )  # fmt: skip
    pipe = StableDiffusionInpaintPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=DDIMScheduler(),
        safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> dict[str, Path]:
    import torch

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("inpaint-models")
    folders = {"vace": root / "tiny-vace", "sd": root / "tiny-sd-inpaint"}
    tiny_vace(folders["vace"])
    # chunks of 9 frames, so a 12-frame clip is two calls (9, then 3 asked as 5)
    (folders["vace"] / "shotline.json").write_text(
        json.dumps({"preset": "wan2.1-vace-1.3b", "native_sizes": [[64, 64]], "max_frames": 9})
    )
    _tiny_sd_inpaint(folders["sd"], root / "clip-tokenizer")
    (folders["sd"] / "shotline.json").write_text(json.dumps({"native_sizes": [[64, 64]]}))
    return folders


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Clip:
    folder = tmp_path_factory.mktemp("inpaint-clip")
    made = write_clip(folder / "clip.mp4", size=(96, 54), count=12)
    cv2.imwrite(str(folder / "logo.png"), made.logo)
    return made


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.ended = threading.Event()
        self.cancel_at: tuple[int, int] | None = None  # (part's denoising step, how many seen)
        self.queue: GenerationJobs | None = None

    def progress(self, job_id, report, eta) -> None:
        self.events.append(("progress", report))

    def log(self, job_id, text) -> None:
        self.events.append(("log", text))

    def done(self, job_id, result, cached) -> None:
        self.events.append(("done", result))
        self.ended.set()

    def failed(self, job_id, message) -> None:
        self.events.append(("failed", message))
        self.ended.set()

    def cancelled(self, job_id) -> None:
        self.events.append(("cancelled", None))
        self.ended.set()


@pytest.fixture
def engine(tmp_path):
    pool = ModelPool()
    queues: list[GenerationJobs] = []

    def run(backend: str, **params) -> tuple[Recorder, tuple]:
        recorder = Recorder()
        jobs = generation_queue(default_registry(), recorder, models=pool)
        queues.append(jobs)
        base = {"steps": 2, "device": "cpu", "seed": 5, "prompt": "sea", "cache_dir": str(tmp_path / "cache")}
        jobs.submit(JobSpec("video.inpaint", {**base, **params}, backend=backend))
        assert recorder.ended.wait(120)
        return recorder, next(e for e in recorder.events if e[0] in ("done", "failed", "cancelled"))

    yield run, pool
    for jobs in queues:
        jobs.shutdown()


def _respects_mask(clip: Clip, result, tmp_path: Path) -> list[np.ndarray]:
    frames, rate, size = decode(result.files[0])
    assert (len(frames), rate, size) == (12, Fraction(24), (96, 54))
    source = decode(clip.path)[0]
    # the baseline: the source itself re-encoded as a mezzanine, nothing changed
    write_video(tmp_path / "again.mp4", source, Fraction(24), (96, 54))
    again = decode(tmp_path / "again.mp4")[0]
    outside = cv2.dilate(clip.logo, np.ones((9, 9), np.uint8)) == 0
    inside = clip.logo > 0

    def mae(a, b, where):
        return float(np.abs(a.astype(np.int16) - b.astype(np.int16))[where].mean())

    noise = max(mae(a, s, outside) for a, s in zip(again, source, strict=True))
    assert max(mae(f, s, outside) for f, s in zip(frames, source, strict=True)) <= noise + 0.3
    assert min(mae(f, s, inside) for f, s in zip(frames, source, strict=True)) > 5  # the logo was replaced
    return frames


def test_vace_fills_only_the_mask_in_chunks_of_4k_plus_1(engine, tiny, clip, tmp_path) -> None:
    run, pool = engine
    recorder, ending = run(
        "vace", input=str(clip.path), mask=str(clip.path.parent / "logo.png"), model=str(tiny["vace"])
    )
    assert ending[0] == "done", ending
    result = ending[1]
    _respects_mask(clip, result, tmp_path)
    p = result.provenance
    assert p["task"] == "video.inpaint" and p["backend"] == "vace" and p["preset"] == "wan2.1-vace-1.3b"
    assert p["pipeline"] == "WanVACEPipeline" and p["model_id"] == str(tiny["vace"])
    assert p["native_frames"] == 9 + 5  # 12 frames: a chunk of 9, then 3 asked as 5 and trimmed
    assert (p["generated_width"], p["generated_height"]) == (80, 48) and p["seed"] == 5
    assert p["mask"] == str(clip.path.parent / "logo.png") and len(p["mask_sha256"]) == 64
    steps = [(r.step, r.steps) for kind, r in recorder.events if kind == "progress" and r.stage == DENOISING]
    assert steps == [(1, 2), (2, 2), (1, 2), (2, 2)]
    fractions = [r.fraction for kind, r in recorder.events if kind == "progress"]
    assert fractions == sorted(fractions)
    assert pool.loads == 1


def test_sd_inpaint_fills_only_the_mask_with_the_same_seed_on_every_frame(
    engine, tiny, clip, tmp_path
) -> None:
    run, _ = engine
    still = tmp_path / "still.mp4"
    # a clip whose every frame is the same picture: the same seed must then give the same fill
    write_video(still, [clip.frames[0]] * 3, Fraction(24), (96, 54))
    _, ending = run("sd-inpaint", input=str(still), mask=str(clip.path.parent / "logo.png"),
                    model=str(tiny["sd"]))  # fmt: skip
    assert ending[0] == "done", ending
    frames = decode(ending[1].files[0])[0]
    inside = clip.logo > 0
    assert np.abs(frames[0].astype(int) - frames[2])[inside].mean() < 2.0
    p = ending[1].provenance
    assert p["pipeline"] == "StableDiffusionInpaintPipeline" and p["preset"] == "sd1.5-inpainting"
    assert (p["generated_width"], p["generated_height"]) == (88, 48) and p["native_frames"] == 3
    _, ending = run("sd-inpaint", input=str(clip.path), mask=str(clip.path.parent / "logo.png"),
                    model=str(tiny["sd"]))  # fmt: skip
    assert ending[0] == "done", ending
    _respects_mask(clip, ending[1], tmp_path)


def test_the_shipped_inpaint_presets_name_real_checkpoints() -> None:
    presets = load_presets(INPAINT_PRESETS)
    assert presets["wan2.1-vace-1.3b"].model == "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
    assert presets["wan2.1-vace-14b"].model == "Wan-AI/Wan2.1-VACE-14B-diffusers"
    assert presets["sd1.5-inpainting"].model == "stable-diffusion-v1-5/stable-diffusion-inpainting"
    assert {p.backend for p in presets.values()} == {"vace", "sd-inpaint"}
    assert preset_for_model("vace", None, INPAINT_PRESETS).name == "wan2.1-vace-1.3b"
    assert preset_for_model("sd-inpaint", None, INPAINT_PRESETS).name == "sd1.5-inpainting"
    names = {b.name for b in inpaint_backends()}
    assert names == {"vace", "sd-inpaint"}
    registry = default_registry()
    assert {b.name for b in registry.backends("video.inpaint")} == {"opencv", "vace", "sd-inpaint"}


def test_a_missing_model_folder_is_refused_before_anything_loads(engine, clip, tmp_path) -> None:
    run, pool = engine
    _, ending = run("vace", input=str(clip.path), mask=str(clip.path.parent / "logo.png"),
                    model=str(tmp_path / "nowhere"))  # fmt: skip
    assert ending[0] == "failed" and "does not exist" in ending[1]
    assert pool.loads == 0
    with pytest.raises(GenerateError, match="mask is required"):
        default_registry().request("video.inpaint", {"input": str(clip.path)})


def test_a_draft_vace_inpaint_runs_with_first_block_cache_and_the_pooled_model_is_final_again(
    engine, tiny, clip, tmp_path
) -> None:
    run, pool = engine
    mask = str(clip.path.parent / "logo.png")
    recorder, ending = run("vace", input=str(clip.path), mask=mask, model=str(tiny["vace"]), quality="draft")
    assert ending[0] == "done", ending
    _respects_mask(clip, ending[1], tmp_path)  # a draft still fills only the mask
    assert (ending[1].provenance["quality"], ending[1].provenance["draft"]) == ("draft", "FirstBlockCache")
    assert ("log", "vace: Draft quality, FirstBlockCache") in recorder.events
    pipe = pool.get(pool.loaded, lambda: None)
    assert not pipe.transformer.is_cache_enabled  # the next Final job gets the real steps
    _recorder, ending = run("vace", input=str(clip.path), mask=mask, model=str(tiny["vace"]))
    assert (ending[1].provenance["quality"], ending[1].provenance["draft"]) == ("final", None)


def test_a_draft_sd_inpaint_is_made_as_final_and_says_why(engine, tiny, clip, tmp_path) -> None:
    run, _ = engine
    still = tmp_path / "still.mp4"
    write_video(still, [clip.frames[0]] * 2, Fraction(24), (96, 54))
    recorder, ending = run("sd-inpaint", input=str(still), mask=str(clip.path.parent / "logo.png"),
                           model=str(tiny["sd"]), quality="draft")  # fmt: skip
    assert ending[0] == "done", ending
    assert (ending[1].provenance["quality"], ending[1].provenance["draft"]) == ("final", None)
    said = [text for kind, text in recorder.events if kind == "log" and "Draft does not apply" in str(text)]
    assert said and "no step cache for its UNet" in said[0]
