"""Open decoders for the clips a render reads, kept open between frames.

Playback and export read each clip forward frame after frame; a decoder that
stays open keeps its place and never seeks. Each clip gets its own decoders
(keyed by file and clip id), so a dissolve between two pieces of one file
does not make a single decoder jump back and forth. Only the most recently
used are kept open, so memory does not grow with the number of clips.

Not thread-safe: one `Sources` per render thread.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import opentimelineio as otio

from engine.errors import MediaError
from engine.media.audio import AudioReader
from engine.media.probe import probe
from engine.media.video import VideoDecoder
from engine.project import document, foreign
from engine.project.mediapaths import file_problem, path_from_url, shown

#: Decoders of each kind kept open at once (each holds a codec context and a few frames).
MAX_OPEN = 16

_Opened = TypeVar("_Opened", VideoDecoder, AudioReader)


def media_path(clip: otio.schema.Clip) -> Path:
    """The file a clip plays, or a MediaError that names the clip and what is wrong."""
    ref = clip.media_reference
    url = getattr(ref, "target_url", None)
    path = path_from_url(url) if url else None
    if path is None:  # every EDL clip, many AAF clips: offline until a relink finds their file
        raise MediaError(
            f"Clip {foreign.offline_name(clip)} is offline (it names no media file); "
            "relink it (shotline relink PROJECT --search FOLDER)"
        )
    problem = file_problem(path)
    if problem == "does not exist":
        raise MediaError(f"Clip {shown(clip.name or '(unnamed)')}: its media {shown(path)} is missing")
    if problem is not None:
        raise MediaError(f"Clip {shown(clip.name or '(unnamed)')}: its media {shown(path)} {problem}")
    return path


#: Opens a file's picture; the viewer passes one that reads proxies (engine.media.proxies.open_video).
VideoOpener = Callable[[Path], VideoDecoder]


class Sources:
    def __init__(self, max_open: int = MAX_OPEN, open_video: VideoOpener = VideoDecoder) -> None:
        self.max_open = max_open
        self.open_video = open_video
        self._video: OrderedDict[Hashable, VideoDecoder] = OrderedDict()
        self._audio: OrderedDict[Hashable, AudioReader | None] = OrderedDict()

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for opened in (*self._video.values(), *self._audio.values()):
            if opened is not None:
                opened.close()
        self._video.clear()
        self._audio.clear()

    @staticmethod
    def _key(clip: otio.schema.Clip, path: Path) -> Hashable:
        ident = clip.metadata.get("shotline", {}).get("id") or id(clip)
        return (str(path), ident)

    def video(self, clip: otio.schema.Clip) -> VideoDecoder:
        path = media_path(clip)
        return self._get(self._video, self._key(clip, path), lambda: self.open_video(path), clip)

    def audio(self, clip: otio.schema.Clip) -> AudioReader | None:
        """The clip's sound, or None when its file has none (a silent clip on an audio track)."""
        path = media_path(clip)

        def open_reader() -> AudioReader | None:
            if not _has_sound(path):
                return None
            return AudioReader(path, document.AUDIO_SAMPLE_RATE)

        return self._get(self._audio, self._key(clip, path), open_reader, clip)

    def _get(self, pool: OrderedDict, key: Hashable, opener: Callable[[], object], clip: otio.schema.Clip):
        if key in pool:
            pool.move_to_end(key)
            return pool[key]
        try:
            opened = opener()
        except MediaError as error:
            raise MediaError(f"Clip {clip.name or '(unnamed)'}: {error}") from None
        pool[key] = opened
        while len(pool) > self.max_open:
            _, evicted = pool.popitem(last=False)
            if evicted is not None:
                evicted.close()
        return opened


def _has_sound(path: Path) -> bool:
    return probe(os.fspath(path)).audio is not None
