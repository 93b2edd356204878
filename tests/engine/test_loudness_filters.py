"""The K-weighting filters run without scipy: exact against scipy's own filter, and never import it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import lfilter

from engine.render.biquad import Biquad, high_pass, high_shelf
from engine.render.loudness import describe, k_weighting

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("design", [high_shelf(4.0, 2**-0.5, 1500.0, 48000), high_pass(0.5, 38.0, 44100)])
def test_a_biquad_fed_in_uneven_blocks_equals_one_pass_of_scipy(design) -> None:
    b, a = design
    signal = np.random.default_rng(3).standard_normal((48000 * 2, 2))
    stage, out, at, sizes = Biquad(b, a, 2), [], 0, [1, 2, 255, 256, 257, 1000, 4800]
    while at < len(signal):
        step = sizes[len(out) % len(sizes)]
        out.append(stage(signal[at : at + step]))
        at += step
    expected = lfilter(b / a[0], a / a[0], signal, axis=0)
    assert np.max(np.abs(np.concatenate(out) - expected)) < 1e-8


def test_the_designs_are_bs1770s_coefficients_at_48_khz() -> None:
    """ITU-R BS.1770-4 lists both stages' coefficients at 48 kHz; the cookbook designs give them."""
    (shelf_b, shelf_a), (pass_b, pass_a) = k_weighting(48000)
    assert shelf_b / shelf_a[0] == pytest.approx(
        [1.53512485958697, -2.69169618940638, 1.19839281085285], abs=1e-3
    )
    assert shelf_a / shelf_a[0] == pytest.approx([1.0, -1.69065929318241, 0.73248077421585], abs=1e-3)
    assert pass_a / pass_a[0] == pytest.approx([1.0, -1.99004745483398, 0.99007225036621], abs=1e-4)
    assert pass_b / pass_a[0] == pytest.approx([1.0, -2.0, 1.0], abs=1e-2)


def test_playing_with_the_meters_never_imports_scipy() -> None:
    """Importing scipy holds the interpreter for a second or more: on the first play it cost the
    viewer a third of its frames. The meters and the export's meter must not need it."""
    script = (
        "import sys, numpy as np\n"
        "from engine.playback.meters import LevelMeter\n"
        "from engine.export import mp4\n"
        "meter = LevelMeter()\n"
        "tone = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(4800) / 48000)\n"
        "for _ in range(5):\n"
        "    meter.feed(np.stack([tone, tone], axis=1).astype(np.float32))\n"
        "assert abs(meter.reading().loudness + 6.0) < 0.5, meter.reading()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('scipy', 'pyloudnorm'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_export_notice_says_silent_and_unmeasured_apart() -> None:
    """A remote engine of an older version may answer without the figure: that is not silence."""
    assert describe(-23.04) == "-23.0 LUFS"
    assert describe(float("-inf")) == "silent"
    assert describe(float("nan")) == "not measured"
