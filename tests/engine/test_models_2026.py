"""The 2026 models through the engine's own job path, on tiny random-weight versions built offline.

Each model folder is written by tests/support/tinymodels.py with
`save_pretrained` and loaded by the backend through
`from_pretrained(folder, use_safetensors=True)`, exactly as a downloaded
checkpoint is; a `shotline.json` in the folder tells Shotline to drive it
like the named preset at a tiny native size. The pictures and sounds are
noise, but frame counts, rates, sizes, sample counts, which pipeline ran,
which anchors it was given and what the provenance says are all real.
"""

from __future__ import annotations

import os
import shutil
import threading
import wave
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image

from engine.generate.jobs import generation_queue
from engine.generate.presets import load_presets
from engine.generate.registry import default_registry
from engine.generate.score.music.master import read_wav, write_wav
from engine.generate.video.choices import anchors
from engine.jobs.models import ModelPool
from engine.jobs.spec import JobSpec
from tests.engine.test_inpaint_diffusers import _respects_mask
from tests.support.inpaintclip import write_clip
from tests.support.tinymodels import (
    drive_as,
    tiny_acestep,
    tiny_ltx2,
    tiny_vace_a14b,
    tiny_wan22_a14b,
    tiny_wan_lora,
)

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    import torch

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("models2026")
    folders = {"ltx2": root / "tiny-ltx2"}
    tiny_ltx2(folders["ltx2"])
    drive_as(folders["ltx2"], "ltx-2.3", native_sizes=[[32, 32]], free_aspect=False,
             call_options={"max_sequence_length": 16})  # fmt: skip
    small = {"native_sizes": [[32, 32]], "free_aspect": False}
    folders["wan22"] = root / "tiny-wan22-t2v"
    tiny_wan22_a14b(folders["wan22"])
    drive_as(folders["wan22"], "wan2.2-t2v-a14b", **small)
    folders["lightning"] = root / "tiny-wan22-t2v-lightning"
    shutil.copytree(folders["wan22"], folders["lightning"])
    tiny_wan_lora(root / "tiny-lightning-lora")
    lora = {"model": str(root / "tiny-lightning-lora"), "weight_name": "high.safetensors",
            "weight_name_2": "low.safetensors"}  # fmt: skip
    drive_as(folders["lightning"], "wan2.2-t2v-a14b-lightning", lora=lora, **small)
    folders["wan22_i2v"] = root / "tiny-wan22-i2v"
    tiny_wan22_a14b(folders["wan22_i2v"], image_to_video=True)
    drive_as(folders["wan22_i2v"], "wan2.2-i2v-a14b", **small)
    folders["vace22"] = root / "tiny-vace22"
    tiny_vace_a14b(folders["vace22"])
    drive_as(folders["vace22"], "wan2.2-vace-fun-a14b", native_sizes=[[64, 64]], max_frames=9)
    folders["acestep"] = root / "tiny-acestep"
    tiny_acestep(folders["acestep"])
    return folders


class Listener:
    def __init__(self) -> None:
        self.endings: dict[str, tuple] = {}
        self.logs: dict[str, list[str]] = {}
        self.ended: dict[str, threading.Event] = {}

    def wait(self, job: str) -> tuple:
        assert self.ended.setdefault(job, threading.Event()).wait(120), f"{job} never ended"
        return self.endings[job]

    def _end(self, job: str, *ending) -> None:
        self.endings[job] = ending
        self.ended.setdefault(job, threading.Event()).set()

    def progress(self, job, report, eta) -> None:
        pass

    def log(self, job, text) -> None:
        self.logs.setdefault(job, []).append(text)

    def done(self, job, result, cached) -> None:
        self._end(job, "done", result)

    def failed(self, job, message) -> None:
        self._end(job, "failed", message)

    def cancelled(self, job) -> None:
        self._end(job, "cancelled")


@pytest.fixture
def engine(tmp_path):
    """The real registry and generation queue, as `shotline generate` and the engine process run them."""
    listener, pool = Listener(), ModelPool()
    jobs = generation_queue(default_registry(), listener, models=pool)

    def run(task: str, backend: str, **params) -> tuple:
        spec = {"device": "cpu", "seed": 5, "cache_dir": str(tmp_path / "cache"), **params}
        job = jobs.submit(JobSpec(task, spec, backend=backend))
        return listener.wait(job)

    yield run, pool
    jobs.shutdown()


def _picture(path: Path, value: int) -> str:
    Image.fromarray(np.full((36, 64, 3), value, np.uint8)).save(path)
    return str(path)


