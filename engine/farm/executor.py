"""Generation jobs on the farm: each runs on a worker for its backend, and comes back as local files.

The engine's job board keeps doing what it does for every job (queue,
progress, cancel, cache); this executor only replaces "run the backend
here" with "run it on a worker of the cluster". Workers are named Ray
actors, one per (task backend, worker slot), created when first needed and
reused by every later job and every later engine, so a model loads once per
GPU for a whole batch. A job goes to the least busy worker of its backend;
while it runs, its progress is asked for a few times a second and a cancel
reaches the worker's flag. A worker that dies mid-job (its node lost, an
out-of-memory kill) is restarted by Ray, and the job is sent again, up to
`RETRIES` times, then failed with the reason.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from pathlib import Path
from typing import Any

from engine.errors import GenerateError, JobCancelled
from engine.farm import token
from engine.farm.actor import GenerationWorker, pack
from engine.farm.reach import answers
from engine.generate.base import Output
from engine.jobs.lifecycle import FARM
from engine.jobs.progress import JobContext, ProgressReport
from engine.jobs.spec import FILE_LIST_PARAMS, FILE_PARAMS, JobSpec

NAMESPACE = "shotline"
RETRIES = 2  # sends of a job after its worker died, before the job fails
POLL = 0.2  # seconds between progress asks
SLOT = "shotline_slot"  # the resource a local farm's worker slots are counted in


def connect(address: str) -> None:
    """Join the cluster at `address` as a client ("auto": the one `shotline farm up` started)."""
    token.apply_to_this_process()  # before Ray is imported: it reads the token's settings once
    import ray

    if ray.is_initialized():
        return
    if address == "auto":
        from engine.farm.cluster import recorded_address

        address = recorded_address()
    if not answers(address):  # Ray itself would retry for minutes before saying so
        raise GenerateError(f"The farm at {address} cannot be reached: nothing answers there")
    try:
        ray.init(address=address, namespace=NAMESPACE, logging_level="ERROR", log_to_driver=False)
    except Exception as error:  # Ray raises ConnectionError, RuntimeError… for an unreachable cluster
        raise GenerateError(f"The farm at {address} cannot be reached: {error}") from None


def worker_resources() -> dict[str, Any]:
    """What one worker asks of the cluster: a GPU where the cluster has them, else a worker slot."""
    import ray

    total = ray.cluster_resources()
    if total.get("GPU", 0) >= 1:
        return {"num_gpus": 1}
    if total.get(SLOT, 0) >= 1:
        return {"resources": {SLOT: 1}, "num_cpus": 0}
    return {"num_cpus": 1}


def _live_workers() -> set[str]:
    """The names of the farm's workers alive on the cluster now, whoever made them."""
    import ray

    found = ray.util.list_named_actors(all_namespaces=True)
    return {a["name"] for a in found if a.get("namespace") == NAMESPACE}


def slot_count() -> int:
    import ray

    total = ray.cluster_resources()
    return max(1, int(total.get("GPU") or total.get(SLOT) or total.get("CPU") or 1))


