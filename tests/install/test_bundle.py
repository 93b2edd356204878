"""The desktop bundle: built by installers/build-bundle.sh, unpacked, and run with nothing else set up.

Building takes minutes, so it happens once per session (or not at all when
SHOTLINE_BUNDLE names a tarball already built); the tests then run the
unpacked `shotline` from an empty environment (`env -i`), as on a machine
where neither Python nor Shotline's packages are installed.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import time
from fractions import Fraction
from pathlib import Path

import pytest

from engine import __version__
from engine.media.reference import clips_for
from engine.project import edits, persistence
from engine.project.document import new_project
from tests.support.mediagen import write_video

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MIB = 250

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


@pytest.fixture(scope="session")
def tarball() -> Path:
    given = os.environ.get("SHOTLINE_BUNDLE")
    if given:
        return Path(given)
    started = time.monotonic()
    built = subprocess.run(
        [str(ROOT / "installers" / "build-bundle.sh")], capture_output=True, text=True, timeout=2400
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    print(f"\nbuild-bundle.sh took {time.monotonic() - started:.0f} s")
    return ROOT / "dist" / f"shotline-{__version__}-linux-x86_64.tar.gz"


@pytest.fixture(scope="session")
def bundle(tarball: Path, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(tarball) as archive:
        archive.extractall(where, filter="tar")
    (folder,) = where.iterdir()
    return folder


def bare(
    folder: Path, home: Path, *args: str, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess:
    """`shotline ARGS` in an empty environment: no PATH, no Python, no display; only a home folder."""
    command = [
        "env",
        "-i",
        f"HOME={home}",
        *(f"{k}={v}" for k, v in env.items()),
        str(folder / "shotline"),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=home)


def test_the_bundle_is_small_carries_no_torch_and_has_its_desktop_files(tarball: Path, bundle: Path) -> None:
    assert tarball.stat().st_size < LIMIT_MIB * 2**20
    inside = bundle / "_internal"
    for heavy in ("torch", "diffusers", "transformers", "PyInstaller"):
        assert not (inside / heavy).exists(), heavy
    assert (inside / "shotline-src" / "engine" / "__main__.py").is_file()  # what setup-ai installs
    assert (inside / "uv").is_file()  # what setup-ai installs it with
    for name in ("shotline.desktop", "shotline.png", "shotline-otio.xml", "install.sh"):
        assert (bundle / name).is_file(), name


def test_version_probe_and_export_work_from_an_empty_environment(bundle: Path, tmp_path: Path) -> None:
    shown = bare(bundle, tmp_path, "--version")
    assert (shown.returncode, shown.stdout.strip()) == (0, f"shotline {__version__}")

    footage = write_video(
        tmp_path / "footage.mp4", frames=24, rate=Fraction(24), size=(160, 120), tone_hz=440
    )
    probed = bare(bundle, tmp_path, "probe", str(footage), "--json")
    assert probed.returncode == 0, probed.stderr
    assert '"kind": "video"' in probed.stdout

    timeline = new_project("film", rate=Fraction(24), size=(160, 120))
    picture, sound = clips_for(footage, Fraction(24), 24, 0)
    edits.append(timeline, {"V1": picture, "A1": sound})
    persistence.save(timeline, tmp_path / "film.otio")
    exported = bare(bundle, tmp_path, "export", str(tmp_path / "film.otio"), "-o", str(tmp_path / "film.mp4"))
    assert exported.returncode == 0, exported.stderr
    described = bare(bundle, tmp_path, "probe", str(tmp_path / "film.mp4"))
    assert "1.000 s" in described.stdout and "160x120" in described.stdout

    missing = bare(bundle, tmp_path, "probe", str(tmp_path / "nothing.mp4"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


def test_the_editor_opens_offscreen_from_an_empty_environment(bundle: Path, tmp_path: Path) -> None:
    command = ["env", "-i", f"HOME={tmp_path}", "QT_QPA_PLATFORM=offscreen", str(bundle / "shotline")]
    editor = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        time.sleep(8)
        assert editor.poll() is None, editor.communicate()[1][-3000:]  # still running: the window is up
    finally:
        editor.terminate()
        _out, err = editor.communicate(timeout=30)
    assert "Traceback" not in err, err[-3000:]
    data = tmp_path / ".local" / "share" / "Shotline"
    assert data.is_dir()  # it ran far enough to find its per-user folder under the empty environment's HOME


def test_install_sh_puts_it_in_dot_local_with_a_menu_entry(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", "sh", str(bundle / "install.sh")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    local = home / ".local"
    app = local / "share" / "shotline"
    assert (app / "shotline").is_file() and (local / "bin" / "shotline").resolve() == (app / "shotline")
    entry = (local / "share" / "applications" / "shotline.desktop").read_text()
    assert f'Exec="{app}/shotline" %f' in entry and "MimeType=application/x-otio;" in entry
    assert (local / "share" / "icons" / "hicolor" / "256x256" / "apps" / "shotline.png").is_file()
    assert (local / "share" / "mime" / "packages" / "shotline-otio.xml").is_file()
    shown = bare(local / "bin", home, "--version")
    assert shown.stdout.strip() == f"shotline {__version__}"

    uninstall = [
        "env",
        "-i",
        f"HOME={home}",
        "PATH=/usr/bin:/bin",
        "sh",
        str(app / "install.sh"),
        "--uninstall",
    ]
    removed = subprocess.run(uninstall, capture_output=True, text=True, timeout=120)
    assert removed.returncode == 0 and not app.exists() and not (local / "bin" / "shotline").exists()
