"""Saved projects damaged every way a disk, an editor or a hostile file can: never a crash.

Each example is a real Shotline project (picture and sound from a real file,
a cross-dissolve, gain, a marker), saved, then damaged: truncated, keys
deleted, values of the wrong type, schemas unknown, old or newer, numbers
huge, negative or NaN, nesting thousands deep, media paths pointing at a
folder, a device, a FIFO or a name with a newline. The file is then opened
in a child process (tests/support/project_worker.py) the three ways users
open a project: `shotline info`, the editor's File > Open and the engine's
`export` request. Each must end in success or Shotline's one-line typed
error; a native abort, a hang or any other exception is a crash.

The normal suite tries a bounded number of examples; `SHOTLINE_FUZZ=release`
tries forty times as many (README: "Bad input").
"""

from __future__ import annotations

import json
import os
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.media.reference import clips_for
from engine.project import edits, effects, markers, persistence, transitions
from engine.project.document import clip_id, new_project
from tests.support.editing import frames
from tests.support.fuzzing import fuzz_settings
from tests.support.mediagen import write_video
from tests.support.project_worker import CRASH, ProjectWorker

pytestmark = pytest.mark.fuzz

SCHEMAS = [
    "UnknownSchema.1",
    "Clip.0",
    "Clip.1",
    "Clip.3",
    "Timeline.9",
    "Track.0",
    "Gap.0",
    "Marker.1",
    "RationalTime.0",
    "TimeRange.2",
    "Frobnicator.1",
    "SerializableCollection.1",
    "Stack.1",
    "Test.1",
    "PluginManifest.1",
    "Clip",
    "",
    "Clip.99999999999999999999",
    "Transition.1",
    "ExternalReference.1",
]
NUMBERS = [
    0,
    -1,
    1,
    0.5,
    -0.0,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    10**29,
    1e308,
    -1e308,
    1e-300,
]
TOKENS = ["NaN", "Infinity", "-Infinity", "1e999", "1" * 400]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A project with real media, saved; and the strange things a media path may name."""
    folder = tmp_path_factory.mktemp("fuzz-project")
    media = write_video(folder / "shot.mp4", frames=48, rate=30, size=(64, 36), tone_hz=440)
    timeline = new_project("fuzz", rate=30, size=(64, 36))
    picture, sound = clips_for(media, 30)
    edits.append(timeline, {"V1": picture, "A1": sound})
    second, _ = clips_for(media, 30, source_start=12)
    edits.append(timeline, {"V1": second})
    transitions.add_cross_dissolve(timeline, "V1", frames(48), frames(6), alignment="end")
    effects.set_gain(timeline, clip_id(sound), -6)
    markers.add_marker(timeline, frames(10), "beat")
    persistence.save(timeline, folder / "base.otio")
    os.mkfifo(folder / "pipe")
    (folder / "a folder").mkdir()
    strange = [
        str(folder / "a folder"),
        "/dev/null",
        "/dev/zero",
        str(folder / "pipe"),
        str(folder / "new\nline.mp4"),
        "/nonexistent/shot.mp4",
        "file:///dev/zero",
        "x" * 5000,
        "\0",
        str(media),
    ]
    return folder, json.loads((folder / "base.otio").read_text()), strange


@pytest.fixture(scope="module")
def worker():
    running = ProjectWorker(timeout=60)
    yield running
    running.close()
    total = running.examples
    print(f"\nproject fuzz: {total} files x 3 ways, {running.counts}")


def _sites(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key, path
            yield from _sites(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield node, index, path
            yield from _sites(value, (*path, index))


def damage(data, strange: list[str], rng: random.Random, kind: str) -> str:
    sites = list(_sites(data))
    container, key, _ = rng.choice(sites)
    if kind == "delete":
        del container[key]
    elif kind == "number":
        container[key] = rng.choice(NUMBERS)
    elif kind == "retype":
        value = container[key]
        container[key] = rng.choice([str(value), [value], {"v": value}, None, True])
    elif kind == "schema":
        objects = [node for node, k, _ in sites if k == "OTIO_SCHEMA"]
        if objects:  # an earlier damage may have taken them all
            rng.choice(objects)["OTIO_SCHEMA"] = rng.choice(SCHEMAS)
    elif kind == "deep":
        container[key] = DEEP  # put in as text below: deeper than json.dumps itself can go
    elif kind == "media":
        refs = [node for node, k, _ in sites if k == "target_url"]
        if refs:
            rng.choice(refs)["target_url"] = rng.choice(strange)
    elif kind == "time":
        times = [
            node for node, k, _ in sites if k == "OTIO_SCHEMA" and str(node[k]).startswith("RationalTime.")
        ]
        if times:
            rng.choice(times)[rng.choice(["value", "rate"])] = rng.choice(NUMBERS)
    text = json.dumps(data)
    if kind == "deep":
        depth = rng.choice([10, 150, 199, 201, 900, 5000, 100_000])
        text = text.replace(json.dumps(DEEP), "[" * depth + "1" + "]" * depth, 1)
    if kind == "token":
        text = text.replace(
            rng.choice(['"value": ', '"rate": ', '"fade_in": ', '"gain": ']),
            '"value": ' + rng.choice(TOKENS) + ', "x": ',
            1,
        )
    if kind == "truncate":
        text = text[: rng.randrange(len(text))]
    return text


DEEP = "(nested deeply here)"
KINDS = ["delete", "number", "retype", "schema", "deep", "media", "time", "token", "truncate"]


@fuzz_settings(200)
@given(seed=st.integers(0, 2**32), kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3))
def test_a_damaged_project_opens_or_is_refused_in_one_line_every_way_in(
    base, worker, seed: int, kinds
) -> None:
    folder, saved, strange = base
    rng = random.Random(seed)
    data = json.loads(json.dumps(saved))
    text = ""
    for kind in kinds:
        text = damage(data, strange, rng, kind)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            break  # truncated, deep or holding a token: this text is the example
    path = folder / f"damaged-{seed}.otio"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        outcome = worker.check(path)
    finally:
        path.unlink()
    crashes = {way: value for way, value in outcome.items() if value.startswith(CRASH)}
    assert not crashes, (kinds, seed, crashes)


def test_the_undamaged_project_opens_and_exports_every_way(base, worker) -> None:
    folder, _, _ = base
    assert worker.check(folder / "base.otio") == {"info": "ok", "open": "ok", "export": "ok"}


def test_a_media_path_naming_a_folder_a_device_or_a_pipe_says_what_it_is(base, worker) -> None:
    folder, saved, _ = base
    for target, said in [
        (str(folder / "a folder"), "is a folder"),
        ("/dev/zero", "is a device"),
        (str(folder / "pipe"), "is a named pipe (FIFO)"),
    ]:
        data = json.loads(json.dumps(saved))
        for clip in data["tracks"]["children"][0]["children"]:
            for ref in (clip.get("media_references") or {}).values():
                ref["target_url"] = target
        path = folder / "strange.otio"
        path.write_text(json.dumps(data))
        outcome = worker.check(path)
        assert outcome["info"] == "ok" and outcome["open"] == "ok"  # offline, relinkable
        assert (
            outcome["export"].startswith("error: Cannot export: Clip shot: its media")
            and said in outcome["export"]
        )