def _video(path: Path) -> tuple[int, Fraction, tuple[int, int], bool]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        size = (stream.codec_context.width, stream.codec_context.height)
        return count, stream.average_rate, size, bool(container.streams.audio)


def _wav(path: Path) -> tuple[int, int, int]:
    with wave.open(str(path)) as sound:
        return sound.getnframes(), sound.getframerate(), sound.getnchannels()


SHOT = {"prompt": "a lighthouse at dusk, waves", "frames": 12, "rate": "24", "size": "64x36", "steps": 2}


def test_ltx2_makes_a_take_with_picture_and_sound_exactly_as_long_as_the_shot(engine, tiny) -> None:
    run, pool = engine
    ending = run("video.generate", "ltx2", model=str(tiny["ltx2"]), **SHOT)
    assert ending[0] == "done", ending
    result = ending[1]
    picture, sound = result.files
    assert _video(picture) == (12, 24, (64, 36), False)  # the picture file stays picture-only
    # 12 frames at 24 fps last half a second: 24,000 samples at 48 kHz, stereo
    assert _wav(sound) == (24_000, 48_000, 2)
    p = result.provenance
    assert p["has_audio"] and p["audio"] == sound.name and p["audio_samples"] == 24_000
    assert p["pipeline"] == "LTX2Pipeline" and p["preset"] == "ltx-2.3" and p["backend"] == "ltx2"
    assert p["native_frames"] == 17 and p["native_rate"] == "24/1"  # 12 frames, then 17 by the 8k+1 rule
    assert p["plan"] == "LTX-2.3 · on the CPU"
    assert pool.loads == 1


def test_an_ltx2_take_lands_with_its_sound_linked_under_the_picture(engine, tiny) -> None:
    from engine.generate.video.timeline import take_from_result
    from engine.project import document, edits, take_sound, takes, trackedit
    from engine.project.clips import media_clip, media_reference
    from engine.project.document import new_project
    from engine.project.times import tr
    from engine.render.audio import audio

    run, _ = engine
    timeline = new_project("film", rate=24.0, size=(64, 36))
    storyboard = media_reference("/media/board.mp4", tr(0, 48, 24.0))
    edits.append(timeline, {"V1": media_clip("Lighthouse", storyboard, 24.0, 12, 0)})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    result = run("video.generate", "ltx2", model=str(tiny["ltx2"]), **SHOT)[1].to_json()
    takes.add_take(timeline, ident, *take_from_result(result, 24.0))
    track, sound = take_sound.sound_clip(timeline, ident)
    assert track.name == "A1" and Path(sound.media_reference.target_url).name == "sound.wav"
    assert trackedit.duration_frames(sound, 24.0) == 12
    made = audio(timeline, 0, 24_000)
    written = read_wav(Path(result["files"][1]))[0]
    assert np.allclose(made, written[:24_000], atol=1e-4)  # the mix plays the model's sound


def test_ltx2_ends_on_the_next_shots_first_frame_and_starts_on_the_previous_shots_last(
    engine, tiny, tmp_path
) -> None:
    run, pool = engine
    first, last = _picture(tmp_path / "prev.png", 220), _picture(tmp_path / "next.png", 10)
    ending = run("video.generate", "ltx2", model=str(tiny["ltx2"]), image=first, last_image=last, **SHOT)
    assert ending[0] == "done", ending
    p = ending[1].provenance
    assert p["pipeline"] == "LTX2ConditionPipeline"  # conditions at frame 0 and -1
    assert p["references"] == [first, last] and p["last_image"] == last and p["has_audio"]
    ending = run("video.generate", "ltx2", model=str(tiny["ltx2"]), last_image=last, **SHOT)
    assert ending[0] == "done" and ending[1].provenance["references"] == [last]
    ending = run("video.generate", "ltx2", model=str(tiny["ltx2"]), image=first, **SHOT)
    assert ending[0] == "done" and ending[1].provenance["pipeline"] == "LTX2ImageToVideoPipeline"
    assert pool.loads == 1  # the three pipelines share one loaded model


def test_a_preset_that_cannot_end_on_a_picture_refuses_it_before_loading(engine, tmp_path) -> None:
    run, pool = engine
    last = _picture(tmp_path / "next.png", 10)
    ending = run("video.generate", "wan", model="wan2.2-ti2v-5b", image=last, last_image=last, **SHOT)
    assert ending == ("failed", "Wan 2.2 text/image-to-video 5B cannot end on a given picture: "
                                "choose LTX-2 or Wan 2.2 image-to-video")  # fmt: skip
    ending = run("video.generate", "wan", model="wan2.2-i2v-a14b", last_image=last, **SHOT)
    assert ending == ("failed", "Wan 2.2 image-to-video A14B ends on a picture only when it also starts "
                                "from one")  # fmt: skip
    assert pool.loads == 0


