"""Sequence > Add Voice-over and the inspector's "Speak again": text to voice clips, through the JobRunner.

One job per line (so each line has its row, progress and retry in the jobs
panel, and an unchanged line is a cache hit). The lines of one request land
together, as one undo step, on the first voice track (made when there is
none) one after another from where the playhead was when the user asked,
once every line's job has ended; a line that failed is left out, and if it
is retried and then succeeds it is placed after the others.

Speaking a clip again keeps its character and voice and makes a new take.
As with Regenerate Shot, the new take joins the clip outside the undo
history and switching to it is the undo step: undo plays the previous line
again (at its own length) and the new one stays in the takes list.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.generate.voice_dialog import VoiceDialog
from editor.generate.voice_ducking_dialog import DuckingDialog
from editor.inspector.take_switch import play_take
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.generate.voice.timeline import (
    place_voice_clips,
    voice_clip,
    voice_spec,
    voice_take,
)
from engine.jobs import titles
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin
from engine.project import document, provenance, roles, trackedit, voices
from engine.project.voices import CharacterVoice
from engine.render import ducking

TASK = "voice.speak"
LINE_PREFIX = "voice-line:"  # the runner's clip id for a line that has no clip yet


@dataclass
class _Batch:
    """The lines of one Add Voice-over request, waiting for all of them to end."""

    frame: int
    lines: list[str]
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)  # the runner's job of each line
    ended: set[int] = field(default_factory=set)
    placed: bool = False


class VoiceController(QObject):
    def __init__(self, context: EditorContext, runner: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._runner, self._window = context, runner, window
        self.dialog = VoiceDialog(window)
        self.ducking_dialog = DuckingDialog(window)
        self._numbers = itertools.count(1)
        self._batches: dict[int, _Batch] = {}
        context.actions.add("sequence.voiceover", "Add &Voice-over…", self.ask, "Sequence", "", "generate")
        context.actions.add("sequence.ducking", "&Ducking…", self.ask_ducking, "Sequence", "", "generate")
        runner.clipProgress.connect(self._line_progress)

    # Add Voice-over ---------------------------------------------------------------------------

    def ask(self) -> None:
        engine = self._runner.engine
        if not engine.running:
            engine.start()
        timeline = self._context.session.timeline
        self.dialog.set_backends(self._runner.backends(TASK))
        self.dialog.set_cast(voices.character_voices(timeline), self.dialog.chosen_character)
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.speak(self.dialog.script, self.dialog.chosen_character, self.dialog.chosen_voice())

    def speak(self, lines: list[str], character: str, voice: CharacterVoice) -> list[str]:
        """Queue one job per line; they land from the playhead's frame now. Returns the jobs' tokens."""
        if not lines:
            self._context.status.show("There is no text to speak")
            return []
        session = self._context.session
        if voices.character_voices(session.timeline).get(character) != voice:
            session.apply(voices.set_character_voice, character, voice)  # remembered in the project
        number = next(self._numbers)
        self._batches[number] = _Batch(self._context.playhead.frame, list(lines))
        cache = default_cache_dir(session.path)
        tokens = []
        for index, line in enumerate(lines):
            spec = voice_spec(line, character, voice, cache)
            on_done = self._line_done(number, index)
            title = spec["params"]["title"]
            token = self._runner.submit(spec, title, on_done, f"{LINE_PREFIX}{number}:{index}")
            self._batches[number].tokens[index] = token
            tokens.append(token)
        return tokens

    def _line_done(self, number: int, index: int) -> Callable[[dict[str, Any]], str]:
        def on_done(result: dict[str, Any]) -> str:
            batch = self._batches[number]
            batch.results[index] = result
            batch.ended.add(index)
            if batch.placed:  # a retried line after the others landed: it goes after them
                self._place(batch, [index])
                return "placed after the other lines"
            self._place_when_complete(number)
            return "spoken" + (" (from the cache)" if result.get("cached") else "")

        return on_done

    def _line_progress(self, ident: str, fraction: float) -> None:
        """A line's job ended: if it ended without a result (failed, cancelled), stop waiting for it."""
        if not ident.startswith(LINE_PREFIX) or fraction < 1.0:
            return
        number, index = (int(part) for part in ident.removeprefix(LINE_PREFIX).split(":"))
        # a success calls on_done right after this signal: look once it has had its turn
        QTimer.singleShot(0, lambda: self._line_ended(number, index))

    def _line_ended(self, number: int, index: int) -> None:
        batch = self._batches.get(number)
        job = self._runner.job(batch.tokens.get(index, "")) if batch is not None else None
        if job is not None and job.engine_job is not None:
            return  # the engine said 100% before sending the result: the line has not ended yet
        if batch is not None and not batch.placed:
            batch.ended.add(index)
            self._place_when_complete(number)

    def _place_when_complete(self, number: int) -> None:
        batch = self._batches[number]
        if batch.placed or len(batch.ended) < len(batch.lines):
            return
        batch.placed = True
        done = sorted(batch.results)
        if done:
            self._place(batch, done)
        missing = len(batch.lines) - len(done)
        if missing:
            self._context.status.show(f"{missing} line(s) could not be spoken: see the jobs panel to retry")

    def _place(self, batch: _Batch, indices: list[int]) -> None:
        session = self._context.session
        try:
            clips = [voice_clip(batch.results[i], session.rate) for i in indices]
        except ShotlineError as error:
            self._context.status.show(str(error))
            return
        session.apply_outside_history(media_bin.keep_clips, clips)  # before: undo must not drop them
        with session.group("Add Voice-over"):
            found = roles.role_tracks(session.timeline, roles.VOICE)
            if found:
                track = found[0].name
            else:
                added = session.apply(roles.add_role_track, roles.VOICE)
                if added is None:
                    return
                track = added.result
            change = session.apply(place_voice_clips, track, clips, batch.frame)
        if change is None:
            return
        batch.frame += sum(trackedit.duration_frames(c, session.rate) for c in clips)
        self._context.selection.set(change.result)
        self._context.status.show(f"{len(clips)} voice clip{'' if len(clips) == 1 else 's'} on {track}")

    # Speak again ---------------------------------------------------------------------------------

    def speak_again(self, ident: str, text: str) -> str | None:
        """A new take of voice clip `ident` saying `text`, with the voice its playing take has."""
        session = self._context.session
        try:
            _track, clip = document.find_clip(session.timeline, ident)
        except ShotlineError as error:
            self._context.status.show(str(error))
            return None
        made = provenance.read(clip.media_reference)
        if made is None or made.task != TASK:
            self._context.status.show("This clip is not a voice-over clip")
            return None
        character = str(made.extra.get("character") or "")
        voice = CharacterVoice(made.backend, str(made.extra.get("voice") or "") or None,
                               float(made.extra.get("speed") or 1.0),
                               str(made.extra.get("reference") or "") or None)  # fmt: skip
        title = titles.speak_again(character, text)
        spec = voice_spec(text, character, voice, default_cache_dir(session.path), title, clip_id=ident)

        def on_done(result: dict[str, Any]) -> str:
            # as Regenerate: the take joins the clip for good, and playing it is the undoable step
            reference, made, _frames = voice_take(result, session.rate)
            added = session.apply_outside_history(media_bin.add_generated_take, ident, reference, made)
            if added is None or not play_take(session, ident, added.result, "Speak Again"):
                raise ShotlineError("The clip is gone or locked; the take is kept in the cache")
            return f"{added.result} is playing"

        return self._runner.submit(spec, title, on_done, ident, reveal=False)  # pressed in the inspector

    # Ducking ------------------------------------------------------------------------------------

    def ask_ducking(self) -> None:
        session = self._context.session
        self.ducking_dialog.fill(ducking.duck_settings(session.timeline))
        if self.ducking_dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = self.ducking_dialog.settings()
        if chosen != ducking.duck_settings(session.timeline):
            session.apply(ducking.set_duck_settings, chosen)
