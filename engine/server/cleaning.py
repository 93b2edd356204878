"""An engine's own leftovers cleaned by age: its result cache and the inputs clients sent it.

On a GPU box no project says which results are still wanted (the takes live
in the laptop's project cache once fetched), so the engine daemon removes
what nobody made or used for `KEEP_DAYS` days, with the same cleaner as a
project's unused takes (engine.results): a result fetched again, or an
input a new job asked for, counts as used. `shotline engine --clean DAYS`
does it at once with another age.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.jobs.spec import default_cache_dir
from engine.paths import data_dir
from engine.remote.store import ContentStore
from engine.results import remove_entries, unreferenced, unused_for

KEEP_DAYS = 30.0
DAY = 86400.0


@dataclass(frozen=True)
class Cleaned:
    results: int
    inputs: int
    freed: int  # bytes

    def line(self) -> str:
        return (
            f"Removed {self.results} results and {self.inputs} stored inputs: {self.freed / 1e6:.1f} MB freed"
        )


def clean_engine_data(days: float = KEEP_DAYS, now: float | None = None) -> Cleaned:
    """Remove this data folder's results and stored inputs unused for `days` days."""
    when = time.time() if now is None else now
    results = unused_for(unreferenced(default_cache_dir(), []), days * DAY, when)
    inputs = unused_for(ContentStore(data_dir() / "content").entries(), days * DAY, when)
    freed = remove_entries(results) + remove_entries(inputs)
    return Cleaned(len(results), len(inputs), freed)