def test_each_preset_says_which_neighbours_it_can_anchor_on() -> None:
    presets = load_presets()
    assert anchors(presets["ltx-2.3-distilled"]) == {"first", "last"}
    assert anchors(presets["wan2.2-i2v-a14b"]) == {"first", "last"}
    assert anchors(presets["wan2.2-ti2v-5b"]) == {"first"}
    assert anchors(presets["wan2.2-t2v-a14b-lightning"]) == frozenset()
    assert presets["ltx-2.3"].makes_audio and not presets["wan2.2-t2v-a14b"].makes_audio


def _expert_calls(pipe) -> dict[str, int]:
    """Count each expert's forward passes from now on."""
    calls = {"transformer": 0, "transformer_2": 0}
    for name in calls:

        def count(*_args, name=name) -> None:
            calls[name] += 1

        getattr(pipe, name).register_forward_hook(count)
    return calls


def test_wan22_a14b_denoises_with_both_experts_and_the_second_ones_guidance(engine, tiny) -> None:
    run, pool = engine
    ending = run("video.generate", "wan", model=str(tiny["wan22"]), **SHOT)
    assert ending[0] == "done", ending
    p = ending[1].provenance
    assert p["preset"] == "wan2.2-t2v-a14b" and p["pipeline"] == "WanPipeline"
    assert (p["guidance"], p["guidance_2"]) == (4.0, 3.0)
    assert _video(ending[1].files[0])[:3] == (12, 24, (64, 36))
    calls = _expert_calls(pool.get(pool.loaded, lambda: None))
    ending = run("video.generate", "wan", model=str(tiny["wan22"]), **{**SHOT, "steps": 4, "seed": 9})
    assert ending[0] == "done", ending
    # boundary_ratio 0.875: the high-noise expert takes the first step(s), the low-noise one the rest,
    # each twice a step (with and without the prompt)
    assert calls["transformer"] >= 2 and calls["transformer_2"] >= 2
    assert calls["transformer"] + calls["transformer_2"] == 4 * 2
    assert pool.loads == 1


def test_wan22_lightning_loads_its_lora_into_both_experts_and_runs_four_steps(engine, tiny) -> None:
    run, pool = engine
    shot = {k: v for k, v in SHOT.items() if k != "steps"}
    ending = run("video.generate", "wan", model=str(tiny["lightning"]), **shot)
    assert ending[0] == "done", ending
    p = ending[1].provenance
    assert p["preset"] == "wan2.2-t2v-a14b-lightning" and p["steps"] == 4
    assert (p["guidance"], p["guidance_2"]) == (1.0, 1.0)
    pipe = pool.get(pool.loaded, lambda: None)
    assert "preset" in pipe.transformer.peft_config and "preset_2" in pipe.transformer_2.peft_config


def test_wan22_image_to_video_starts_and_ends_on_the_neighbours_frames(engine, tiny, tmp_path) -> None:
    run, _ = engine
    first, last = _picture(tmp_path / "prev.png", 220), _picture(tmp_path / "next.png", 10)
    ending = run("video.generate", "wan", model=str(tiny["wan22_i2v"]), image=first, last_image=last, **SHOT)
    assert ending[0] == "done", ending
    p = ending[1].provenance
    assert p["pipeline"] == "WanImageToVideoPipeline" and p["preset"] == "wan2.2-i2v-a14b"
    assert p["references"] == [first, last] and p["guidance_2"] == 3.5
    assert _video(ending[1].files[0])[:3] == (12, 24, (64, 36))


def test_wan22_vace_two_experts_inpaint_only_the_mask(engine, tiny, tmp_path) -> None:
    run, _ = engine
    clip = write_clip(tmp_path / "clip.mp4", size=(96, 54), count=12)
    cv2.imwrite(str(tmp_path / "logo.png"), clip.logo)
    ending = run("video.inpaint", "vace", input=str(clip.path), mask=str(tmp_path / "logo.png"),
                 model=str(tiny["vace22"]), prompt="sea", steps=2)  # fmt: skip
    assert ending[0] == "done", ending
    _respects_mask(clip, ending[1], tmp_path)
    p = ending[1].provenance
    assert p["preset"] == "wan2.2-vace-fun-a14b" and p["pipeline"] == "WanVACEPipeline"
    assert p["experts"] == 2 and (p["guidance"], p["guidance_2"]) == (5.0, 4.0)
    assert p["native_frames"] == 9 + 5


