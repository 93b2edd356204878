"""The voice-cloning backend where chatterbox-tts cannot be installed: listed, not ready, and says why.

chatterbox-tts 0.1.7 pins torch 2.6, diffusers 0.29 and numpy<2, so it cannot be
installed beside this environment's torch 2.13; the backend's model path is
untested here (engine/generate/voice/chatterbox.py says so). What is tested:
it is registered, reports why it is not ready, and a job asking for it fails
with that one line instead of a traceback.
"""

from __future__ import annotations

import importlib.util

import pytest

from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.generate.voice.chatterbox import ChatterboxVoiceBackend
from engine.jobs.spec import JobSpec
from tests.support.mediagen import write_audio
from tests.support.recorder import Recorder

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("chatterbox") is not None, reason="chatterbox-tts is installed here"
)


def test_chatterbox_is_offered_for_voice_speak_and_says_why_it_is_not_ready() -> None:
    names = [b.name for b in default_registry().backends("voice.speak")]
    assert "chatterbox" in names and default_registry().default("voice.speak") != "chatterbox"
    ready = ChatterboxVoiceBackend().readiness()
    assert not ready.ready and "pins torch 2.6" in ready.reason


def test_a_cloned_voice_job_fails_in_one_line_without_the_package(tmp_path) -> None:
    sample = write_audio(tmp_path / "tom.wav", seconds=4.0)
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    params = {"text": "Light the lamp.", "reference": str(sample), "cache_dir": str(tmp_path / "cache")}
    try:
        job = jobs.submit(JobSpec("voice.speak", params, backend="chatterbox"))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    [(_, _, message)] = recorder.of("failed", job)
    assert "chatterbox-tts" in message and "\n" not in message
