"""How many examples the fuzz tests try: a bounded number in the normal suite, many more before a release.

`SHOTLINE_FUZZ=release` multiplies every fuzz test's examples (README:
"Bad input"); the tests are marked `fuzz`, so `pytest -m fuzz` runs just them.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Examples per fuzz test in a release run, as a multiple of the normal suite's.
RELEASE_FACTOR = 40


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for `examples` examples (times RELEASE_FACTOR in a release run)."""
    if os.environ.get("SHOTLINE_FUZZ") == "release":
        examples *= RELEASE_FACTOR
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=os.environ.get("SHOTLINE_FUZZ") != "release",
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
