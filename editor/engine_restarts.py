"""When to start the engine again after it died, and when to stop trying.

An engine that dies after it has worked (a crash mid-job, a kill, an
out-of-memory) is started again at once, so the user can press Retry. One
that dies at start (a broken AI environment, a missing library, a bad
engine command) would die again at once: restarting it straight away spun
about twenty times a second forever. So a death before the engine has
answered `initialize`, or within `FAST` seconds of its start, waits before
the next start, 0.5 s doubling to 30 s, and after `GIVE_UP_AFTER` of them
in a row the client stops and says why; the user retries by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_DELAY = 0.5  # seconds before restarting after the first death at start
LONGEST_DELAY = 30.0
FAST = 10.0  # seconds: a death sooner than this after start counts as failing to start
GIVE_UP_AFTER = 5  # deaths at start in a row


@dataclass
class RestartPolicy:
    failures: int = 0  # deaths at start in a row
    _started_at: float | None = None
    _answered: bool = False

    def started(self, now: float) -> None:
        self._started_at, self._answered = now, False

    def answered(self) -> None:
        """The engine answered `initialize`: it starts, whatever happens to it later."""
        self._answered = True

    def died(self, now: float) -> float | None:
        """Seconds to wait before starting again, or None to stop trying."""
        lived = now - self._started_at if self._started_at is not None else 0.0
        if self._answered and lived >= FAST:
            self.failures = 0
            return 0.0
        self.failures += 1
        if self.failures >= GIVE_UP_AFTER:
            return None
        return min(LONGEST_DELAY, FIRST_DELAY * 2 ** (self.failures - 1))

    def reset(self) -> None:
        """The user asked for a start: count again from nothing."""
        self.failures = 0
