"""Generate all with a VACE video model: the Cast's pictures reach the shot itself, not only its keyframe.

The project chooses its models (FLUX.2 klein for keyframes, Wan VACE for
shots, tiny random-weight ones saved and loaded as a user's are), and
`shotline generate-all` runs without --use: the VACE pipeline's call is
recorded (the real call runs) to see Mara's reference among its
reference_images, the keyframe as the control video's first frame (kept by
the mask), and the provenance naming the references the shot was made with.
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
from engine.project import cast, document, persistence, provenance
from engine.project.cast import CastMember
from engine.project.document import VIDEO
from engine.project.generate_models import set_generate_models
from engine.project.mediapaths import file_identity

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")

SCRIPT = "INT. LAMP ROOM - NIGHT\n\nMARA lights the lamp.\n"
RED = (200, 30, 30)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    import torch

    from tests.support.tinymodels import tiny_flux2_klein, tiny_vace

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("models")
    folders = {"flux": root / "tiny-flux2-klein", "vace": root / "tiny-wan-vace"}
    tiny_flux2_klein(folders["flux"])
    (folders["flux"] / "shotline.json").write_text(json.dumps({"pixels": 4096, "steps": 2}))
    tiny_vace(folders["vace"])
    (folders["vace"] / "shotline.json").write_text(json.dumps({"native_sizes": [[64, 64]], "steps": 2}))
    return folders


@pytest.fixture
def vace_calls(monkeypatch) -> list[dict[str, Any]]:
    from diffusers import WanVACEPipeline

    seen: list[dict[str, Any]] = []
    original = WanVACEPipeline.__call__

    def recording(self, *args, **kwargs):
        seen.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(WanVACEPipeline, "__call__", recording)
    return seen


def colour(picture: Any) -> np.ndarray:
    return np.asarray(picture.convert("RGB"), dtype=int).mean(axis=(0, 1))


@pytest.mark.slow
def test_generate_all_gives_a_vace_shot_the_cast_pictures_as_reference_images(
    tiny: dict[str, Path], vace_calls: list[dict[str, Any]], tmp_path: Path, capsys
) -> None:
    script = tmp_path / "lamp.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    project = tmp_path / "lamp.otio"
    assert main(["script", str(script), "-o", str(project), "--size", "64x64", "--fps", "24"]) == 0
    face = tmp_path / "mara.png"
    Image.new("RGB", (48, 64), RED).save(face)
    timeline = persistence.load(project).timeline
    cast.set_member(
        timeline, CastMember("Mara", description="a keeper in a red coat", references=(str(face),))
    )
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    cast.set_shot_cast(timeline, document.clip_id(shot), [*cast.shot_cast(shot), "Mara"])
    set_generate_models(  # Sequence > Generate All Models… on a GPU box, kept in the film
        timeline,
        {
            "image.edit": {"backend": "flux2-klein", "model": str(tiny["flux"])},
            "video.generate": {"backend": "wan-vace", "model": str(tiny["vace"])},
        },
    )
    persistence.save(timeline, project)

    assert main(["generate-all", str(project), "--task", "video.generate"]) == 0  # no --use
    assert "1 shot(s)" in capsys.readouterr().out

    (call,) = vace_calls
    assert "Mara: a keeper in a red coat." in call["prompt"]
    (reference,) = call["reference_images"]  # Mara's picture, whole (VACE fits it itself)
    assert reference.size == (48, 64) and np.abs(colour(reference) - RED).max() < 3
    timeline = persistence.load(project).timeline
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    made = provenance.read(shot.media_reference)
    keyframe = np.asarray(Image.open(made.extra["keyframe"]).convert("RGB"), dtype=int)
    first = np.asarray(call["video"][0].convert("RGB"), dtype=int)
    assert first.shape == keyframe.shape and np.abs(first - keyframe).mean() < 2  # starts from the keyframe
    mask = [np.asarray(m) for m in call["mask"]]
    assert len(mask) == len(call["video"]) == call["num_frames"]
    assert mask[0].max() == 0 and all(m.min() == 255 for m in mask[1:])  # the first kept, the rest made

    assert made.task == "video.generate" and made.backend == "wan-vace"
    assert made.extra["pipeline"] == "WanVACEPipeline" and made.model_id == str(tiny["vace"])
    assert made.extra["reference_images"] == [str(face)]
    (used,) = made.extra["reference_files"]
    assert used["name"] == "Mara" and used["sha256"] == file_identity(face)["sha256"]

    Image.new("RGB", (48, 64), (30, 30, 200)).save(face)  # the reference changes: the shot is stale
    assert [s.reasons for s in cast.stale_clips(timeline)] == [("Mara's reference mara.png has changed",)]


def test_a_model_without_reference_images_refuses_them_before_loading(tmp_path: Path) -> None:
    from engine.errors import GenerateError
    from engine.generate.presets import default_preset
    from engine.generate.video.diffusers import check_anchors
    from engine.generate.video.request import VideoRequest

    face = tmp_path / "mara.png"
    Image.new("RGB", (48, 64), RED).save(face)
    request = VideoRequest.from_params(
        {"prompt": "Mara", "frames": 24, "rate": 24, "size": "64x64", "references": [str(face)]}
    )
    with pytest.raises(GenerateError, match="takes no reference images: choose Wan VACE"):
        check_anchors(default_preset("wan"), request)
    assert default_preset("wan-vace").image_to_video and default_preset("wan-vace").last_image
