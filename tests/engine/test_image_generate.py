"""Stills: image.generate and image.edit, from the command line and as jobs, with and without models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.cli.main import main
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.spec import JobSpec, cache_key
from tests.support.recorder import Recorder


def picture(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (60, 80)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as opened:
        return np.asarray(opened.convert("RGB"))


def run_job(spec: dict) -> dict:
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        job = jobs.submit(JobSpec.from_json(spec))
        recorder.wait(job, 120)
    finally:
        jobs.shutdown()
    failed = recorder.of("failed", job)
    assert not failed, failed
    return recorder.of("done", job)[0][2].to_json()


def test_both_still_tasks_are_listed_with_the_storyboard_as_their_default(capsys) -> None:
    assert main(["generate", "--list"]) == 0
    listed = "\n" + capsys.readouterr().out
    for task in ("image.generate", "image.edit"):
        block = listed.split(f"\n{task}\n", 1)[1]
        assert block.splitlines()[0].split()[:2] == ["storyboard", "ready"]
        assert "(default)" in block.splitlines()[0]
    assert "z-image" in listed and "flux2-klein" in listed and "qwen-image-edit" in listed


def test_a_still_from_the_command_line_is_a_png_of_exactly_the_size_asked(tmp_path: Path) -> None:
    still = tmp_path / "still.png"
    args = ["generate", "--task", "image.generate", "--prompt", "A lighthouse at dusk", "--size", "642x362"]
    assert main([*args, "--seed", "3", "--cache-dir", str(tmp_path / "cache"), "-o", str(still)]) == 0
    assert pixels(still).shape == (362, 642, 3)
    other = tmp_path / "other.png"
    assert main([*args, "--seed", "4", "--cache-dir", str(tmp_path / "cache"), "-o", str(other)]) == 0
    assert not np.array_equal(pixels(still), pixels(other)), "another seed draws another panel"


def test_the_same_request_draws_the_same_pixels_and_records_its_provenance(tmp_path: Path) -> None:
    params = {"prompt": "Mara on the pier", "size": "320x180", "seed": 7}
    first = run_job({"task": "image.generate", "params": {**params, "cache_dir": str(tmp_path / "a")}})
    second = run_job({"task": "image.generate", "params": {**params, "cache_dir": str(tmp_path / "b")}})
    assert np.array_equal(pixels(Path(first["files"][0])), pixels(Path(second["files"][0])))
    made = first["provenance"]
    assert made["task"] == "image.generate" and made["backend"] == "storyboard"
    assert (made["prompt"], made["seed"], made["width"], made["height"]) == ("Mara on the pier", 7, 320, 180)


def test_an_edit_shows_its_references_and_records_their_identity(tmp_path: Path) -> None:
    mara = picture(tmp_path / "mara.png", (220, 30, 30))
    harbour = picture(tmp_path / "harbour.png", (30, 30, 220))
    spec = {
        "task": "image.edit",
        "params": {
            "prompt": "Mara at the harbour",
            "size": "640x360",
            "references": [{"path": str(mara), "name": "Mara"}, {"path": str(harbour), "name": "Harbour"}],
            "cache_dir": str(tmp_path / "cache"),
        },
    }
    result = run_job(spec)
    still = pixels(Path(result["files"][0]))
    assert still.shape == (360, 640, 3)
    # the references' thumbnails are on the panel: a patch of each one's colour
    assert (np.abs(still.astype(int) - (220, 30, 30)).sum(axis=2) < 20).sum() > 500
    assert (np.abs(still.astype(int) - (30, 30, 220)).sum(axis=2) < 20).sum() > 500
    files = result["provenance"]["reference_files"]
    assert [f["name"] for f in files] == ["Mara", "Harbour"]
    assert files[0]["path"] == str(mara) and len(files[0]["sha256"]) == 64


def test_a_changed_reference_is_a_new_request_not_a_cache_hit(tmp_path: Path) -> None:
    mara = picture(tmp_path / "mara.png", (220, 30, 30))
    spec = JobSpec("image.edit", {"prompt": "Mara", "size": "64x64", "references": [str(mara)]})
    before = cache_key(spec, "storyboard")
    picture(mara, (30, 220, 30))  # the same file name, another face
    assert cache_key(spec, "storyboard") != before


def test_an_edit_without_references_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    args = ["generate", "--task", "image.edit", "--prompt", "Mara", "-o", str(tmp_path / "x.png")]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert error == "shotline generate: image.edit needs at least one reference image (references)\n"
    assert not (tmp_path / "x.png").exists()


def test_a_missing_reference_is_named(tmp_path: Path, capsys) -> None:
    args = ["generate", "--task", "image.edit", "--reference", f"Mara={tmp_path / 'gone.png'}"]
    assert main([*args, "-o", str(tmp_path / "x.png")]) == 2
    assert "gone.png does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_z_image_draws_a_still_from_a_local_model_folder(tmp_path: Path) -> None:
    pytest.importorskip("diffusers")
    from tests.support.tinymodels import tiny_z_image

    folder = tmp_path / "z-image"
    tiny_z_image(folder)
    (folder / "shotline.json").write_text(json.dumps({"pixels": 4096}))  # 64x64: tiny and quick
    spec = {
        "task": "image.generate",
        "backend": "z-image",
        "params": {
            "prompt": "a lighthouse at dusk",
            "size": "96x54",
            "seed": 2,
            "steps": 2,
            "model": str(folder),
            "device": "cpu",
            "cache_dir": str(tmp_path / "cache"),
        },
    }
    result = run_job(spec)
    assert pixels(Path(result["files"][0])).shape == (54, 96, 3)
    made = result["provenance"]
    assert made["pipeline"] == "ZImagePipeline" and made["preset"] == "z-image-turbo"
    assert (made["generated_width"], made["generated_height"]) == (80, 48)  # 4096 pixels at 16:9, /16
