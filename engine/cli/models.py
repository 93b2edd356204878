"""`shotline models list|plan|download`: which models there are, what a card can run, and getting them.

`list` and `plan` read only the presets and the local hub cache (no torch,
no network). `download` fetches a preset's checkpoint with huggingface_hub's
`snapshot_download` (safetensors and configs only, never pickles), which
resumes a download that was cut off and shows the bytes, speed and time left;
with the hub offline it says so in one line and exits 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.errors import GenerateError
from engine.generate.catalog import CatalogEntry, catalog, disk_gb, downloaded, find, recommended
from engine.generate.model_download import download
from engine.generate.planner import CARD_SIZES, quantization_available


def add_args(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    listing = sub.add_parser("list", help="every preset: task, size on disk, VRAM need, licence, downloaded")
    listing.add_argument("--task", help="only this task's presets (video.generate, music.score...)")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    plan = sub.add_parser("plan", help="the plan per preset for a card of a given size")
    plan.add_argument("--vram", type=float, help="the card's memory in GB (default: the table for 8-80 GB)")
    plan.add_argument("--task", help="only this task's presets")
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    download = sub.add_parser("download", help="download a preset's model (resumable)")
    download.add_argument("preset", help="a preset name (see `shotline models list`) or its hub id")
    download.add_argument("--to", type=Path, help="a folder to download into (default: the hub cache)")


def run(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _list(args)
    if args.action == "plan":
        return _plan(args)
    return _download(args)


def _entries(task: str | None) -> list[CatalogEntry]:
    entries = [e for e in catalog() if task in (None, e.task)]
    if not entries:
        known = ", ".join(sorted({e.task for e in catalog()}))
        raise GenerateError(f"No presets for the task {task!r}; the tasks are: {known}")
    return entries


def _gb(value: float | None) -> str:
    return f"{value:.0f} GB" if value is not None else "?"


def _list(args: argparse.Namespace) -> int:
    rows = []
    for entry in _entries(args.task):
        full, least = entry.min_gb()
        snapshot = downloaded(entry.model)
        rows.append({
            "preset": entry.name, "task": entry.task, "backend": entry.backend, "model": entry.model,
            "download_gb": entry.download_gb, "on_disk_gb": round(disk_gb(snapshot), 3) if snapshot else None,
            "vram_gb": round(full) if full is not None else None,
            "vram_min_gb": round(least) if least is not None else None,
            "licence": entry.licence, "downloaded": snapshot is not None,
        })  # fmt: skip
    if args.json:
        print(json.dumps({"presets": rows}))
        return 0
    header = f"{'preset':30} {'task':15} {'size':>8}  {'VRAM (least)':>15}  {'downloaded':10}  licence"
    print(header)
    for row in rows:
        size = _gb(row["on_disk_gb"] if row["downloaded"] else row["download_gb"])
        vram = f"{_gb(row['vram_gb'])} ({_gb(row['vram_min_gb'])})"
        state = "yes" if row["downloaded"] else "no"
        licence = row["licence"] or "?"
        print(f"{row['preset']:30} {row['task']:15} {size:>8}  {vram:>15}  {state:10}  {licence}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    sizes = [args.vram] if args.vram else list(CARD_SIZES)
    if any(size <= 0 for size in sizes):
        raise GenerateError("--vram must be the card's memory in GB, such as 24")
    entries = [e for e in _entries(args.task) if e.footprint is not None]
    quantize = quantization_available()
    table: dict[str, dict] = {}
    for e in entries:  # a checkpoint two tasks drive (Wan VACE) keeps its first task's row; --task picks one
        table.setdefault(e.name, {f"{size:g}": e.plan(size).to_json() for size in sizes})
    tasks = sorted({e.task for e in entries})
    picks = {t: {f"{s:g}": getattr(recommended(t, s), "name", None) for s in sizes} for t in tasks}
    if args.json:
        print(json.dumps({"cards_gb": sizes, "plans": table, "recommended": picks, "quantization": quantize}))
        return 0
    width = max(28, *(len(e.name) for e in entries))
    for size in sizes:
        print(f"A {size:g} GB card:")
        for entry in entries:
            print(f"  {entry.name:{width}} {entry.plan(size).describe()}")
        for task in tasks:
            print(f"  recommended for {task}: {picks[task][f'{size:g}'] or 'none fits unchanged'}")
    if not quantize:
        print("8-bit weights are left out of the plans: torchao is not installed (shotline[quantize])")
    return 0


def _download(args: argparse.Namespace) -> int:
    entry = find(args.preset)
    from huggingface_hub import constants

    if not constants.HF_HUB_OFFLINE:
        size = f", about {entry.download_gb:.0f} GB" if entry.download_gb else ""
        where = str(args.to) if args.to else "the Hugging Face cache"
        print(f"Downloading {entry.model} ({entry.short_name}{size}) into {where}; run again to resume")
    path = download(entry, args.to)
    print(f"{entry.short_name}: downloaded to {path}")
    return 0
