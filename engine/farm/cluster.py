"""`shotline farm up|status|down`: a Ray cluster to try the farm on, or the studio's own, checked.

`up` with no address starts a local cluster: one `ray start --head --block`
process of our own (in a session of its own, its log in the data folder),
with N worker slots counted in a custom resource, so the farm can be tried
on one machine. With an address, it only checks that the cluster answers
with the token and remembers the address. Either way the cluster's address
is recorded in the data folder; `down` stops only what `up` started (that
one process, which takes its Ray processes down with it), never a cluster
it merely connected to.

A local cluster listens on the machine's interfaces (Ray binds them all,
whatever address it is given): it belongs on a private network, and its
token is what keeps others out.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine.atomic import write_atomically
from engine.errors import ShotlineError
from engine.farm import token
from engine.farm.reach import answers
from engine.paths import data_dir

START_TIMEOUT = 90.0  # seconds for a local head to answer (5-12 s measured on two cores)
STOP_TIMEOUT = 60.0  # Ray drains for up to 30 s on SIGTERM


class FarmError(ShotlineError):
    """The farm cannot be started, reached or stopped; the message says why."""


@dataclass(frozen=True)
class FarmState:
    address: str
    pid: int | None  # the `ray start --block` process we started; None for a cluster we only joined
    workers: int

    @property
    def local(self) -> bool:
        return self.pid is not None


def _state_file() -> Path:
    folder = data_dir() / "farm"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "cluster.json"


def recorded() -> FarmState | None:
    try:
        data = json.loads(_state_file().read_text(encoding="utf-8"))
        return FarmState(str(data["address"]), data.get("pid"), int(data.get("workers") or 0))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recorded_address() -> str:
    state = recorded()
    if state is None:
        raise FarmError("No farm is set up: run `shotline farm up` (or give the cluster's address)")
    return state.address


def _alive(pid: int) -> bool:
    """Whether `pid` is still our `ray start` process (not a recycled pid)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return any(part.endswith(b"ray") for part in command) and b"--head" in command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ray_command() -> str:
    script = Path(sys.executable).with_name("ray")
    if not script.exists():
        raise FarmError("Ray is not installed: install Shotline's farm extra (pip install 'shotline[farm]')")
    return str(script)


def up(workers: int = 2, address: str | None = None) -> FarmState:
    """Start a local cluster with `workers` slots, or check the cluster at `address`; records it."""
    current = recorded()
    if current is not None and current.local and current.pid is not None and _alive(current.pid):
        if address is None:
            return current
        raise FarmError(f"A local farm is running at {current.address}: `shotline farm down` first")
    if address is not None:
        _check(address)
        state = FarmState(address, None, 0)
    else:
        if workers < 1:
            raise FarmError("A farm needs at least one worker slot")
        state = _start_local(workers)
    write_atomically(_state_file(), json.dumps(asdict(state)).encode())
    return state


def _start_local(workers: int) -> FarmState:
    port = _free_port()
    address = f"127.0.0.1:{port}"
    project_root = str(Path(__file__).resolve().parents[2])
    environment = {
        **os.environ,
        **token.ray_environment(),
        # the workers import Shotline from where this engine runs, not from another install
        "PYTHONPATH": os.pathsep.join(p for p in (project_root, os.environ.get("PYTHONPATH", "")) if p),
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    command = [
        _ray_command(), "start", "--head", "--block",
        f"--port={port}", "--node-ip-address=127.0.0.1",
        f"--num-cpus={max(workers, os.cpu_count() or 1)}",
        "--resources", json.dumps({"shotline_slot": workers}),
        "--include-dashboard=false", "--disable-usage-stats",
    ]  # fmt: skip
    log = (data_dir() / "farm" / "head.log").open("ab")
    process = subprocess.Popen(
        command, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    log.close()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            code = process.returncode
            raise FarmError(f"The local farm did not start (exit status {code}); see {log.name}")
        if answers(address):
            return FarmState(address, process.pid, workers)
        time.sleep(0.5)
    _stop(process.pid)
    raise FarmError(f"The local farm did not answer within {START_TIMEOUT:.0f} s; see {log.name}")


def _check(address: str) -> None:
    """Connect once to the cluster at `address` with the token, in a child process (Ray stays out of ours)."""
    probe = f"import ray; ray.init(address={address!r}, logging_level='ERROR'); print(len(ray.nodes()))"
    environment = {**os.environ, **token.ray_environment()}
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe], env=environment, capture_output=True, text=True,
            timeout=START_TIMEOUT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise FarmError(f"The cluster at {address} did not answer within {START_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no answer"])[-1]
        raise FarmError(f"The cluster at {address} cannot be reached with the token: {last}")


def status() -> dict[str, Any]:
    """Nodes, their GPUs and slots, and what each farm worker holds and runs."""
    state = recorded()
    if state is None:
        raise FarmError("No farm is set up: run `shotline farm up`")
    if state.local and state.pid is not None and not _alive(state.pid):
        raise FarmError(f"The local farm at {state.address} is not running: `shotline farm up` again")
    from engine.farm.executor import NAMESPACE, connect

    connect(state.address)
    import ray

    try:
        nodes = [
            {
                "node": node["NodeManagerAddress"],
                "alive": bool(node["Alive"]),
                "gpus": int(node["Resources"].get("GPU", 0)),
                "slots": int(node["Resources"].get("shotline_slot", 0)),
            }
            for node in ray.nodes()
        ]
        workers = []
        for named in ray.util.list_named_actors(all_namespaces=True):
            if named.get("namespace") != NAMESPACE:
                continue
            with contextlib.suppress(Exception):  # a worker that died between the list and the ask
                handle = ray.get_actor(named["name"], namespace=NAMESPACE)
                workers.append(ray.get(handle.describe.remote(), timeout=10))
    finally:
        ray.shutdown()
    return {"address": state.address, "local": state.local, "nodes": nodes, "workers": workers}


def down() -> str:
    """Stop the local cluster `up` started; forget a joined one. Returns what was done, in words."""
    state = recorded()
    if state is None:
        return "No farm was set up"
    if state.pid is not None and _alive(state.pid):
        _stop(state.pid)
        said = f"Stopped the local farm at {state.address}"
    elif state.pid is not None:
        said = f"The local farm at {state.address} had already stopped"
    else:
        said = f"Forgot the cluster at {state.address} (it was not started here, so it keeps running)"
    _state_file().unlink(missing_ok=True)
    return said


def _stop(pid: int) -> None:
    """SIGTERM to our `ray start --block`: it drains and takes its Ray processes down with it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and _alive(pid):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # its own session: the group is what it started
