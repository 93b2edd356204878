"""`shotline generate`: the engine's generation jobs, headless, for scripts and render boxes.

Runs the same job queue, backends and cache as the engine process, in this
process, and copies the result to `-o`. `--list` says which tasks and
backends this machine has and whether each is ready.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from engine.cli.executors import add_engine_command, chosen_executor, said_traffic
from engine.cli.progress import ProgressBar
from engine.errors import GenerateError
from engine.export.mp4 import Progress
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.cache import CachedResult
from engine.jobs.progress import ProgressReport
from engine.jobs.spec import JobSpec


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list tasks and backends, and which are ready")
    parser.add_argument("--task", default="video.generate", help="what to make (default video.generate)")
    parser.add_argument("--prompt", default="", help="what the shot shows")
    parser.add_argument("--text", help="voice.speak: the words to speak")
    parser.add_argument("--voice", help="voice.speak: the voice (see --list; default: the backend's)")
    parser.add_argument("--speed", type=float, help="voice.speak: speaking speed, 1.0 normal")
    parser.add_argument("--negative-prompt", default="", help="what it must not show")
    parser.add_argument("--frames", type=int, help="exact number of frames of the shot (extend: to add)")
    parser.add_argument("--fps", help="frame rate, e.g. 24, 29.97 or 30000/1001 (default 30, or the input's)")
    parser.add_argument("--size", help="WIDTHxHEIGHT of the output (default 1280x720, or the input's)")
    parser.add_argument("--backend", help="backend name (default: the task's default; see --list)")
    parser.add_argument("--model", help="hub id or local folder of the model")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same result)")
    parser.add_argument("--steps", type=int, help="denoising steps (default: the model preset's)")
    parser.add_argument("--guidance", type=float, help="guidance scale (default: the model preset's)")
    parser.add_argument("--image", help="reference image for image-to-video")
    parser.add_argument(
        "--reference",
        action="append",
        metavar="[NAME=]PICTURE",
        help="image.edit: a reference picture, optionally named (Mara=mara.png); repeat for several",
    )
    parser.add_argument("--head", action="store_true", help="video.extend: add the frames before the clip")
    parser.add_argument("--fit", choices=("fit", "crop"), default="crop", help="conform a model's size by")
    parser.add_argument("--device", default="auto", help="cuda, mps, cpu or auto")
    parser.add_argument("--cpu-offload", action="store_true", help="offload model parts to RAM (small GPUs)")
    parser.add_argument("--vae-tiling", action="store_true", help="decode frames in tiles (small GPUs)")
    parser.add_argument("--dtype", default="auto", help="bfloat16, float16, float32 or auto")
    parser.add_argument("--duration", type=float, help="music.score: length in seconds (at 48 kHz)")
    parser.add_argument("--cuts", help="music.score: cut times in seconds from the start, T1,T2,...")
    parser.add_argument("--bpm", type=float, help="music.score: tempo (default: auto)")
    parser.add_argument("--key", help="music.score: key such as 'A minor' (default: auto)")
    parser.add_argument("--intensity", type=float, help="music.score: 0 (sparse) to 1 (full)")
    parser.add_argument("--no-hit-cuts", action="store_true", help="music.score: do not fit the cuts")
    parser.add_argument("--cache-dir", help="where results are cached (default: the per-user cache)")
    inpaint = parser.add_argument_group("video.inpaint")
    inpaint.add_argument("--input", help="video.inpaint / video.extend: the clip's media file")
    inpaint.add_argument("--mask", help="a PNG (white = region to fill) or a mask folder")
    inpaint.add_argument("--start", type=int, help="first source frame of the input (default 0)")
    inpaint.add_argument("--method", choices=("telea", "ns"), help="the opencv backend's spatial fill")
    inpaint.add_argument("--track", action="store_true", help="make the mask follow the content first")
    parser.add_argument("-o", "--output", help="file to write")
    parser.add_argument(
        "--farm", metavar="ADDR|auto", help="run on the Ray farm at ADDR, or the one `shotline farm up` made"
    )
    add_engine_command(parser)


class _Waiter:
    """Listens to one job and remembers how it ended."""

    def __init__(self, bar: ProgressBar | None) -> None:
        self.bar = bar
        self.ended = threading.Event()
        self.result: CachedResult | None = None
        self.error: str | None = None

    def progress(self, job_id: str, report: ProgressReport, eta: float | None) -> None:
        if self.bar is not None and report.steps:
            unit = "MB" if report.stage.endswith(" MB") else None  # a remote engine's transfer
            self.bar(Progress(report.step or 0, report.steps, 0.0, eta), unit)

    def log(self, job_id: str, text: str) -> None:
        print(text, file=sys.stderr)

    def done(self, job_id: str, result: CachedResult, cached: bool) -> None:
        self.result = result
        self.ended.set()

    def failed(self, job_id: str, message: str) -> None:
        self.error = message
        self.ended.set()

    def cancelled(self, job_id: str) -> None:
        self.error = "cancelled"
        self.ended.set()


def _list() -> int:
    registry = default_registry()
    for task in registry.tasks():
        print(task)
        for backend in registry.backends(task):
            readiness = backend.readiness()
            mark = "ready" if readiness.ready else "not ready"
            default = " (default)" if registry.default(task) == backend.name else ""
            print(f"  {backend.name:<14} {mark:<10} {backend.label}{default}: {readiness.reason}")
    return 0


def _tracked_mask(args: argparse.Namespace, folder: Path) -> str:
    """--track: the mask, painted on the first frame asked, follows the content through the frames asked.

    The tracked masks are written as a mask folder (the editor's format), so
    the job's cache key covers every tracked frame, and the folder is what
    the inpaint job reads.
    """
    from engine.masks.sequence import MaskSequence
    from engine.masks.track import track_mask
    from engine.media.probe import probe

    media = Path(args.input)
    if not media.is_file():
        raise GenerateError(f"{media} does not exist")
    info = probe(media)
    if info.video is None:
        raise GenerateError(f"{media.name} has no picture to inpaint")
    size = (info.video.width, info.video.height)
    start = args.start or 0
    count = args.frames if args.frames is not None else (info.video.frames or 0) - start
    mask_path = Path(args.mask)
    masks = MaskSequence.load(mask_path, size)
    if mask_path.is_file():  # one picture: it shows the object where the range starts
        masks = MaskSequence(masks.size, keys={start: masks.keys[0]})
    print(f"Tracking the mask through {count} frames", file=sys.stderr)
    track_mask(media, masks, start, count)
    masks.save(folder)
    return str(folder)


def _inpaint_params(args: argparse.Namespace, tracked_into: str | None = None) -> dict:
    """video.inpaint takes its frames, rate and size from the input; --frames and --start pick a part."""
    if not args.input:
        raise GenerateError("--input is required: the clip's media file to inpaint")
    if not args.mask:
        raise GenerateError("--mask is required: a PNG (white = region to fill) or a mask folder")
    params = {
        "input": args.input,
        "mask": _tracked_mask(args, Path(tracked_into)) if args.track and tracked_into else args.mask,
        "start": args.start,
        "frames": args.frames,
        "prompt": args.prompt,
        "negative_prompt": args.negative_prompt,
        "seed": args.seed,
        "steps": args.steps,
        "guidance": args.guidance,
        "method": args.method,
        **_model_params(args),
    }
    return {k: v for k, v in params.items() if v is not None}


def _model_params(args: argparse.Namespace, loads: bool = True) -> dict:
    """The model and how it loads, as every task's job takes them (music reads no offload or tiling)."""
    params = {
        "model": args.model,
        "device": args.device,
        "dtype": None if args.dtype == "auto" else args.dtype,
        "cache_dir": args.cache_dir,
    }
    if loads:
        params |= {"cpu_offload": args.cpu_offload, "vae_tiling": args.vae_tiling}
    return params


def _extend_params(args: argparse.Namespace) -> dict:
    """video.extend takes its rate and size from the clip unless told otherwise."""
    if not args.input:
        raise GenerateError("--input CLIP is required: the clip to extend")
    if args.frames is None:
        raise GenerateError("--frames N is required: how many frames to add")
    params = {"input": str(Path(args.input).absolute()), "frames": args.frames, "head": args.head}
    params |= {"rate": args.fps, "size": args.size}
    for key in ("prompt", "negative_prompt", "seed", "steps", "guidance"):
        params[key] = getattr(args, key)
    params |= _model_params(args)
    return {k: v for k, v in params.items() if v not in (None, "")}


def _params(args: argparse.Namespace) -> dict:
    if args.task == "video.extend":
        return _extend_params(args)
    if args.task == "voice.speak":
        from engine.generate.voice.timeline import cli_params

        return cli_params(args)
    if args.task == "video.inpaint":
        return _inpaint_params(args)
    if args.task == "music.score":
        return _score_params(args)
    if args.task in ("image.generate", "image.edit"):
        return _image_params(args)
    if args.frames is None:
        raise GenerateError("--frames is required: how many frames the shot has")
    params = {
        "prompt": args.prompt,
        "negative_prompt": args.negative_prompt,
        "frames": args.frames,
        "rate": args.fps or "30",
        "size": args.size or "1280x720",
        "seed": args.seed,
        "steps": args.steps,
        "guidance": args.guidance,
        "image": args.image,
        "fit": args.fit,
        **_model_params(args),
    }
    return {k: v for k, v in params.items() if v is not None}


def _image_params(args: argparse.Namespace) -> dict:
    """A still: its prompt, exact size (default 1280x720), seed, and for image.edit its references."""
    references = []
    for given in args.reference or []:
        name, _, path = given.rpartition("=") if "=" in given else ("", "", given)
        references.append(
            {"path": str(Path(path).absolute()), "name": name} if name else str(Path(path).absolute())
        )
    params = {
        "prompt": args.prompt,
        "negative_prompt": args.negative_prompt,
        "size": args.size or "1280x720",
        "seed": args.seed,
        "steps": args.steps,
        "guidance": args.guidance,
        "references": references or None,
        **_model_params(args),
    }
    return {k: v for k, v in params.items() if v is not None}


def _score_params(args: argparse.Namespace) -> dict:
    if args.duration is None:
        raise GenerateError("--duration is required: how many seconds of music")
    params = {
        "duration": args.duration,
        "cuts": args.cuts or [],
        "prompt": args.prompt,
        "negative_prompt": args.negative_prompt,
        "bpm": args.bpm,
        "key": args.key,
        "intensity": args.intensity,
        "hit_cuts": not args.no_hit_cuts,
        "seed": args.seed,
        "steps": args.steps,
        "guidance": args.guidance,
        **_model_params(args, loads=False),
    }
    return {k: v for k, v in params.items() if v is not None}


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list()
    if not args.output:
        raise GenerateError("-o OUTPUT is required")
    output = Path(args.output).absolute()
    if not output.parent.is_dir():
        raise GenerateError(f"The folder {output.parent} does not exist")
    with tempfile.TemporaryDirectory(prefix="shotline-mask-") as scratch:
        return _generate(args, output, scratch)


def _generate(args: argparse.Namespace, output: Path, scratch: str) -> int:
    params = _inpaint_params(args, scratch) if args.task == "video.inpaint" else _params(args)
    spec = JobSpec(args.task, params, backend=args.backend)
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    waiter = _Waiter(bar)
    executor = chosen_executor(args)
    jobs = generation_queue(default_registry(), waiter, executor=executor)
    try:
        jobs.submit(spec)
        while not waiter.ended.wait(0.2):
            pass
    except KeyboardInterrupt:
        jobs.shutdown(wait=True)
        raise
    finally:
        if bar is not None and waiter.ended.is_set():
            bar.finish()
    jobs.shutdown(wait=True)
    said_traffic(executor)
    if waiter.error is not None:
        raise GenerateError(waiter.error)
    assert waiter.result is not None
    produced = waiter.result.files[0]
    temp = output.with_name(f".{output.name}.part")
    try:
        shutil.copyfile(produced, temp)
        temp.replace(output)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise GenerateError(f"Cannot write {output}: {error.strerror or error}") from None
    return 0
