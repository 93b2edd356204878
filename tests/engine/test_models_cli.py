"""`shotline models list|download`: what a user reads about each preset, and a download with no hub in reach.

Nothing is downloaded: the hub is either switched off (HF_HUB_OFFLINE=1)
or pointed at a closed local port, and "downloaded" is a hub-cache folder
laid out as huggingface_hub writes one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def _fake_snapshot(cache: Path, repo: str, files: dict[str, bytes]) -> None:
    """A hub cache entry as huggingface_hub lays it out: blobs, a ref, a snapshot of links to the blobs."""
    folder = cache / f"models--{repo.replace('/', '--')}"
    revision = "0123456789abcdef0123456789abcdef01234567"
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(revision)
    for index, (name, data) in enumerate(files.items()):
        blob = folder / "blobs" / f"{index:040x}"
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = folder / "snapshots" / revision / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))


def test_models_list_shows_task_size_vram_licence_and_what_is_downloaded(
    tmp_path, monkeypatch, capsys
) -> None:
    from huggingface_hub import constants

    weights = {"model_index.json": b"{}", "transformer/model.safetensors": b"x" * 2_000_000}
    _fake_snapshot(tmp_path, "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", weights)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    assert main(["models", "list", "--json"]) == 0
    rows = {row["preset"]: row for row in json.loads(capsys.readouterr().out)["presets"]}
    wan = rows["wan2.1-t2v-1.3b"]
    assert wan["downloaded"] and wan["on_disk_gb"] == pytest.approx(0.002, abs=1e-3)
    assert (wan["task"], wan["licence"], wan["vram_gb"], wan["vram_min_gb"]) == (
        "video.generate", "Apache-2.0", 19.0, 5.0
    )  # fmt: skip
    ltx2 = rows["ltx-2.3-distilled"]
    assert not ltx2["downloaded"] and ltx2["download_gb"] == 70
    assert ltx2["licence"].startswith("LTX-2 Community License")
    assert {"wan2.2-vace-fun-a14b", "wan2.2-i2v-a14b-lightning", "ltx-2.3"} <= rows.keys()
    assert main(["models", "list", "--task", "video.inpaint"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].split() == ["preset", "task", "size", "VRAM", "(least)", "downloaded", "licence"]
    assert any(line.startswith("wan2.2-vace-fun-a14b") and "Apache-2.0" in line for line in text)


def test_download_with_the_hub_switched_off_is_one_line_and_exit_2(monkeypatch, capsys) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert main(["models", "download", "ltx-2.3-distilled"]) == 2
    error = capsys.readouterr().err
    assert error == (
        "shotline models: the Hugging Face hub is offline (HF_HUB_OFFLINE is set): "
        "unset it to download diffusers/LTX-2.3-Distilled-Diffusers\n"
    )
    assert main(["models", "download", "sora"]) == 2
    assert capsys.readouterr().err.startswith("shotline models: No model preset 'sora'; the presets are: ")


@pytest.mark.slow
def test_download_with_no_network_says_so_in_one_line_and_leaves_nothing(tmp_path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "engine.cli.main", "models", "download", "wan2.1-t2v-1.3b", "--to",
         str(tmp_path / "wan")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "shotline models: cannot download Wan-AI/Wan2.1-T2V-1.3B-Diffusers: the Hugging Face hub cannot be "
        "reached (no network?); run again when connected to resume"
    ]
    assert not any(p.suffix == ".safetensors" for p in tmp_path.rglob("*"))


def test_a_download_into_a_folder_of_its_own_names_the_preset_that_drives_it(tmp_path, monkeypatch) -> None:
    import huggingface_hub
    from huggingface_hub import constants

    from engine.generate.catalog import find
    from engine.generate.model_download import download
    from engine.generate.presets import preset_for_model

    def fake_snapshot(model, local_dir=None, allow_patterns=None, **_options):
        folder = Path(local_dir)
        folder.mkdir(parents=True)
        (folder / "model_index.json").write_text('{"_class_name": "LTX2Pipeline"}')
        (folder / "model.safetensors").write_bytes(b"")
        return str(folder)

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot)
    folder = download(find("ltx-2.3"), tmp_path / "ltx-2.3")
    assert preset_for_model("ltx2", str(folder)).name == "ltx-2.3"  # not the distilled one beside it
