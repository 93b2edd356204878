"""An export or a save never destroys what sits at its destination, and never leaves its scratch behind.

Each test here failed before: `-o` onto a FIFO, a device or a symbolic link
replaced it with a regular file; a save turned a 0664 project into 0600 and
replaced a symlinked project with a copy, so the real one never got the
edit; a killed export's `.NAME.XXXX.part.mp4` and a killed engine's
`.job-*` folders stayed forever.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from engine.atomic import STALE_AFTER, holding
from engine.errors import ExportError, ProjectFileError
from engine.export.mp4 import export_mp4, partial_files
from engine.jobs.cache import ResultCache
from engine.media.reference import clips_for
from engine.project import edits, persistence
from engine.project.document import new_project
from tests.support.engine_process import ROOT
from tests.support.mediagen import write_video


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    folder = tmp_path_factory.mktemp("film")
    media = write_video(folder / "shot.mp4", frames=12, rate=24, size=(64, 36))
    timeline = new_project("film", rate=24, size=(64, 36))
    edits.append(timeline, {"V1": clips_for(media, 24)[0]})
    return timeline


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def shotline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "editor.launch", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


# destinations --------------------------------------------------------------------------------


def test_export_onto_a_fifo_is_refused_in_one_line_and_the_fifo_stays(film, tmp_path: Path) -> None:
    fifo = tmp_path / "film.mp4"
    os.mkfifo(fifo)
    with pytest.raises(ExportError) as refused:
        export_mp4(film, fifo)
    assert str(refused.value) == f"Cannot export to {fifo}: it is a named pipe (FIFO), not a file to write"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert partial_files(fifo) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device node needs root")
def test_export_onto_a_device_as_root_is_refused_and_the_device_stays(film, tmp_path: Path) -> None:
    device = tmp_path / "null"  # a /dev/null of our own: the test must not risk the real one
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    persistence.save(film, tmp_path / "film.otio")
    result = shotline("export", str(tmp_path / "film.otio"), "-o", str(device))
    assert result.returncode == 2
    assert (
        result.stderr == f"shotline export: Cannot export to {device}: it is a device, not a file to write\n"
    )
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_export_through_a_symbolic_link_writes_its_target_and_keeps_the_link(film, tmp_path: Path) -> None:
    (tmp_path / "deliveries").mkdir()
    real = tmp_path / "deliveries" / "final.mp4"
    real.write_bytes(b"last week's cut")
    link = tmp_path / "latest.mp4"
    link.symlink_to(real)
    export_mp4(film, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    with av.open(str(real)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 12
    assert partial_files(real) == [] and partial_files(link) == []


def test_export_onto_a_folder_is_refused(film, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="it is a folder, not a file to write"):
        export_mp4(film, tmp_path)


# saving ----------------------------------------------------------------------------------------


def test_a_save_keeps_the_projects_mode(film, tmp_path: Path) -> None:
    path = tmp_path / "shared.otio"
    persistence.save(film, path)
    os.chmod(path, 0o664)  # group-writable, as a team shares it
    persistence.save(film, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_a_save_by_root_keeps_the_projects_owner(film, tmp_path: Path) -> None:
    path = tmp_path / "theirs.otio"
    persistence.save(film, path)
    os.chown(path, 1234, 5678)
    persistence.save(film, path)
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)


def test_a_new_project_gets_the_mode_any_new_file_gets(film, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        persistence.save(film, tmp_path / "new.otio")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.otio").stat().st_mode) == 0o644


def test_a_save_through_a_symbolic_link_edits_the_real_project(film, tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    real = tmp_path / "projects" / "film.otio"
    persistence.save(new_project("before", rate=24, size=(64, 36)), real)
    link = tmp_path / "film.otio"
    link.symlink_to(real)
    persistence.save(film, link)
    assert link.is_symlink()
    assert persistence.load(real).timeline.name == "film"
    assert persistence.load(link).timeline.find_clips()[0].media_reference.target_url.endswith("shot.mp4")
    assert [p.name for p in (tmp_path / "projects").iterdir()] == ["film.otio"]  # no temporary left


def test_a_save_onto_a_fifo_is_refused(film, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.otio")
    with pytest.raises(ProjectFileError, match="it is a named pipe"):
        persistence.save(film, tmp_path / "pipe.otio")


# leftovers -------------------------------------------------------------------------------------


def test_a_killed_exports_stale_partial_file_is_removed_by_the_next_export(film, tmp_path: Path) -> None:
    out = tmp_path / "film.mp4"
    stale = tmp_path / ".film.k1ll3d.part.mp4"
    stale.write_bytes(b"half a film")
    age(stale, STALE_AFTER + 60)
    fresh = tmp_path / ".film.n0w.part.mp4"  # another export may have just made it
    fresh.write_bytes(b"")
    busy = tmp_path / ".film.busy.part.mp4"  # an old one a live export still writes
    busy.write_bytes(b"")
    age(busy, STALE_AFTER + 60)
    with holding(busy):
        export_mp4(film, out)
    assert not stale.exists()
    assert fresh.exists() and busy.exists()
    assert out.is_file()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="another user's file needs root")
def test_another_users_partial_file_is_never_removed(film, tmp_path: Path) -> None:
    theirs = tmp_path / ".film.th31rs.part.mp4"
    theirs.write_bytes(b"")
    os.chown(theirs, 1234, 1234)
    age(theirs, STALE_AFTER + 60)
    os.chmod(tmp_path, 0o777)
    export_mp4(film, tmp_path / "film.mp4")
    assert theirs.exists()


def test_a_killed_engines_job_folders_are_removed_when_the_next_job_starts(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache")
    killed = cache.workdir()
    (killed / ".frame.mp4.part").write_bytes(b"half a shot")
    age(killed / ".frame.mp4.part", STALE_AFTER + 60)
    age(killed, STALE_AFTER + 60)
    running = cache.workdir()
    age(running, STALE_AFTER + 60)
    with holding(running):  # a job of a live engine, quiet for a while
        started = cache.workdir()
    assert not killed.exists()
    assert running.exists() and started.exists()
    assert sorted(p.name for p in cache.leftovers()) == sorted([running.name, started.name])
