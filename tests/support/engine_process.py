"""A minimal line-by-line JSON-RPC client for tests: what any script driving the engine does."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class EngineProcess:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        self.errors: list[str] = []  # what the engine wrote on stderr (read, so a full pipe never blocks it)
        self._incoming: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            line = raw.decode()
            self.lines.append(line)
            self._incoming.put(json.loads(line))

    def _read_errors(self) -> None:
        for raw in self.process.stderr:
            self.errors.append(raw.decode(errors="replace"))
            del self.errors[:-200]

    def send_raw(self, text: str | bytes) -> None:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        self.process.stdin.write(data + b"\n")
        self.process.stdin.flush()

    def request(
        self, method: str, params: dict[str, Any] | None = None, timeout: float = 60
    ) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        self.send_raw(json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params or {}}))
        return self.wait_for(lambda m: m.get("id") == ident, timeout)

    def wait_for(self, match, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        kept: list[dict[str, Any]] = []
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no matching message in {timeout} s; saw {kept[-5:]}")
                try:
                    message = self._incoming.get(timeout=left)
                except queue.Empty:
                    continue
                if match(message):
                    return message
                kept.append(message)
        finally:
            for message in kept:
                self._incoming.put(message)

    def notification(self, method: str, job: str, timeout: float = 60) -> dict[str, Any]:
        return self.wait_for(lambda m: m.get("method") == method and m["params"].get("job") == job, timeout)

    def ended(self, job: str, timeout: float = 60) -> dict[str, Any]:
        return self.wait_for(
            lambda m: m.get("method") in ("done", "failed", "cancelled") and m["params"].get("job") == job,
            timeout,
        )

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