class FarmExecutor:
    lane = FARM

    def __init__(self, address: str = "auto", slots: int | None = None) -> None:
        connect(address)
        self.address = address
        self.slots = slots or slot_count()
        self._lock = threading.Lock()
        self._busy: dict[str, int] = {}  # worker name -> jobs sent and not back
        self._handles: dict[str, Any] = {}  # worker name -> its actor
        self._jobs = itertools.count(1)
        self._prefix = f"{os.getpid()}-{int(time.time())}"

    # choosing a worker -------------------------------------------------------------

    def _worker(self, task: str, backend: str, context: JobContext) -> tuple[str, Any]:
        """The least busy worker of this backend, made when a slot has none yet.

        Each worker holds its slot for as long as it lives (that is what keeps
        its model loaded), so a backend that has no worker yet on a full farm
        takes the slot of an idle worker of another backend, whichever engine
        made it: the workers are looked up on the cluster, not remembered.
        """
        names = [f"{task}/{backend}/{n}" for n in range(self.slots)]
        while True:
            with self._lock:
                live = _live_workers()
                mine = [n for n in names if n in live]
                idle = [n for n in mine if self._busy.get(n, 0) == 0]
                fresh = next((n for n in names if n not in live), None)
                name = None
                if idle:
                    name = idle[0]
                elif fresh is not None and self._room_for_one(live, names):
                    name = fresh
                elif mine:  # every worker of this backend is busy: queue behind the least busy
                    name = min(mine, key=lambda n: self._busy.get(n, 0))
                if name is not None:
                    self._busy[name] = self._busy.get(name, 0) + 1
                    if name not in self._handles:
                        self._handles[name] = self._make(name, task, backend)
                    return name, self._handles[name]
            context.check_cancelled()
            time.sleep(POLL)

    def _room_for_one(self, live: set[str], ours: list[str]) -> bool:
        """Whether a new worker fits; an idle worker of another backend is let go to make room."""
        import ray

        if len(live) < self.slots:
            return True
        for name in sorted(live - set(ours)):
            if self._busy.get(name, 0):
                continue
            try:
                worker = ray.get_actor(name, namespace=NAMESPACE)
                if ray.get(worker.describe.remote(), timeout=5)["running"]:
                    continue
                ray.kill(worker, no_restart=True)
            except Exception:  # gone already, or not answering: not ours to wait for
                continue
            self._handles.pop(name, None)
            return True
        return False

    @staticmethod
    def _make(name: str, task: str, backend: str) -> Any:
        import ray

        options = {
            "name": name,
            "namespace": NAMESPACE,
            "get_if_exists": True,
            "max_restarts": -1,
            "max_task_retries": 0,
            "max_concurrency": 4,
            **worker_resources(),
        }
        return ray.remote(GenerationWorker).options(**options).remote(task, backend)

    def _free(self, name: str) -> None:
        with self._lock:
            self._busy[name] = max(0, self._busy.get(name, 0) - 1)

    # running --------------------------------------------------------------------------

    def run(self, spec: JobSpec, backend: str, context: JobContext) -> Output:
        inputs = {key: pack(spec.params[key]) for key in FILE_PARAMS & spec.params.keys() if spec.params[key]}
        for key in FILE_LIST_PARAMS & spec.params.keys():
            for n, item in enumerate(spec.params[key] or ()):
                inputs[f"{key}/{n}"] = pack(item["path"] if isinstance(item, dict) else item)
        sent = spec.to_json()
        lost: list[str] = []
        for attempt in range(RETRIES + 1):
            name, worker = self._worker(spec.task, backend, context)
            job = f"{self._prefix}-{next(self._jobs)}"
            try:
                result = self._wait(worker, worker.run.remote(job, sent, inputs), job, context)
            except _WorkerLost as error:
                lost.append(str(error))
                with self._lock:
                    self._handles.pop(name, None)  # asked for again by name: restarted, or made anew
                if attempt < RETRIES:
                    context.log(f"The farm worker {name} was lost ({error}); sending the job again")
                    self._await_restart(worker, context)
                continue
            finally:
                self._free(name)
            if result.get("cancelled"):
                raise JobCancelled("Cancelled")
            return self._land(result, context, name)
        raise GenerateError(f"The farm's worker was lost {len(lost)} times running this job: {lost[-1]}")

    def _wait(self, worker: Any, pending: Any, job: str, context: JobContext) -> dict[str, Any]:
        import ray
        from ray.exceptions import GetTimeoutError, RayActorError

        cancelled = False
        while True:
            ready, _ = ray.wait([pending], timeout=POLL)
            if context.is_cancelled() and not cancelled:
                cancelled = True
                worker.cancel.remote(job)
            try:
                if ready:
                    return ray.get(ready[0])
                state = ray.get(worker.progress.remote(job), timeout=5)
            except RayActorError as error:
                raise _WorkerLost(type(error).__name__) from None
            except GetTimeoutError:
                continue
            if state:
                for line in state.get("logs", ()):
                    context.log(line)
                fraction, stage = float(state["fraction"]), str(state["stage"])
                context.report(ProgressReport(fraction, stage, state["step"], state["steps"]))

    @staticmethod
    def _await_restart(worker: Any, context: JobContext, timeout: float = 120.0) -> None:
        """Until Ray has the worker back (a job sent while it restarts would be lost again); a worker
        that is gone for good (let go to make room) is made anew by the next ask instead."""
        import ray
        from ray.exceptions import ActorDiedError

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            context.check_cancelled()
            try:
                ray.get(worker.pid.remote(), timeout=5)
                return
            except ActorDiedError:
                return
            except Exception:  # still restarting: unavailable, or not answering yet
                time.sleep(POLL)

    @staticmethod
    def _land(result: dict[str, Any], context: JobContext, worker: str) -> Output:
        """The worker's files written into the job's scratch folder, where the cache takes them."""
        assert context.workdir is not None
        files: list[Path] = []
        for name, data in result["files"].items():
            out = context.workdir / name
            if context.workdir.resolve() not in out.resolve().parents:
                raise GenerateError(f"The farm sent a result outside its folder: {name}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            files.append(out)
        provenance = {**result.get("provenance", {}), "node": result.get("node", ""), "farm_worker": worker}
        return Output(files, provenance)


class _WorkerLost(Exception):
    """The worker died under the job (Ray restarts it)."""
