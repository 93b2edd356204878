"""`shotline generate-all PROJECT.otio`: every placeholder or stale shot and line, in one batch.

One progress bar for the whole batch on a terminal (jobs done of all);
each result becomes a take of its clip as soon as its job ends and the
project is saved atomically right then, so an interrupted run loses
nothing: the results stay in the project's cache (beside it), and a rerun
finds them there at once. The models are the project's own choice
(Sequence > Generate All Models… in the editor), each --use replacing it for
its task, and --backend for the --task it names.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from engine.cli.executors import add_engine_command, chosen_executor, said_traffic
from engine.cli.progress import ProgressBar
from engine.errors import GenerateError
from engine.export.mp4 import Progress
from engine.generate.generate_all import TASKS, generate_all
from engine.jobs.spec import default_cache_dir
from engine.project import persistence
from engine.project.document import Timeline
from engine.project.generate_models import CHOOSABLE, generate_models


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="the .otio project (saved in place)")
    parser.add_argument(
        "--only-missing", action="store_true", help="placeholders only, not stale shots or lines"
    )
    parser.add_argument(
        "--task",
        choices=TASKS,
        help="only shots (video.generate), keyframes as the shots' takes (image.generate) or lines of "
        "dialogue (voice.speak); default: shots and lines",
    )
    parser.add_argument("--backend", help="the backend of that task (default: each task's default)")
    parser.add_argument(
        "--anchors",
        action="store_true",
        help="each shot ends on the picture the next one starts from (its keyframe, or its first frame); "
        "needs a video model that can end on a given picture",
    )
    parser.add_argument(
        "--use",
        action="append",
        default=[],
        metavar="TASK=BACKEND[:MODEL]",
        help="the model a GPU uses for one task of the batch, e.g. image.edit=flux2-klein or "
        "video.generate=wan:wan2.2-i2v-a14b-lightning (a preset, hub id or local folder); once per task; "
        "default: the models chosen in the project",
    )
    parser.add_argument(
        "--farm", metavar="ADDR|auto", help="run on the Ray farm at ADDR, or the one `shotline farm up` made"
    )
    add_engine_command(parser)


def run(args: argparse.Namespace) -> int:
    if args.backend and not args.task:
        raise GenerateError("--backend needs --task: which task's backend it is")
    asked = chosen_models(args.use)
    path = Path(args.project).absolute()
    timeline = persistence.load(path).timeline
    models = project_models(timeline, args.task if args.backend else None) | asked
    bar = ProgressBar(sys.stderr, unit="jobs") if sys.stderr.isatty() else None
    began = time.monotonic()

    def progress(done: int, total: int) -> None:
        if bar is not None:
            elapsed = time.monotonic() - began
            eta = elapsed / done * (total - done) if done else None
            bar(Progress(done, total, elapsed, eta))

    executor = chosen_executor(args)
    try:
        report = generate_all(
            timeline,
            default_cache_dir(path),
            task=args.task,
            backend=args.backend,
            only_missing=args.only_missing,
            landed=lambda _what: persistence.save(timeline, path),
            progress=progress,
            executor=executor,
            anchors=args.anchors,
            models=models,
        )
    finally:
        if bar is not None:
            bar.finish()
        said_traffic(executor)
    seconds = time.monotonic() - began
    print(
        f"{path.name}: {len(report.shots)} shot(s) and {len(report.lines)} line(s) generated "
        f"({report.jobs} jobs, {report.cached} from the cache) in {seconds:.1f} s"
    )
    if report.failures:
        raise GenerateError(f"{len(report.failures)} failed: {'; '.join(report.failures)}")
    return 0


def project_models(timeline: Timeline, overridden: str | None) -> dict[str, dict[str, str]]:
    """The project's chosen models, less the task whose --backend the command line names;
    said on stderr so a run log shows which models made the shots."""
    models = {t: m for t, m in generate_models(timeline).items() if t != overridden}
    if models:
        said = ", ".join(
            f"{t}={m['backend']}" + (f":{m['model']}" if "model" in m else "") for t, m in models.items()
        )
        print(f"shotline generate-all: the project's models: {said}", file=sys.stderr)
    return models


def chosen_models(uses: list[str]) -> dict[str, dict[str, str]]:
    """--use TASK=BACKEND[:MODEL] as generate_all's models, or a GenerateError naming the wrong one."""
    models: dict[str, dict[str, str]] = {}
    for use in uses:
        task, _, rest = use.partition("=")
        backend, _, model = rest.partition(":")  # a model may be a path with a drive letter: split once
        task, backend = task.strip(), backend.strip()
        if task not in CHOOSABLE or not backend:
            raise GenerateError(
                f"--use {use!r}: say TASK=BACKEND[:MODEL] with TASK one of {', '.join(CHOOSABLE)}, "
                "like video.generate=wan:/models/wan-i2v"
            )
        models[task] = {"backend": backend, **({"model": model.strip()} if model.strip() else {})}
    return models
