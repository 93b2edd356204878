"""`shotline setup-ai --dry-run`: which torch build a stated (or detected) machine gets, and why."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from engine.cli.main import main as cli_main
from engine.setup_ai import gpu as gpus
from engine.setup_ai.torch_build import choose

INDEX = "https://download.pytorch.org/whl"


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))


def dry_run(capsys, *gpu: str) -> tuple[int, str, str]:
    status = cli_main(["setup-ai", "--dry-run", *(("--gpu", gpu[0]) if gpu else ())])
    out, err = capsys.readouterr()
    return status, out, err


def torch_line(out: str) -> str:
    return (
        next(line for line in out.splitlines() if line.strip().startswith("torch:")).split(":", 1)[1].strip()
    )


def test_a_recent_nvidia_driver_gets_the_newest_cuda_build_it_runs(capsys, tmp_path: Path) -> None:
    status, out, _ = dry_run(capsys, "nvidia driver 575")
    assert status == 0
    assert torch_line(out) == f"torch==2.13.0 --index-url {INDEX}/cu128  (runs on cuda)"
    assert "CUDA 12.9" in out and "cu128 (CUDA 12.8)" in out
    assert str(tmp_path / "data" / "ai-engine" / "env") in out
    assert not (tmp_path / "data" / "ai-engine" / "env").exists()  # a dry run installs nothing


def test_driver_580_gets_cuda_13_and_a_stated_cuda_version_is_taken_as_is(capsys) -> None:
    assert torch_line(dry_run(capsys, "nvidia driver 580.65")[1]).startswith(
        f"torch==2.13.0 --index-url {INDEX}/cu130"
    )
    assert f"{INDEX}/cu128" in torch_line(dry_run(capsys, "nvidia cuda 12.8")[1])


def test_the_issues_example_driver_550_runs_cu126_through_minor_version_compatibility(capsys) -> None:
    status, out, _ = dry_run(capsys, "nvidia driver 550")
    assert status == 0
    assert torch_line(out) == f"torch==2.13.0 --index-url {INDEX}/cu126  (runs on cuda)"
    assert "CUDA up to 12.4" in out and "minor-version compatibility" in out and "560 or newer" in out


def test_an_old_nvidia_driver_gets_the_cpu_build_and_is_told_to_update(capsys) -> None:
    status, out, _ = dry_run(capsys, "nvidia driver 470")
    assert status == 0
    assert torch_line(out) == f"torch==2.13.0 --index-url {INDEX}/cpu  (runs on cpu)"
    assert "CUDA only up to 11.4" in out and "update the NVIDIA driver" in out


def test_amd_on_linux_gets_the_rocm_build_matching_its_rocm(capsys) -> None:
    assert (
        torch_line(dry_run(capsys, "amd rocm 6.4")[1])
        == f"torch==2.13.0 --index-url {INDEX}/rocm6.4  (runs on rocm)"
    )
    assert f"{INDEX}/rocm6.3" in torch_line(dry_run(capsys, "amd rocm 6.3.2")[1])
    status, out, _ = dry_run(capsys, "amd windows")
    assert status == 0 and "(runs on cpu)" in torch_line(out) and "Linux only" in out


def test_apple_silicon_gets_the_registrys_wheel_with_metal(capsys) -> None:
    status, out, _ = dry_run(capsys, "apple")
    assert status == 0
    assert torch_line(out) == "torch==2.13.0  (runs on mps)"
    assert "Metal" in out


def test_an_intel_mac_is_told_plainly_that_pytorch_has_no_build_for_it(capsys) -> None:
    status, out, err = dry_run(capsys, "apple intel")
    assert status == 2 and out == ""
    assert (
        err.startswith("shotline setup-ai: PyTorch publishes no builds for Intel Macs")
        and err.count("\n") == 1
    )


def test_no_gpu_gets_the_cpu_build_from_pytorchs_cpu_index_on_linux(capsys) -> None:
    status, out, _ = dry_run(capsys, "none")
    assert status == 0
    assert torch_line(out) == f"torch==2.13.0 --index-url {INDEX}/cpu  (runs on cpu)"
    assert "no CUDA libraries are downloaded" in out
    assert torch_line(dry_run(capsys, "none windows")[1]) == "torch==2.13.0  (runs on cpu)"


def test_a_gpu_that_cannot_be_understood_is_one_line_and_status_2(capsys) -> None:
    for text in ("banana", "nvidia driver abc", "nvidia"):
        status, out, err = dry_run(capsys, text)
        assert (
            status == 2 and out == "" and err.startswith("shotline setup-ai: --gpu") and err.count("\n") == 1
        )


def test_an_nvidia_gpu_is_found_through_nvidia_smi_with_its_drivers_cuda_version(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    # nvidia-smi as the driver installs it: the CSV query and the header with "CUDA Version"
    fake = tmp_path / "bin" / "nvidia-smi"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'case "$1" in --query-gpu*) echo "NVIDIA GeForce RTX 4090, 570.86.15, 24564";;\n'
        '*) echo "| NVIDIA-SMI 570.86.15   Driver Version: 570.86.15   CUDA Version: 12.8 |";; esac\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(gpus, "_nvidia_nvml", lambda: None)  # as where nvidia-ml-py is not installed
    found = gpus.detect()
    assert (found.vendor, found.name, found.driver, found.cuda) == (
        "nvidia",
        "NVIDIA GeForce RTX 4090",
        "570.86.15",
        (12, 8),
    )
    assert round(found.memory_gb) == 24
    assert choose(found).variant == "cu128"
    status, out, _ = dry_run(capsys)
    assert status == 0 and "NVIDIA GeForce RTX 4090, 24 GB, driver 570.86.15, CUDA 12.8 (found" in out


def test_without_any_gpu_this_machine_gets_the_cpu_build(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(gpus, "_nvidia_nvml", lambda: None)
    monkeypatch.setattr(gpus, "_amd_rocm", lambda: None)
    assert choose(gpus.detect()).device == "cpu"
