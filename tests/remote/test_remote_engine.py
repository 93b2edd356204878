"""Generation on a remote engine, as a user with a GPU box does it: inputs sent once by hash, results
fetched and checked, a dropped connection that loses nothing, and a version mismatch said in one line."""

from __future__ import annotations

import base64
import hashlib
import shlex
import sys
import threading
from pathlib import Path

import av
import pytest

from engine.errors import GenerateError
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.spec import JobSpec
from engine.remote.executor import RemoteExecutor
from tests.support.mediagen import write_image
from tests.support.recorder import Recorder


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class RunningRecorder(Recorder):
    """Also says when the remote engine first reports a job's progress (the job runs there)."""

    def __init__(self) -> None:
        super().__init__()
        self.running = threading.Event()

    def progress(self, job_id, report, eta) -> None:
        super().progress(job_id, report, eta)
        if report.fraction > 0.05 and not report.stage.startswith(
            ("Sending", "Receiving", "uploading", "downloading")
        ):
            self.running.set()


@pytest.fixture
def remote(gpu_box, tmp_path):
    executor = RemoteExecutor(gpu_box.command)
    recorder = RunningRecorder()
    jobs = generation_queue(
        default_registry(), recorder, cache_dir=lambda _spec: tmp_path / "cache", executor=executor
    )
    yield executor, jobs, recorder
    jobs.shutdown()
    executor.close()


def shot(seed: int, frames: int = 12, size: str = "96x54", **params) -> JobSpec:
    return JobSpec("video.generate", {"prompt": "A lighthouse", "frames": frames, "rate": "24", "size": size,
                                      "seed": seed, **params})  # fmt: skip


