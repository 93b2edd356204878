"""The VRAM planner beyond video.generate: score, stills, inpaint and extend plan, and step down on OOM.

Each task's presets get the first plan that fits on cards of 8-80 GB (the
memory figures stated, no GPU needed), `shotline models plan` prints a row
for each, and a score or a still whose model runs out of GPU memory is made
again one rung down through the real job path (generation_queue, the model
pool, the loader, the real ACE-Step and image backends) with a fake pipeline
that runs out of memory where the test says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli.main import main
from engine.generate.catalog import catalog
from engine.generate.jobs import generation_queue
from engine.generate.planner import CARD_SIZES
from engine.generate.registry import default_registry
from engine.generate.score.music.master import read_wav
from engine.jobs.models import ModelPool
from engine.jobs.spec import JobSpec
from tests.support.fake_pipeline import (
    GPU,
    MODEL,
    FakeImagePipeline,
    FakeMusicPipeline,
    Listener,
    fake_model_folder,
    pretend_cuda,
)

G, M, GR = "all on GPU", "model offload · VAE tiling", "group offload · VAE tiling"

#: The plan of each (task, preset) on a card of 8, 12, 16, 24, 48 and 80 GB, without torchao.
TABLE = {
    ("music.score", "ace-step-1.5-xl-turbo"): [GR, M, G, G, G, G],
    ("music.score", "stable-audio-open-1.0"): [G] * 6,
    ("music.score", "audioldm2-music"): [G] * 6,
    ("image.generate", "z-image-turbo"): [GR, GR, M, M, G, G],
    ("image.generate", "flux2-klein-4b"): [GR, GR, M, G, G, G],
    ("image.generate", "qwen-image"): [GR, GR, GR, GR, M, G],
    ("image.edit", "flux2-klein-4b"): [GR, GR, M, G, G, G],
    ("image.edit", "qwen-image-edit-2511"): [GR, GR, GR, GR, GR, G],
    ("video.inpaint", "sd1.5-inpainting"): [G] * 6,
    ("video.inpaint", "sd2-inpainting"): [G] * 6,
    ("video.extend", "ltx-0.9.5-condition"): [GR, M, M, G, G, G],
    ("video.extend", "ltx-0.9.7-distilled-condition"): [f"{GR} · 704x480", GR, GR, GR, G, G],
    ("video.extend", "wan2.1-vace-1.3b"): [GR, GR, M, G, G, G],
    ("video.extend", "wan2.1-vace-14b"): [f"{GR} · 832x480", f"{GR} · 832x480", GR, GR, M, G],
}


@pytest.mark.parametrize("task_preset", list(TABLE), ids=lambda pair: f"{pair[0]}:{pair[1]}")
def test_each_tasks_presets_get_the_first_plan_that_fits_on_cards_of_8_to_80_gb(task_preset) -> None:
    entry = next(e for e in catalog() if (e.task, e.name) == task_preset)
    assert entry.footprint is not None, f"{entry.name} states no footprint"
    assert [entry.plan(gb, quantize=False).step for gb in CARD_SIZES] == TABLE[task_preset]
    for gb in CARD_SIZES:
        plan = entry.plan(gb, quantize=False)
        assert plan.fits or gb == 8, f"{entry.name} on {gb} GB: {plan.describe()}"


def test_every_preset_of_every_task_states_its_footprint() -> None:
    assert [f"{e.task}:{e.name}" for e in catalog() if e.footprint is None] == []


def test_shotline_models_plan_prints_score_image_inpaint_and_extend_rows(capsys) -> None:
    assert main(["models", "plan", "--vram", "12"]) == 0
    text = capsys.readouterr().out
    for row in (
        "ace-step-1.5-xl-turbo         ACE-Step 1.5 XL turbo · model offload · VAE tiling · ~11 GB of 12 GB",
        "stable-audio-open-1.0         Stable Audio Open 1.0 · all on GPU · ~7 GB of 12 GB",
        "z-image-turbo                 Z-Image-Turbo 6B · group offload · VAE tiling · ~5 GB of 12 GB",
        "qwen-image-edit-2511          Qwen-Image-Edit-2511 · group offload · VAE tiling · ~11 GB of 12 GB",
        "sd1.5-inpainting              Stable Diffusion 1.5 inpainting, per frame · all on GPU · ~4 GB",
        "ltx-0.9.7-distilled-condition LTX-Video 0.9.7 distilled, video condition · group offload",
        "wan2.1-vace-1.3b              Wan 2.1 VACE 1.3B, known frames + masked new ones · group offload",
        "mms-tts-eng                   MMS-TTS English · all on GPU · ~1 GB of 12 GB",
    ):
        assert row in text, row
    for task in (
        "image.edit",
        "image.generate",
        "music.score",
        "video.extend",
        "video.generate",
        "video.inpaint",
        "voice.speak",
    ):
        assert f"recommended for {task}: " in text
    assert main(["models", "plan", "--vram", "24", "--task", "music.score"]) == 0
    only = capsys.readouterr().out
    assert "ACE-Step 1.5 XL turbo · all on GPU" in only and "LTX" not in only and "Z-Image" not in only


# the out-of-memory step-down, through the job path of the real score and still backends ---------------


@pytest.fixture
def fake_card(monkeypatch, tmp_path):
    """The default registry on a pretend CUDA card whose ACE-Step and Z-Image load the fake pipelines."""
    pytest.importorskip("diffusers")
    pretend_cuda(monkeypatch, {"AceStepPipeline": FakeMusicPipeline, "ZImagePipeline": FakeImagePipeline})
    music = fake_model_folder(tmp_path / "acestep", "AceStepPipeline")
    still = fake_model_folder(tmp_path / "zimage", "ZImagePipeline", {"pixels": 4096, "size_multiple": 16})
    listener, pool = Listener(), ModelPool()
    jobs = generation_queue(default_registry(), listener, models=pool)

    def run(task: str, backend: str, **params) -> tuple[str, tuple]:
        base = {"prompt": "a slow cello under rain", "seed": 1, "cache_dir": str(tmp_path / "cache")}
        if task == "music.score":
            base |= {"duration": 2, "model": str(music)}
        else:
            base |= {"size": "64x64", "model": str(still)}
        job = jobs.submit(JobSpec(task, {**base, **params}, backend=backend))
        return job, listener.wait(job)

    yield run, listener, pool
    jobs.shutdown()


def test_a_score_that_runs_out_of_memory_on_the_gpu_is_made_with_model_offload(
    fake_card, monkeypatch
) -> None:
    run, listener, pool = fake_card
    monkeypatch.setattr(FakeMusicPipeline, "fails", (GPU,))
    job, ending = run("music.score", "ace-step", vram_gb=80)
    assert ending[0] == "done", ending
    audio, rate = read_wav(Path(ending[1].files[0]))
    assert rate == 48_000 and len(audio) == 2 * 48_000  # the cue is whole, exact to the sample
    assert FakeMusicPipeline.ran == [MODEL]
    lines = listener.plan_lines(job)
    assert lines[0].startswith("Plan: ACE-Step 1.5 XL turbo · all on GPU · ~")
    assert lines[1] == f"Out of GPU memory with all on GPU: trying again with {G} · VAE tiling"
    assert lines[2].startswith(f"Plan: ACE-Step 1.5 XL turbo · {G} · VAE tiling")
    assert lines[3] == f"Out of GPU memory with {G} · VAE tiling: trying again with {M}"
    assert ending[1].provenance["plan"].startswith(f"ACE-Step 1.5 XL turbo · {M} · ~")
    assert pool.loads == 3
    assert [ref() is None for ref in FakeMusicPipeline.made] == [True, True, False]  # the failed ones let go


def test_a_score_out_of_memory_on_every_plan_fails_in_words_and_the_next_score_is_made(
    fake_card, monkeypatch
) -> None:
    run, _listener, pool = fake_card
    monkeypatch.setattr(FakeMusicPipeline, "fails", (GPU, MODEL, "group"))
    _job, ending = run("music.score", "ace-step", vram_gb=80)
    assert ending == ("failed", f"Not enough GPU memory even with {M}: try fewer frames or a smaller size")
    assert pool.loaded is None
    monkeypatch.setattr(FakeMusicPipeline, "fails", ())
    _job, ending = run("music.score", "ace-step", vram_gb=80, seed=2)
    assert ending[0] == "done" and ending[1].provenance["plan"].startswith(
        "ACE-Step 1.5 XL turbo · all on GPU"
    )


def test_the_plan_chosen_in_the_score_dialog_and_the_users_cpu_offload_are_where_the_job_starts(
    fake_card,
) -> None:
    run, listener, _pool = fake_card
    _job, ending = run("music.score", "ace-step", vram_gb=80, plan="group offload · VAE tiling")
    assert ending[0] == "done" and FakeMusicPipeline.ran == ["group"]
    job, ending = run("music.score", "ace-step", vram_gb=80, cpu_offload=True, seed=3)
    assert ending[0] == "done" and FakeMusicPipeline.ran == ["group", MODEL]
    assert listener.plan_lines(job)[0].startswith(f"Plan: ACE-Step 1.5 XL turbo · {M}")
    _job, ending = run("music.score", "ace-step", vram_gb=80, plan="on a potato", seed=4)
    assert ending[0] == "failed" and "There is no plan 'on a potato' for ACE-Step 1.5 XL turbo" in ending[1]


def test_a_still_that_runs_out_of_memory_steps_down_twice_and_lands(fake_card, monkeypatch) -> None:
    run, listener, pool = fake_card
    monkeypatch.setattr(FakeImagePipeline, "fails", ("gpu 64x64",))
    monkeypatch.setattr(FakeImagePipeline, "error", "text")  # "CUDA error: out of memory" from a kernel
    job, ending = run("image.generate", "z-image", vram_gb=80)
    assert ending[0] == "done", ending
    assert FakeImagePipeline.ran == ["model 64x64"]
    assert Path(ending[1].files[0]).is_file()
    assert [line.split(" · ~")[0] for line in listener.plan_lines(job)] == [
        "Plan: Z-Image-Turbo 6B · all on GPU",
        f"Out of GPU memory with all on GPU: trying again with {G} · VAE tiling",
        f"Plan: Z-Image-Turbo 6B · {G} · VAE tiling",
        f"Out of GPU memory with {G} · VAE tiling: trying again with {M}",
        f"Plan: Z-Image-Turbo 6B · {M}",
    ]
    assert ending[1].provenance["plan"].startswith(f"Z-Image-Turbo 6B · {M}")
    assert pool.loads == 3


def test_a_still_on_a_card_too_small_for_it_whole_starts_offloaded(fake_card) -> None:
    run, listener, _pool = fake_card
    job, ending = run("image.generate", "z-image", vram_gb=12)
    assert ending[0] == "done" and FakeImagePipeline.ran == ["group 64x64"]
    assert listener.plan_lines(job) == [listener.plan_lines(job)[0]]  # no out-of-memory on the way
    assert listener.plan_lines(job)[0].startswith(f"Plan: Z-Image-Turbo 6B · {GR} · ~")


def test_a_draft_score_with_ace_step_turbo_runs_its_own_steps_and_says_so(fake_card) -> None:
    run, listener, _pool = fake_card
    job, ending = run("music.score", "ace-step", vram_gb=80, quality="draft")
    assert ending[0] == "done"
    assert (ending[1].provenance["quality"], ending[1].provenance["draft"]) == ("draft", "distilled steps")
    assert "ace-step: Draft quality, distilled steps" in listener.logs[job]
