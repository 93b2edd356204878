"""Whatever bytes are in a project file, opening it gives a project or one readable error."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import opentimelineio as otio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import ProjectFileError
from engine.project import edits, effects, markers, persistence, transitions
from engine.project.document import clip_id
from tests.support.editing import av_shot, frames, project, shot
from tests.support.fuzzing import fuzz_settings

pytestmark = pytest.mark.fuzz


def valid_project_json() -> str:
    timeline = project()
    video, audio = av_shot("talk", 40, start=10)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.append(timeline, {"V1": shot("b", 30, start=20)})
    transitions.add_cross_dissolve(timeline, "V1", frames(40), frames(8))
    effects.set_gain(timeline, clip_id(audio), -6)
    markers.add_marker(timeline, frames(12), "beat")
    return otio.adapters.write_to_string(timeline)


VALID = valid_project_json()
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def open_bytes(tmp: Path, data: bytes) -> None:
    path = tmp / "fuzz.otio"
    path.write_bytes(data)
    try:
        loaded = persistence.load(path)
    except ProjectFileError as error:
        assert "fuzz.otio" in str(error)
        return
    assert isinstance(loaded.timeline, otio.schema.Timeline)


def _paths(node):
    """Every (container, key) in a JSON tree, to pick mutation sites from."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield node, k
            yield from _paths(v)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield node, i
            yield from _paths(v)


FUZZ = fuzz_settings(250)


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    open_bytes(tmp_path, data)


@FUZZ
@given(
    cut=st.integers(0, len(VALID)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.characters()), max_size=4),
)
def test_truncated_and_flipped_projects(tmp_path: Path, cut: int, flips) -> None:
    text = list(VALID)
    for index, char in flips:
        text[index] = char
    open_bytes(tmp_path, "".join(text)[: max(cut, 1)].encode("utf-8", "surrogatepass"))


@FUZZ
@given(seed=st.integers(0, 2**32), value=JSON_VALUES, action=st.sampled_from(["delete", "replace", "retype"]))
def test_structurally_mutated_projects(tmp_path: Path, seed: int, value, action: str) -> None:
    data = json.loads(VALID)
    sites = list(_paths(data))
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 3)):
        container, key = rng.choice(sites)
        if action == "delete":
            if isinstance(container, dict):
                container.pop(key, None)
            elif key < len(container):
                container.pop(key)
        elif action == "replace":
            if isinstance(container, dict) or key < len(container):
                container[key] = copy.deepcopy(value)
        elif (isinstance(container, dict) and key in container) or (
            isinstance(container, list) and key < len(container)
        ):
            current = container[key]
            container[key] = str(current) if not isinstance(current, str) else [current]
        sites = list(_paths(data))
    open_bytes(tmp_path, json.dumps(data).encode())
