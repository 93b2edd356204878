"""Generate all on the GPU path, with tiny random-weight models: the Cast reaches the pipelines.

The keyframe is FLUX.2 klein's image.edit with Mara's reference picture, the
shot Wan 2.1 image-to-video from that keyframe; each pipeline's call is
recorded (the real call runs), so the test sees what a user's models get:
the description in the prompt, the references as `image`, the keyframe as
the video's first frame, and the provenance naming references and versions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from engine.cli.main import main
from engine.generate.generate_all import VIDEO_TASK, generate_all
from engine.jobs.spec import default_cache_dir
from engine.project import cast, document, persistence, provenance
from engine.project.cast import CastMember
from engine.project.document import VIDEO
from engine.project.mediapaths import file_identity

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")

SCRIPT = "INT. LAMP ROOM - NIGHT\n\nMARA lights the lamp.\n"
RED_COAT = "a keeper in a red coat"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    import torch

    from tests.support.tinymodels import tiny_flux2_klein, tiny_wan_i2v

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("models")
    folders = {"flux": root / "tiny-flux2-klein", "wan": root / "tiny-wan-i2v"}
    tiny_flux2_klein(folders["flux"])
    (folders["flux"] / "shotline.json").write_text(json.dumps({"pixels": 4096}))  # draws at 64x64
    tiny_wan_i2v(folders["wan"])
    (folders["wan"] / "shotline.json").write_text(json.dumps({"native_sizes": [[64, 64]]}))
    return folders


@pytest.fixture
def calls(monkeypatch) -> dict[str, list[dict[str, Any]]]:
    """Every call of the two pipelines, with its arguments (the real pipeline still runs)."""
    from diffusers import Flux2KleinPipeline, WanImageToVideoPipeline

    seen: dict[str, list[dict[str, Any]]] = {"flux": [], "wan": []}
    for name, cls in (("flux", Flux2KleinPipeline), ("wan", WanImageToVideoPipeline)):
        original = cls.__call__

        def recording(self, *args, _original=original, _name=name, **kwargs):
            seen[_name].append(kwargs)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__call__", recording)
    return seen


@pytest.mark.slow
def test_generate_all_hands_the_cast_to_the_models_and_records_what_it_used(
    tiny: dict[str, Path], calls: dict[str, list[dict[str, Any]]], tmp_path: Path, capsys
) -> None:
    script = tmp_path / "lamp.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    project = tmp_path / "lamp.otio"
    assert main(["script", str(script), "-o", str(project), "--size", "64x64", "--fps", "24"]) == 0
    face = tmp_path / "mara.png"
    Image.new("RGB", (48, 64), (200, 30, 30)).save(face)
    timeline = persistence.load(project).timeline
    cast.set_member(timeline, CastMember("Mara", description=RED_COAT, references=(str(face),)))
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    cast.set_shot_cast(
        timeline, document.clip_id(shot), [*cast.shot_cast(shot), "Mara"]
    )  # chosen in the dialog

    models = {
        "image.edit": {"backend": "flux2-klein", "model": str(tiny["flux"]), "steps": 2},
        "video.generate": {"backend": "wan", "model": str(tiny["wan"]), "steps": 2},
    }
    report = generate_all(timeline, default_cache_dir(project), task=VIDEO_TASK, models=models)
    assert report.failures == [] and len(report.shots) == 1

    (keyframe_call,) = calls["flux"]
    assert "Mara: a keeper in a red coat." in keyframe_call["prompt"]
    (reference,) = keyframe_call["image"]  # Mara's picture, as image.edit's reference list
    assert np.abs(np.asarray(reference.convert("RGB"), dtype=int).mean(axis=(0, 1)) - (200, 30, 30)).max() < 3

    (shot_call,) = calls["wan"]
    assert "Mara: a keeper in a red coat." in shot_call["prompt"]
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    made = provenance.read(shot.media_reference)
    keyframe = np.asarray(Image.open(made.extra["keyframe"]).convert("RGB"), dtype=int)
    first = np.asarray(shot_call["image"].convert("RGB").resize((64, 64)), dtype=int)
    assert np.abs(first - keyframe).mean() < 2  # the shot starts from the keyframe

    assert made.task == "video.generate" and made.extra["pipeline"] == "WanImageToVideoPipeline"
    assert made.extra["cast"] == cast.shot_cast(shot) and "Mara" in made.extra["cast"]
    (used,) = made.extra["reference_files"]
    assert used["name"] == "Mara" and used["path"] == str(face)
    assert used["sha256"] == file_identity(face)["sha256"]  # which version of the picture
    assert made.library_versions.get("diffusers") and made.model_revision == str(tiny["wan"])
    kept = provenance.read(next(iter(shot.media_references().values())))
    assert kept.task == "video.generate"

    Image.new("RGB", (48, 64), (30, 30, 200)).save(face)  # the reference changes: the shot is stale
    assert [s.reasons for s in cast.stale_clips(timeline)] == [("Mara's reference mara.png has changed",)]


@pytest.mark.slow
def test_the_command_line_chooses_each_tasks_model_with_use(
    tiny: dict[str, Path], tmp_path: Path, capsys
) -> None:
    script = tmp_path / "lamp.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    project = tmp_path / "lamp.otio"
    assert main(["script", str(script), "-o", str(project), "--size", "64x64", "--fps", "24"]) == 0
    face = tmp_path / "mara.png"
    Image.new("RGB", (48, 64), (200, 30, 30)).save(face)
    timeline = persistence.load(project).timeline
    cast.set_member(timeline, CastMember("Mara", description=RED_COAT, references=(str(face),)))
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    cast.set_shot_cast(timeline, document.clip_id(shot), [*cast.shot_cast(shot), "Mara"])
    persistence.save(timeline, project)
    uses = ["--use", f"image.edit=flux2-klein:{tiny['flux']}", "--use", f"video.generate=wan:{tiny['wan']}"]
    assert main(["generate-all", str(project), "--task", "video.generate", *uses]) == 0
    assert "1 shot(s)" in capsys.readouterr().out
    shot = next(c for t, c in document.iter_clips(persistence.load(project).timeline) if t.kind == VIDEO)
    made = provenance.read(shot.media_reference)
    assert made.backend == "wan" and made.model_id == str(tiny["wan"])
    keyframe = provenance.provenance_of(made.extra["keyframe"])
    assert keyframe.task == "image.edit" and keyframe.backend == "flux2-klein"
    assert main(["generate-all", str(project), "--use", "music.score=composer"]) == 2
    assert "--use 'music.score=composer': say TASK=BACKEND[:MODEL]" in capsys.readouterr().err
