"""`shotline setup-ai`: give the AI engine its own environment with the PyTorch build for this GPU.

shotline setup-ai                     detect the GPU, install, verify, and point the editor at it
shotline setup-ai --dry-run [--gpu "nvidia driver 550"]   say what would be installed and why
shotline setup-ai --repair            re-verify, reinstall what is broken
shotline setup-ai --reset             remove the environment
"""

from __future__ import annotations

import argparse
import time

from engine.errors import ShotlineError
from engine.setup_ai import gpu as gpus
from engine.setup_ai import record as records
from engine.setup_ai.installer import Installer
from engine.setup_ai.source import shotline_source
from engine.setup_ai.torch_build import choose


def add_args(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--dry-run", action="store_true", help="print what would be installed and why; change nothing"
    )
    what.add_argument(
        "--repair", action="store_true", help="re-verify the environment and reinstall what is broken"
    )
    what.add_argument("--reset", action="store_true", help="remove the AI engine's environment")
    parser.add_argument(
        "--gpu",
        metavar="TEXT",
        help="state the GPU instead of detecting it: 'nvidia driver 550', 'nvidia cuda 12.8', "
        "'amd rocm 6.4', 'apple', 'none'",
    )
    parser.add_argument(
        "--torch-index",
        metavar="URL|FOLDER",
        help="install torch from this package index or folder of wheels (a mirror) "
        "instead of PyTorch's index for the build",
    )


def run(args: argparse.Namespace) -> int:
    installer = Installer(
        build=choose(gpus.parse_stated(args.gpu) if args.gpu else gpus.detect()),
        torch_source=args.torch_index,
    )
    if args.reset:
        removed = installer.reset()
        print(
            f"Removed the AI engine's environment ({installer.base})"
            if removed
            else "The AI engine was not set up: nothing to remove"
        )
        return 0
    if args.dry_run:
        _describe(installer)
        return 0
    _describe(installer, heading="Setting up the AI engine")
    installer.progress = lambda number, total, what: print(f"[{number}/{total}] {what}", flush=True)
    started = time.monotonic()
    made = installer.repair() if args.repair else installer.setup()
    took = time.monotonic() - started
    print(
        f"The AI engine is set up: torch {made.torch} ({made.device}) in {installer.env}, "
        f"verified in {took:.0f} s; the editor starts its engine from it"
    )
    return 0


def _describe(installer: Installer, heading: str = "Dry run: nothing is installed") -> None:
    build = installer.build
    try:
        source = str(shotline_source())
    except ShotlineError as error:
        source = f"(not found: {error})"
    lines = [
        f"{heading}.",
        f"  GPU:     {build.reasons[0]}",
        f"  torch:   {build.install_line()}  (runs on {build.device})",
        *[f"  why:     {reason}" for reason in build.reasons[1:2]],
        *[f"           {reason}" for reason in build.reasons[2:]],
        f"  then:    shotline[ai] (diffusers, transformers, accelerate, …) editable from {source}",
        f"  into:    {installer.env}",
        f"  with:    {installer.tool()}",
        "  verify:  the engine started from it answers initialize and renders a tiny random-weight model",
    ]
    if installer.torch_source:
        lines.insert(3, f"  from:    {' '.join(installer.torch_args())} (instead of PyTorch's index)")
    made = records.read_record(installer.base)
    if made is not None:
        lines.append(f"  now:     torch {made.torch} ({made.device}), verified {made.verified}")
    print("\n".join(lines))
