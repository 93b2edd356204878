"""The VRAM planner: each preset's plan on 8-80 GB cards, the user's overrides, and the OOM step-down.

The table is the planner's answer for each preset's usual shot (its
footprint's reference size and frames) with the memory figures stated, so
no GPU is needed; `shotline models plan` prints the same table. The
out-of-memory fallback is driven through the real job path
(generation_queue, the model pool, the loader) with a fake pipeline that
runs out of memory when it sits on the GPU in the ways the test names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.errors import GenerateError
from engine.generate.base import Output
from engine.generate.catalog import catalog, find, recommended
from engine.generate.footprint import parse_footprint
from engine.generate.jobs import generation_queue
from engine.generate.pipelines import PresetBackend
from engine.generate.planner import CARD_SIZES, GPU, GROUP, MODEL, choose, ladder, need_gb
from engine.generate.registry import Registry
from engine.jobs.models import ModelPool
from engine.jobs.spec import JobSpec
from tests.support.fake_pipeline import FakePipeline, Listener, fake_model_folder, pretend_cuda

G, M, GR = "all on GPU", "model offload · VAE tiling", "group offload · VAE tiling"

#: The plan each preset gets on a card of 8, 12, 16, 24, 48 and 80 GB, without torchao (as on this machine).
TABLE = {
    "ltx-2.3-distilled": [f"{GR} · 768x512", f"{GR} · 768x512", GR, GR, GR, M],
    "ltx-2.3": [f"{GR} · 768x512", f"{GR} · 768x512", GR, GR, GR, M],
    "wan2.2-t2v-a14b-lightning": [f"{GR} · 832x480", f"{GR} · 832x480", GR, GR, M, M],
    "wan2.2-t2v-a14b": [f"{GR} · 832x480", f"{GR} · 832x480", GR, GR, M, M],
    "wan2.2-i2v-a14b-lightning": [f"{GR} · 832x480", f"{GR} · 832x480", GR, GR, M, M],
    "wan2.2-i2v-a14b": [f"{GR} · 832x480", f"{GR} · 832x480", GR, GR, M, M],
    "wan2.2-ti2v-5b": [GR, GR, M, M, G, G],
    "wan2.1-t2v-1.3b": [GR, GR, M, G, G, G],
    "wan2.1-i2v-14b-480p": [GR, GR, GR, GR, G, G],
    "ltx-video": [GR, M, M, G, G, G],
    "ltx-video-0.9.7-distilled": [f"{GR} · 704x480", GR, GR, GR, G, G],
    "wan2.1-vace-1.3b": [GR, GR, M, G, G, G],  # as Wan 2.1 1.3B text-to-video: the same size of model
    "wan2.1-vace-14b": [f"{GR} · 832x480", f"{GR} · 832x480", GR, GR, M, G],
}


@pytest.mark.parametrize("preset", sorted(TABLE))
def test_each_preset_gets_the_first_plan_that_fits_on_cards_of_8_to_80_gb(preset: str) -> None:
    entry = find(preset)
    plans = [entry.plan(gb, quantize=False) for gb in CARD_SIZES]
    assert [p.step for p in plans] == TABLE[preset]
    for gb, plan in zip(CARD_SIZES, plans, strict=True):
        every = entry.plans(gb, quantize=False)
        better = every[: every.index(plan)]
        assert all(p.need_gb > gb for p in better), f"{preset} on {gb} GB skipped a plan that fits"
        assert plan.fits or plan == every[-1]


def test_every_video_preset_states_its_footprint_licence_and_download_size() -> None:
    for entry in catalog():
        if entry.task == "video.generate":
            assert entry.footprint is not None and entry.licence and entry.download_gb, entry.name
    assert set(TABLE) == {e.name for e in catalog() if e.footprint is not None and e.task == "video.generate"}


def test_the_plan_reads_as_the_user_sees_it_before_the_job() -> None:
    assert find("ltx-2.3-distilled").plan(24, quantize=False).describe() == (
        "LTX-2.3 distilled · group offload · VAE tiling · ~12 GB of 24 GB"
    )
    assert find("wan2.1-t2v-1.3b").plan(8, quantize=False).describe() == (
        "Wan 2.1 text-to-video 1.3B · group offload · VAE tiling · ~5 GB of 8 GB"
    )


def test_8_bit_weights_come_before_a_smaller_size_when_torchao_is_there() -> None:
    entry = find("ltx-2.3-distilled")
    plan = entry.plan(12, quantize=True)
    assert plan.step == "group offload · VAE tiling · 8-bit weights" and plan.fits
    # a preset that names nothing quantizable never gets the step
    assert "8-bit" not in " ".join(p.step for p in find("wan2.1-t2v-1.3b").plans(8, quantize=True))


def test_weights_follow_the_dtype_and_working_memory_the_size_and_frames() -> None:
    footprint = find("wan2.1-t2v-1.3b").footprint
    assert footprint is not None
    bf16 = need_gb(footprint, "bfloat16", (832, 480, 81), GPU)
    fp32 = need_gb(footprint, "float32", (832, 480, 81), GPU)
    assert fp32 - bf16 == pytest.approx(7.13e9 * 2 / 2**30 * 1.1, rel=1e-3)
    short = need_gb(footprint, "bfloat16", (832, 480, 41), MODEL, vae_tiling=True)
    long = need_gb(footprint, "bfloat16", (832, 480, 161), MODEL, vae_tiling=True)
    assert short <= long
    assert need_gb(footprint, "bfloat16", (832, 480, 81), GROUP, True) < need_gb(
        footprint, "bfloat16", (832, 480, 81), MODEL, True
    )


def test_the_users_cpu_offload_and_vae_tiling_win_over_the_planner() -> None:
    footprint = find("wan2.1-t2v-1.3b").footprint
    works = [(832, 480, 81)]
    on_80 = ladder("Wan", footprint, "bfloat16", works, 80, quantize=False)
    assert on_80[choose(on_80)].step == "all on GPU"
    offloaded = ladder("Wan", footprint, "bfloat16", works, 80, cpu_offload=True, quantize=False)
    assert offloaded[choose(offloaded)].step == "model offload · VAE tiling"
    tiled = ladder("Wan", footprint, "bfloat16", works, 80, vae_tiling=True, quantize=False)
    assert tiled[choose(tiled)].step == "all on GPU · VAE tiling"


def test_offload_plans_need_the_weights_to_fit_in_system_memory() -> None:
    footprint = find("wan2.2-t2v-a14b").footprint
    works = [(1280, 720, 81)]
    roomy = ladder("Wan 2.2", footprint, "bfloat16", works, 24, quantize=True, ram_gb=128)
    assert roomy[choose(roomy)].step == "group offload · VAE tiling"
    # 48 GB of system memory cannot hold two 14B experts in bfloat16 waiting for their turn on the card
    tight = ladder("Wan 2.2", footprint, "bfloat16", works, 24, quantize=True, ram_gb=48)
    chosen = tight[choose(tight)]
    assert next(p.fits_ram for p in tight if p.placement == GROUP and not p.quantized) is False
    assert chosen.step == "group offload · VAE tiling · 8-bit weights" and chosen.fits  # the experts halved
    assert chosen.ram_need_gb < 48 < roomy[choose(roomy)].ram_need_gb
    too_small = ladder("Wan 2.2", footprint, "bfloat16", works, 24, quantize=False, ram_gb=16)
    least = too_small[choose(too_small)]
    assert not least.fits and "GB of system memory, 16 GB free)" in least.describe()
    assert all(p.ram_need_gb is None for p in roomy if p.placement == "gpu")  # all on GPU: not checked


def test_a_card_too_small_for_anything_gets_the_least_hungry_plan_said_as_such() -> None:
    plan = find("ltx-2.3").plan(4, quantize=False)
    assert plan.step == "group offload · VAE tiling · 768x512" and not plan.fits
    assert plan.describe().endswith("(may not fit)")


def test_the_recommended_video_model_is_the_first_that_the_card_holds_whole() -> None:
    assert recommended("video.generate", 80, quantize=False).name == "ltx-2.3-distilled"
    assert recommended("video.generate", 48, quantize=False).name == "wan2.2-t2v-a14b-lightning"
    assert recommended("video.generate", 24, quantize=False).name == "wan2.1-t2v-1.3b"
    assert recommended("video.generate", 12, quantize=False).name == "ltx-video"


def test_a_footprint_with_a_typo_is_a_message_naming_the_preset() -> None:
    with pytest.raises(GenerateError, match=r"video\.json, preset x: footprint: activation_gb is missing"):
        parse_footprint({"weights_b": {"transformer": 1}, "at": [1, 1, 1]}, "video.json, preset x")
    with pytest.raises(GenerateError, match="quantize names unet"):
        parse_footprint(
            {"weights_b": {"transformer": 1}, "activation_gb": 1, "at": [1], "quantize": ["unet"]}, "x"
        )


def test_shotline_models_plan_prints_the_table(capsys) -> None:
    assert main(["models", "plan", "--task", "video.generate", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["cards_gb"] == [8, 12, 16, 24, 48, 80]
    for preset, steps in TABLE.items():
        shown = [printed["plans"][preset][str(gb)]["plan"] for gb in CARD_SIZES]
        if not printed["quantization"]:
            assert [s.split(" · ", 1)[1].rsplit(" · ~", 1)[0] for s in shown] == steps
    assert main(["models", "plan", "--vram", "24", "--task", "video.generate"]) == 0
    text = capsys.readouterr().out
    assert "A 24 GB card:" in text
    assert "LTX-2.3 distilled · group offload · VAE tiling · ~12 GB of 24 GB" in text
    assert "recommended for video.generate: wan2.1-t2v-1.3b" in text


# the out-of-memory fallback, through the real job path ------------------------------------------


class SketchBackend(PresetBackend):
    """A video backend whose model is the fake pipeline: what it writes says where the model sat."""

    task = "video.generate"

    def run(self, request, context) -> Output:
        from engine.generate.pipelines import generation_size

        preset, model, local = self.model_for(request.model)
        pipe, _device, _dtype = self.loaded(preset, model, local, request, context)
        width, height = generation_size(preset, request, context)
        path = context.workdir / "shot.txt"
        path.write_text(pipe(width=width, height=height))
        return Output([path], {"plan": context.plan.describe()})


@pytest.fixture
def fake_gpu(monkeypatch, tmp_path):
    """A registry whose `wan` backend loads the fake pipeline from a model folder, on a pretend CUDA card."""
    pytest.importorskip("diffusers")
    pretend_cuda(monkeypatch, {"WanPipeline": FakePipeline})
    folder = fake_model_folder(tmp_path / "a14b", "WanPipeline", {"preset": "wan2.2-t2v-a14b"})
    registry = Registry()
    registry.register(SketchBackend("wan", "Wan through a fake pipeline"))
    listener, pool = Listener(), ModelPool()
    jobs = generation_queue(registry, listener, models=pool)

    def run(vram_gb: float, **params) -> tuple[str, tuple]:
        spec = {"prompt": "a lighthouse at dusk", "frames": 81, "rate": 16, "size": "1280x720",
                "vram_gb": vram_gb, "model": str(folder), "cache_dir": str(tmp_path / "cache"),
                **params}  # fmt: skip
        job = jobs.submit(JobSpec("video.generate", spec, backend="wan"))
        return job, listener.wait(job)

    yield run, listener, pool
    jobs.shutdown()


@pytest.mark.parametrize("error", ["oom", "text"])
def test_out_of_memory_steps_down_the_plan_twice_and_the_job_still_lands(
    fake_gpu, error, monkeypatch
) -> None:
    run, listener, pool = fake_gpu
    monkeypatch.setattr(FakePipeline, "fails", (MODEL, "group 1280x720"))
    monkeypatch.setattr(FakePipeline, "error", error)
    job, ending = run(80)
    assert ending[0] == "done", ending
    assert Path(ending[1].files[0]).read_text() == "group 848x480"  # the third plan: the smaller size
    assert ending[1].provenance["plan"] == (
        "Wan 2.2 text-to-video A14B · group offload · VAE tiling · 848x480 · ~8 GB of 80 GB"
    )
    logs = listener.logs[job]
    assert [line for line in logs if line.startswith(("Plan:", "Out of GPU"))] == [
        f"Plan: Wan 2.2 text-to-video A14B · {M} · ~39 GB of 80 GB",
        f"Out of GPU memory with {M}: trying again with {GR}",
        f"Plan: Wan 2.2 text-to-video A14B · {GR} · ~13 GB of 80 GB",
        f"Out of GPU memory with {GR}: trying again with {GR} · 848x480",
        f"Plan: Wan 2.2 text-to-video A14B · {GR} · 848x480 · ~8 GB of 80 GB",
    ]
    assert any("out of memory: trying group offload" in stage for stage in listener.stages[job])
    assert pool.loads == 3
    assert [ref() is None for ref in FakePipeline.made] == [True, True, False]  # the failed ones let go


def test_a_job_that_runs_out_of_memory_on_every_plan_fails_in_words_and_the_engine_goes_on(
    fake_gpu, monkeypatch
) -> None:
    run, _listener, pool = fake_gpu
    monkeypatch.setattr(FakePipeline, "fails", (GPU, MODEL, GROUP))
    _job, ending = run(80)
    assert ending == ("failed", "Not enough GPU memory even with group offload · VAE tiling · 848x480: "
                                "try fewer frames or a smaller size")  # fmt: skip
    assert pool.loaded is None  # nothing left holding the card
    monkeypatch.setattr(FakePipeline, "fails", ())
    _job, ending = run(80, seed=2)
    assert ending[0] == "done" and Path(ending[1].files[0]).read_text() == "model 1280x720"


def test_at_most_two_retries_even_when_more_plans_remain(fake_gpu, monkeypatch) -> None:
    run, _listener, pool = fake_gpu
    monkeypatch.setattr(FakePipeline, "fails", (GPU, MODEL, GROUP))
    _job, ending = run(200, cpu_offload=False)  # all on GPU first: four plans below it, two tries more
    assert ending[0] == "failed" and "even with model offload · VAE tiling" in ending[1]
    assert pool.loads == 3


def test_the_users_cpu_offload_is_the_plan_the_job_starts_on(fake_gpu) -> None:
    run, listener, _ = fake_gpu
    job, ending = run(200, cpu_offload=True)
    assert ending[0] == "done" and Path(ending[1].files[0]).read_text() == "model 1280x720"
    assert listener.logs[job][0].startswith("Plan: Wan 2.2 text-to-video A14B · model offload · VAE tiling")