@pytest.mark.slow
def test_an_input_is_sent_once_by_hash_and_the_result_comes_back_checked(remote, gpu_box, tmp_path) -> None:
    executor, jobs, recorder = remote
    picture = write_image(tmp_path / "keyframe.png", (96, 54))

    first = jobs.submit(shot(1, image=str(picture)))
    recorder.wait(first, 60)
    (_, _, result, cached), = recorder.of("done", first)  # fmt: skip
    assert not cached
    assert executor.sent_bytes == picture.stat().st_size
    assert [p.name for p in gpu_box.stored()] == [f"{sha256(picture)}.png"]
    made = result.files[0]
    assert made.parent.parent == tmp_path / "cache"  # in the local cache, under the local key
    there = [p for p in (gpu_box.data / "cache").rglob(made.name)]
    assert len(there) == 1 and sha256(there[0]) == sha256(made)
    assert executor.received_bytes == made.stat().st_size
    assert result.provenance["engine"] == executor.where
    assert result.provenance["references"] == [str(picture)]  # the user's file, not the remote copy
    with av.open(str(made)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 12

    second = jobs.submit(shot(2, image=str(picture)))  # the same keyframe, another take
    recorder.wait(second, 60)
    assert recorder.of("done", second)
    assert executor.sent_bytes == picture.stat().st_size  # nothing sent again
    assert len(gpu_box.stored()) == 1


@pytest.mark.slow
def test_an_upload_cut_off_goes_on_from_where_it_stopped(remote, gpu_box, tmp_path) -> None:
    executor, jobs, recorder = remote
    picture = write_image(tmp_path / "keyframe.png", (320, 180))
    data = picture.read_bytes()
    half = len(data) // 2
    sent = {"sha256": sha256(picture), "name": picture.name, "offset": 0, "size": len(data)}
    sent["data"] = base64.b64encode(data[:half]).decode()
    state = executor.connection().request("media.put", sent)
    assert state == {"complete": False, "size": half}
    executor.connection().process.kill()  # the connection drops with half of it there

    job = jobs.submit(shot(3, image=str(picture)))
    recorder.wait(job, 60)
    assert recorder.of("done", job)
    assert executor.sent_bytes == len(data) - half  # only the rest crossed
    assert gpu_box.stored()[0].read_bytes() == data


@pytest.mark.slow
def test_killing_the_connection_mid_job_loses_nothing(remote, gpu_box) -> None:
    executor, jobs, recorder = remote
    job = jobs.submit(shot(4, frames=720, size="320x180"))
    assert recorder.running.wait(60), "the remote job never reported progress"
    executor.connection().process.kill()  # ssh dies: the network dropped

    recorder.wait(job, 120)
    (_, _, result, _), = recorder.of("done", job)  # fmt: skip
    with av.open(str(result.files[0])) as container:
        assert sum(1 for _ in container.decode(video=0)) == 720
    assert any("connection dropped" in e[2] for e in recorder.of("log", job))
    remote_jobs = executor.connection().request("status", {})["jobs"]
    assert len(remote_jobs) == 1 and remote_jobs[0]["state"] == "done"  # ran once, not sent again


def test_a_remote_engine_of_another_version_is_refused_in_one_line(tmp_path, capsys) -> None:
    old = tmp_path / "old_engine.py"
    old.write_text(
        "import json, sys\n"
        "for line in sys.stdin:\n"
        "    ident = json.loads(line)['id']\n"
        "    answer = {'engine': 'shotline', 'protocol': 1, 'versions': {'shotline': '0.3.0'}}\n"
        "    print(json.dumps({'jsonrpc': '2.0', 'id': ident, 'result': answer}), flush=True)\n"
    )
    command = [sys.executable, str(old)]
    with pytest.raises(GenerateError) as refused:
        RemoteExecutor(command)
    assert "speaks protocol 1 (Shotline 0.3.0)" in str(refused.value)
    assert "install the same Shotline version on both" in str(refused.value)

    from engine.cli.main import main

    line = shlex.join(command)
    args = ["generate", "--frames", "6", "-o", str(tmp_path / "shot.mp4"), "--engine-command", line]
    assert main(args) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("shotline generate: The remote engine (remote (python") and "\n" not in error
    assert not (tmp_path / "shot.mp4").exists()


def test_an_engine_command_that_cannot_start_is_said(tmp_path, capsys) -> None:
    from engine.cli.main import main

    args = ["generate", "--frames", "6", "-o", str(tmp_path / "shot.mp4")]
    assert main([*args, "--engine-command", "no-such-ssh gpu-box shotline engine"]) == 2
    assert "could not be started (no-such-ssh)" in capsys.readouterr().err


def test_the_jobs_panel_names_an_ssh_engine_by_its_host() -> None:
    from engine.remote.executor import where

    assert where(["ssh", "gpu-box", "shotline", "engine"]) == "remote gpu-box"
    assert where(["ssh", "-p", "2222", "-i", "key", "me@gpu-box", "shotline", "engine"]) == "remote gpu-box"
    assert where(["env", "A=1", "/usr/bin/python3", "-m", "engine"]) == "remote (python3)"


def test_the_content_store_keeps_only_what_matches_its_hash(tmp_path) -> None:
    from engine.remote.store import ContentStore

    store = ContentStore(tmp_path / "content")
    data = b"frame" * 1000
    name = hashlib.sha256(data).hexdigest()
    assert store.has(name) == {"complete": False, "size": 0}
    assert store.put(name, 0, data[:2000], len(data), "mask.png") == {"complete": False, "size": 2000}
    with pytest.raises(GenerateError, match="leaves a gap"):
        store.put(name, 3000, data[3000:], len(data), "mask.png")
    done = store.put(name, 2000, data[2000:], len(data), "mask.png")
    assert done["complete"] and Path(done["path"]).read_bytes() == data
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(GenerateError, match="does not match its SHA-256"):
        store.put(wrong, 0, data, len(data))
    assert store.has(wrong) == {"complete": False, "size": 0}  # nothing kept under a wrong name
    with pytest.raises(GenerateError, match="SHA-256"):
        store.has("../../etc/passwd")


class CuttingRecorder(Recorder):
    """Kills the connection once, as soon as the first chunk of the result (11.5 MB) has arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.executor: RemoteExecutor | None = None
        self.cut = False

    def progress(self, job_id, report, eta) -> None:
        super().progress(job_id, report, eta)
        if report.stage.startswith("downloading") and not self.cut and self.executor is not None:
            self.cut = True
            self.executor.connection().process.kill()


@pytest.mark.slow
def test_a_result_fetch_cut_off_goes_on_from_where_it_stopped(gpu_box, tmp_path) -> None:
    executor = RemoteExecutor(gpu_box.command)
    recorder = CuttingRecorder()
    recorder.executor = executor
    jobs = generation_queue(
        default_registry(), recorder, cache_dir=lambda _spec: tmp_path / "cache", executor=executor
    )
    try:
        job = jobs.submit(JobSpec("music.score", {"duration": 40.0, "seed": 5}))  # 11.5 MB: three chunks
        recorder.wait(job, 120)
        (_, _, result, _), = recorder.of("done", job)  # fmt: skip
    finally:
        jobs.shutdown()
        executor.close()
    assert recorder.cut
    wav = next(f for f in result.files if f.suffix == ".wav")
    there = next((gpu_box.data / "cache").rglob("score.wav"))
    assert sha256(wav) == sha256(there)
    total = sum(f.stat().st_size for f in result.files)
    assert executor.received_bytes == total  # no chunk fetched twice
    assert any("dropped fetching score.wav" in e[2] for e in recorder.of("log", job))


@pytest.mark.slow
def test_cancel_reaches_the_job_on_the_remote_engine(remote) -> None:
    executor, jobs, recorder = remote
    job = jobs.submit(shot(6, frames=2400, size="320x180"))
    assert recorder.running.wait(60)
    jobs.cancel(job)
    recorder.wait(job, 60)
    assert recorder.of("cancelled", job)
    remote_jobs = executor.connection().request("status", {})["jobs"]
    assert [j["state"] for j in remote_jobs] == ["cancelled"]
