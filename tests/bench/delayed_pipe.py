"""A stand-in for a network between this side and a remote engine: every line is delayed one way.

    python tests/bench/delayed_pipe.py SECONDS COMMAND...

runs COMMAND and passes lines both ways, each delivered SECONDS after it
was read (as a network's latency does: lines in flight overlap, the
bandwidth is not limited), so a benchmark can show what round trips cost
a transfer over SSH.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time


def _carry(source, sink, delay: float) -> None:
    lines: queue.Queue[tuple[float, bytes | None]] = queue.Queue()

    def deliver() -> None:
        while True:
            due, line = lines.get()
            time.sleep(max(0.0, due - time.monotonic()))
            if line is None:
                sink.close()
                return
            sink.write(line)
            sink.flush()

    threading.Thread(target=deliver, daemon=True).start()
    for line in source:
        lines.put((time.monotonic() + delay, line))
    lines.put((time.monotonic() + delay, None))


def main() -> int:
    delay, command = float(sys.argv[1]), sys.argv[2:]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    back = threading.Thread(target=_carry, args=(child.stdout, sys.stdout.buffer, delay), daemon=True)
    back.start()
    _carry(sys.stdin.buffer, child.stdin, delay)
    back.join()
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