def _cue(path: Path, samples: int) -> np.ndarray:
    """A two-chord cue at 48 kHz, as an earlier score job left it."""
    t = np.arange(samples) / 48_000
    left = 0.4 * np.sin(2 * np.pi * 220 * t) * (t < 1) + 0.4 * np.sin(2 * np.pi * 330 * t) * (t >= 1)
    audio = np.stack([left, 0.8 * left], axis=1).astype(np.float32)
    write_wav(path, audio)
    return read_wav(path)[0]


def test_ace_step_scores_a_range_with_lyrics_bpm_and_key(engine, tiny) -> None:
    run, _ = engine
    ending = run("music.score", "ace-step", model=str(tiny["acestep"]), samples=96_000, prompt="slow piano",
                 lyrics="[verse]\nthe sea at night", bpm=90, key="A minor", steps=2)  # fmt: skip
    assert ending[0] == "done", ending
    audio, rate = read_wav(ending[1].files[0])
    assert audio.shape == (96_000, 2) and rate == 48_000
    p = ending[1].provenance
    assert p["pipeline"] == "AceStepPipeline" and p["backend"] == "ace-step"
    assert (p["lyrics"], p["tempo"], p["key"]) == ("[verse]\nthe sea at night", 90, "A minor")


def test_rescore_this_section_remakes_only_that_section_of_the_cue(engine, tiny, tmp_path) -> None:
    run, _ = engine
    source = _cue(tmp_path / "cue.wav", 96_000)
    ending = run("music.score", "ace-step", model=str(tiny["acestep"]), samples=96_000, prompt="drums enter",
                 src_audio=str(tmp_path / "cue.wav"), repaint_start=24_000, repaint_end=72_000,
                 steps=2)  # fmt: skip
    assert ending[0] == "done", ending
    made, rate = read_wav(ending[1].files[0])
    assert made.shape == (96_000, 2) and rate == 48_000
    assert np.array_equal(made[:24_000], source[:24_000])  # kept, sample for sample
    assert np.array_equal(made[72_000:], source[72_000:])
    assert np.abs(made[25_000:71_000] - source[25_000:71_000]).mean() > 1e-3  # the section is new
    assert ending[1].provenance["repaint_samples"] == [24_000, 72_000]
    wrong = run("music.score", "ace-step", model=str(tiny["acestep"]), samples=48_000,
                src_audio=str(tmp_path / "cue.wav"), repaint_start=0, repaint_end=24_000)  # fmt: skip
    assert wrong == ("failed", "The cue cue.wav is 96000 samples long, not the 48000 the range lasts")


def test_draft_quality_runs_ltx2_with_a_taylorseer_cache_and_final_without(engine, tiny) -> None:
    run, pool = engine
    draft = run("video.generate", "ltx2", model=str(tiny["ltx2"]), quality="draft", **{**SHOT, "steps": 6})
    assert draft[0] == "done", draft
    assert draft[1].provenance["quality"] == "draft" and draft[1].provenance["draft"] == "TaylorSeer cache"
    final = run("video.generate", "ltx2", model=str(tiny["ltx2"]), **{**SHOT, "steps": 6})
    assert final[0] == "done", final
    assert final[1].provenance["quality"] == "final" and final[1].provenance["draft"] is None
    assert pool.loads == 1  # the same pooled model; the cache was switched off after the draft
    assert not pool._model.transformer.is_cache_enabled  # the pooled model was left without the cache


def test_draft_quality_caches_both_wan22_experts_with_first_block_cache(engine, tiny) -> None:
    run, _ = engine
    ending = run("video.generate", "wan", model=str(tiny["wan22"]), quality="draft", **SHOT)
    assert ending[0] == "done", ending
    assert ending[1].provenance["draft"] == "FirstBlockCache"


def test_the_plan_chosen_in_the_dialog_is_the_plan_the_job_runs_on(engine, tiny) -> None:
    run, _ = engine
    chosen = "group offload · VAE tiling"
    ending = run("video.generate", "ltx2", model=str(tiny["ltx2"]), vram_gb=80, plan=chosen, **SHOT)
    assert ending[0] == "done", ending
    assert chosen in ending[1].provenance["plan"]
    ending = run("video.generate", "ltx2", model=str(tiny["ltx2"]), vram_gb=80, plan="on the moon", **SHOT)
    assert ending[0] == "failed" and "There is no plan 'on the moon' for LTX-2.3" in ending[1]
