"""Shared fixtures: every test runs headless, single-threaded and offline."""

from __future__ import annotations

import gc
import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(autouse=True)
def _garbage_is_collected_on_the_main_thread():
    """As the editor does (editor/collector.py): a worker thread that happens to run the cyclic
    collector would destroy the Qt objects of an earlier test's window there and deadlock."""
    gc.disable()
    yield
    gc.collect(0)  # with collection off, all of the test's garbage is still in the youngest generation


@pytest.fixture(autouse=True)
def _prompts_answer_without_blocking(monkeypatch):
    """A window left with unsaved changes is closed at a test's end; its Save/Discard/Cancel
    prompt would wait forever. Tests discard and keep journals unless they answer themselves."""
    prompts = sys.modules.get("editor.project.prompts")  # loaded only where an editor test is
    if prompts is not None:
        monkeypatch.setattr(prompts, "ask_save_changes", lambda *_args: "discard")
        monkeypatch.setattr(prompts, "ask_restore", lambda *_args: "later")


@pytest.fixture(autouse=True, scope="session")
def _clipboard_is_let_go_at_the_end():
    """As the editor does when it quits (editor/app.py): Shotline's clips on Qt's clipboard would
    be deleted by Qt after Python has finalized, which crashes the test process on exit."""
    yield
    clipboard = sys.modules.get("editor.timeline.clipboard")
    if clipboard is not None:
        clipboard.let_go()
