"""Painting the timeline from its layout: ruler, rows, clips with pictures or waveforms, overlays.

Only what is on screen is drawn: each row hands over the clips overlapping
the visible frames, and thumbnails and peaks come from the preview cache
(or are asked for and drawn later), so a paint costs the same for 50 clips
as for 5,000.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF

from editor.timeline import headers, keyframe_marks
from editor.timeline.geometry import HEADER_WIDTH, RULER_HEIGHT, TimelineGeometry
from editor.timeline.hits import row_top
from editor.timeline.layout import ClipBox, CompoundBox, Row, TimelineLayout
from editor.timeline.previews import PreviewCache
from engine.media.waveform import DEFAULT_SAMPLES_PER_PEAK
from engine.project.document import AUDIO_SAMPLE_RATE, VIDEO
from engine.project.times import timecode

BACKGROUND = QColor("#1b1c1f")
LANE = QColor("#222326")
VIDEO_CLIP = QColor("#4a6fa5")
AUDIO_CLIP = QColor("#3f8f6b")
GENERATED_BADGE = QColor("#c28b2c")
PLACEHOLDER = QColor("#6b6558")
STALE, STALE_BADGE = "STALE", QColor(222, 140, 30)  # as the Storyboard's stale cards
PLAYHEAD = QColor("#e0524c")
OFFLINE = QColor("#7a2626")
COMPOUND = QColor("#6d5599")  # nested sequences: violet, as no footage or generated clip is
COMPOUND_LANE = QColor("#b8a6e0")
SELECTED_EDGE = QColor("#f4f4f4")
WAVE = QColor("#bfe8d2")
DUCK_LINE = QColor("#f2c14e")
LABEL_BAND = 15
THUMB_HEIGHT = 36  # pixels asked of the decoder; drawn scaled to the lane
PEAKS_PER_SECOND = AUDIO_SAMPLE_RATE / DEFAULT_SAMPLES_PER_PEAK
MARKER_COLORS = {
    "RED": "#e0524c",
    "PINK": "#e56fb0",
    "ORANGE": "#e8913c",
    "YELLOW": "#e6d04a",
    "GREEN": "#5cc46a",
    "CYAN": "#4fc6d6",
    "BLUE": "#4a86e0",
    "PURPLE": "#9a6fe0",
    "MAGENTA": "#d64fd6",
    "BLACK": "#111111",
    "WHITE": "#f0f0f0",
}


@dataclass(frozen=True)
class Ghost:
    """Where something being dragged would land."""

    track: str
    start: int
    end: int
    label: str = ""


@dataclass
class Overlay:
    ghosts: list[Ghost] = field(default_factory=list)
    note: str = ""  # the drag's tooltip: the delta in frames and timecode
    note_at: QPointF | None = None
    band: QRectF | None = None  # rubber band
    line: int | None = None  # a frame to mark (roll, razor, snap)


@dataclass
class Scene:
    layout: TimelineLayout
    geometry: TimelineGeometry
    rate: float
    width: int
    height: int
    playhead: int
    selected: set[str]
    targeted: set[str]
    previews: PreviewCache | None
    overlay: Overlay | None = None
    jobs: dict[str, float] = field(default_factory=dict)  # clip id -> progress of its generation job
    duck: DuckEnvelope | None = None  # music under voice-over, drawn as a gain line on music clips
    patched: set[str] = field(default_factory=set)  # tracks the source viewer's V and A go to
    marks: tuple[int | None, int | None] = (None, None)  # the timeline's in and (inclusive) out
    selected_compound: tuple[str, int] | None = None  # (track, start) of the selected nested sequence


@dataclass(frozen=True)
class DuckEnvelope:
    """Where the music tracks duck: their names and the duck gain (dB) at sample positions."""

    music: frozenset[str]
    amount_db: float
    gain_db: Callable[[np.ndarray], np.ndarray]


def duck_envelope(timeline: object) -> DuckEnvelope | None:
    """The timeline's duck line, or None when nothing ducks (no music, no voice, or ducking off)."""
    from engine.project.roles import MUSIC, role_tracks
    from engine.render import ducking

    settings = ducking.duck_settings(timeline)
    music = frozenset(t.name for t in role_tracks(timeline, MUSIC))
    spans = ducking.voice_spans(timeline)
    if not (settings.enabled and music and spans):
        return None
    return DuckEnvelope(
        music, settings.amount_db, lambda at: -settings.amount_db * ducking.depth_at(spans, settings, at)
    )


def _small(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    return small


def paint(painter: QPainter, scene: Scene, font: QFont, playhead: bool = True) -> None:
    """The whole timeline; without `playhead`, all but the playhead and its timecode, which
    `paint_playhead` then draws over it (the view keeps that picture while only the playhead moves)."""
    painter.fillRect(QRectF(0, 0, scene.width, scene.height), BACKGROUND)
    painter.setFont(_small(font))
    first, last = scene.geometry.visible_frames(scene.width)
    painter.save()
    painter.setClipRect(QRectF(0, RULER_HEIGHT, scene.width, scene.height - RULER_HEIGHT))
    for row in scene.layout.rows:
        top = row_top(row, scene.geometry)
        if top + row.height < RULER_HEIGHT or top > scene.height:
            continue
        _paint_row(painter, scene, row, top, first, last)
    if scene.marks != (None, None):
        painter.save()
        painter.setClipRect(QRectF(HEADER_WIDTH, RULER_HEIGHT, scene.width - HEADER_WIDTH, scene.height))
        _paint_marks(painter, scene, scene.height - RULER_HEIGHT, MARKED_TRACKS, RULER_HEIGHT, lines=False)
        painter.restore()
    if scene.overlay is not None:
        _paint_overlay(painter, scene, scene.overlay)
    painter.restore()
    _paint_ruler(painter, scene, first, last)
    if playhead:
        _paint_timecode(painter, scene)
        _paint_playhead(painter, scene)
    if scene.overlay is not None and scene.overlay.note:
        _paint_note(painter, scene, scene.overlay)
    if scene.previews is not None:
        scene.previews.flush()


def clip_rect(box: ClipBox, row: Row, geometry: TimelineGeometry) -> QRectF:
    top = row_top(row, geometry)
    left, right = geometry.x_of(box.start), geometry.x_of(box.end)
    return QRectF(left, top + 2, max(1.0, right - left - 1), row.height - 5)


# ruler and playhead -----------------------------------------------------------------


def _label_step(rate: float, pixels_per_frame: float) -> int:
    """Frames between ruler labels: a round number of frames or seconds at least 90 px apart."""
    for frames in (1, 2, 5, 10):
        if frames * pixels_per_frame >= 90 and frames < rate:
            return frames
    for seconds in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if seconds * rate * pixels_per_frame >= 90:
            return round(seconds * rate)
    return round(7200 * rate)


MARK_COLOR = QColor("#6f9be0")
MARKED_RULER = QColor(111, 155, 224, 90)
MARKED_TRACKS = QColor(111, 155, 224, 22)


def _paint_marks(
    painter: QPainter, scene: Scene, height: float, fill: QColor, top: float = 0, lines: bool = True
) -> None:
    """The in/out range a three-point edit fills, shaded as Premiere shades it; each mark as a line."""
    in_point, out_point = scene.marks
    g = scene.geometry
    if in_point is not None and out_point is not None:
        left, right = g.x_of(in_point), g.x_of(out_point + 1)
        painter.fillRect(QRectF(left, top, right - left, height), fill)
    if not lines:
        return
    painter.setPen(QPen(MARK_COLOR, 2))
    for edge in (in_point, None if out_point is None else out_point + 1):
        if edge is not None:
            x = g.x_of(edge)
            painter.drawLine(QPointF(x, top), QPointF(x, top + height))


def _paint_ruler(painter: QPainter, scene: Scene, first: int, last: int) -> None:
    g = scene.geometry
    painter.fillRect(QRectF(0, 0, scene.width, RULER_HEIGHT), QColor("#26282b"))
    painter.fillRect(QRectF(0, 0, HEADER_WIDTH, RULER_HEIGHT), QColor("#2a2c30"))
    step = _label_step(scene.rate, g.pixels_per_frame)
    minor = max(1, step // 5) if step >= 5 else 1
    frame = first - first % step
    painter.setClipRect(QRectF(HEADER_WIDTH, 0, scene.width - HEADER_WIDTH, RULER_HEIGHT))
    ticks: list[QLineF] = []
    while frame < last:
        x = g.x_of(frame)
        painter.setPen(QColor("#b8bbc0"))
        painter.drawText(QPointF(x + 3, RULER_HEIGHT - 12), timecode(frame, scene.rate))
        ticks.append(QLineF(x, RULER_HEIGHT - 9, x, RULER_HEIGHT))
        if minor * g.pixels_per_frame >= 6:
            for m in range(minor, step, minor):
                xm = g.x_of(frame + m)
                ticks.append(QLineF(xm, RULER_HEIGHT - 4, xm, RULER_HEIGHT))
        frame += step
    _paint_marks(painter, scene, RULER_HEIGHT, MARKED_RULER)
    painter.setPen(QColor("#6c6f75"))
    painter.drawLines(ticks)
    for mark in scene.layout.markers:
        if first - 2 <= mark.frame <= last:
            x = g.x_of(mark.frame)
            color = QColor(MARKER_COLORS.get(mark.color.upper(), "#e6d04a"))
            painter.setPen(QPen(color.darker(150), 1))
            painter.setBrush(color)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x - 5, 2),
                        QPointF(x + 5, 2),
                        QPointF(x + 5, 9),
                        QPointF(x, 14),
                        QPointF(x - 5, 9),
                    ]
                )
            )
    painter.setClipping(False)


def _paint_timecode(painter: QPainter, scene: Scene) -> None:
    painter.fillRect(QRectF(0, 0, HEADER_WIDTH, RULER_HEIGHT), QColor("#2a2c30"))
    painter.setPen(QColor("#e8e8e8"))
    painter.drawText(
        QRectF(6, 0, HEADER_WIDTH - 8, RULER_HEIGHT),
        Qt.AlignmentFlag.AlignVCenter,
        timecode(scene.playhead, scene.rate),
    )


def paint_playhead(painter: QPainter, scene: Scene, font: QFont) -> None:
    """The playhead and its timecode, over a timeline painted with `paint(..., playhead=False)`."""
    painter.setFont(_small(font))
    _paint_timecode(painter, scene)
    _paint_playhead(painter, scene)


def _paint_playhead(painter: QPainter, scene: Scene) -> None:
    x = scene.geometry.x_of(scene.playhead)
    if x < HEADER_WIDTH or x > scene.width:
        return
    painter.setPen(QPen(PLAYHEAD, 1.5))
    painter.drawLine(QLineF(x, 0, x, scene.height))
    painter.setBrush(PLAYHEAD)
    painter.drawPolygon(QPolygonF([QPointF(x - 6, 14), QPointF(x + 6, 14), QPointF(x, RULER_HEIGHT - 2)]))


# rows ------------------------------------------------------------------------------------


def _paint_row(painter: QPainter, scene: Scene, row: Row, top: float, first: int, last: int) -> None:
    lane = LANE.darker(115) if row.flags.locked else LANE
    painter.fillRect(QRectF(HEADER_WIDTH, top, scene.width - HEADER_WIDTH, row.height - 1), lane)
    painter.save()
    painter.setClipRect(QRectF(HEADER_WIDTH, max(top, RULER_HEIGHT), scene.width - HEADER_WIDTH, row.height))
    for box in row.visible(first, last):
        _paint_clip(painter, scene, row, box)
    for compound in row.compounds:
        if compound.end > first and compound.start < last:
            _paint_compound(painter, scene, row, compound)
    for transition in row.transitions:
        _paint_transition(
            painter, scene, row, top, transition.cut - transition.before, transition.cut + transition.after
        )
    if row.flags.locked:
        painter.fillRect(
            QRectF(HEADER_WIDTH, top, scene.width - HEADER_WIDTH, row.height - 1),
            QBrush(QColor(0, 0, 0, 60), Qt.BrushStyle.FDiagPattern),
        )
    painter.restore()
    headers.paint(painter, row, top, row.track in scene.targeted, row.track in scene.patched)


def _paint_clip(painter: QPainter, scene: Scene, row: Row, box: ClipBox) -> None:
    rect = clip_rect(box, row, scene.geometry)
    selected = box.ident in scene.selected
    base = VIDEO_CLIP if box.kind == VIDEO else AUDIO_CLIP
    if box.placeholder:
        base = PLACEHOLDER  # waiting for its first take: the storyboard's paper, not offline red
    elif box.offline:
        base = OFFLINE
    if selected:
        base = base.lighter(135)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(base)
    painter.drawRoundedRect(rect, 3, 3)
    body = rect.adjusted(1, LABEL_BAND, -1, -1)
    visible = body.intersected(QRectF(HEADER_WIDTH, 0, scene.width - HEADER_WIDTH, scene.height))
    if box.placeholder:
        painter.fillRect(body, QBrush(QColor("#8f8878"), Qt.BrushStyle.Dense6Pattern))
    elif box.offline:
        painter.fillRect(body, QBrush(QColor("#e05050"), Qt.BrushStyle.BDiagPattern))
    elif scene.previews is not None and box.path and visible.width() > 0:
        if box.kind == VIDEO:
            _paint_thumbnails(painter, scene, box, body, visible)
        else:
            _paint_waveform(painter, scene, box, body, visible)
    if box.fades != (0, 0):
        _paint_fades(painter, scene, box, rect)
    if scene.duck is not None and box.track in scene.duck.music and visible.width() > 0:
        _paint_duck(painter, scene, scene.duck, body, visible)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(SELECTED_EDGE if selected else QColor("#0f1012"), 2 if selected else 1))
    painter.drawRoundedRect(rect, 3, 3)
    _paint_label(painter, box, rect, scene)
    if box.transform_keys or box.ramp_keys:
        x_of = lambda offset: scene.geometry.x_of(box.start + offset)  # noqa: E731
        keyframe_marks.paint(painter, rect, x_of, box.transform_keys, box.ramp_keys)
    if box.ident in scene.jobs:
        _paint_job(painter, rect, scene.jobs[box.ident])


def _paint_compound(painter: QPainter, scene: Scene, row: Row, compound: CompoundBox) -> None:
    """A nested sequence as one block: a stacked edge, its name, and a thin lane per inner track
    showing where its clips are, so it reads as a sequence inside a sequence, not as empty track."""
    g = scene.geometry
    top = row_top(row, g)
    left, right = g.x_of(compound.start), g.x_of(compound.end)
    rect = QRectF(left, top + 4, max(1.0, right - left - 1), row.height - 7)
    painter.setPen(QPen(COMPOUND.darker(170), 1))
    painter.setBrush(COMPOUND.darker(130))
    painter.drawRoundedRect(rect.translated(0, -2).adjusted(3, 0, -3, 0), 3, 3)  # the card behind
    painter.setBrush(COMPOUND)
    if scene.selected_compound == (row.track, compound.start):
        painter.setPen(QPen(QColor("#ffffff"), 2))  # selected, as a selected clip is outlined
    painter.drawRoundedRect(rect, 3, 3)
    body = rect.adjusted(3, LABEL_BAND + 1, -3, -3)
    if compound.lanes and body.height() > 2:
        lane = body.height() / len(compound.lanes)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(COMPOUND_LANE)
        for i, spans in enumerate(compound.lanes):
            bar = max(1.0, min(lane * 0.6, 8.0))
            y = body.top() + i * lane + (lane - bar) / 2
            for lo, hi in spans:
                x0, x1 = g.x_of(compound.start + lo), g.x_of(compound.start + hi)
                painter.drawRect(QRectF(x0 + 1, y, max(1.0, x1 - x0 - 2), bar))
    band_left = max(rect.left(), HEADER_WIDTH) + 4
    band = QRectF(band_left, rect.top(), rect.right() - band_left - 2, LABEL_BAND)
    if band.width() < 8:
        return
    badge = "NESTED"
    width = painter.fontMetrics().horizontalAdvance(badge) + 8
    shift = 0
    if band.width() > width + 24:
        b = QRectF(band.left(), band.top() + 2, width, LABEL_BAND - 4)
        painter.fillRect(b, COMPOUND_LANE)
        painter.setPen(QColor("#1b1c1f"))
        painter.drawText(b, Qt.AlignmentFlag.AlignCenter, badge)
        shift = width + 4
    clips = f"{compound.clips} clip{'s' if compound.clips != 1 else ''}"
    painter.setPen(QColor("#f0f0f0"))
    text = painter.fontMetrics().elidedText(
        f"{compound.name}  ·  {clips}", Qt.TextElideMode.ElideRight, int(band.width()) - shift
    )
    painter.drawText(band.adjusted(shift, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)


def _paint_job(painter: QPainter, rect: QRectF, fraction: float) -> None:
    """A generation running for this clip: a veil and a bar on the clip itself, as it fills."""
    painter.fillRect(rect.adjusted(1, LABEL_BAND, -1, -1), QColor(0, 0, 0, 90))
    track = QRectF(rect.left() + 4, rect.bottom() - 7, max(0.0, rect.width() - 8), 4)
    painter.fillRect(track, QColor(255, 255, 255, 60))
    done = QRectF(track.left(), track.top(), track.width() * fraction, track.height())
    painter.fillRect(done, GENERATED_BADGE)


def _paint_label(painter: QPainter, box: ClipBox, rect: QRectF, scene: Scene) -> None:
    left = max(rect.left(), HEADER_WIDTH) + 4
    band = QRectF(left, rect.top(), rect.right() - left - 2, LABEL_BAND)
    if band.width() < 8:
        return
    parts = [box.name]
    if box.speed:  # next to the name, so a short clip still shows it
        parts.append(box.speed)
    if box.take:
        parts.append(box.take)
    if box.placeholder:
        parts.append("placeholder")
    elif box.offline:
        parts.append("offline")
    if box.gain_db:
        parts.append(f"{box.gain_db:+.1f} dB")
    badge = 0
    width = painter.fontMetrics().horizontalAdvance(box.generated) + 8 if box.generated else 0
    if box.generated and band.width() > width + 24:
        badge = width + 4
        b = QRectF(band.left(), band.top() + 2, width, LABEL_BAND - 4)
        painter.fillRect(b, GENERATED_BADGE)
        painter.setPen(QColor("#1b1c1f"))
        painter.drawText(b, Qt.AlignmentFlag.AlignCenter, box.generated)
    if box.stale:
        badge += _paint_stale(
            painter, QRectF(band.left() + badge, band.top(), band.width() - badge, LABEL_BAND)
        )
    painter.setPen(QColor("#f0f0f0"))
    text = painter.fontMetrics().elidedText(
        "  ·  ".join(parts), Qt.TextElideMode.ElideRight, int(band.width()) - badge
    )
    painter.drawText(band.adjusted(badge, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)


def _paint_stale(painter: QPainter, band: QRectF) -> int:
    """The STALE badge (the Storyboard's colour for it) at the band's left; the width it took."""
    width = painter.fontMetrics().horizontalAdvance(STALE) + 8
    if band.width() <= width + 24:
        return 0
    b = QRectF(band.left(), band.top() + 2, width, LABEL_BAND - 4)
    painter.fillRect(b, STALE_BADGE)
    painter.setPen(QColor("#1b1c1f"))
    painter.drawText(b, Qt.AlignmentFlag.AlignCenter, STALE)
    return width + 4


def _thumb_step(rate: float, frames_per_tile: float) -> Fraction:
    """Seconds between thumbnails: a whole number of frames or of 'nice' seconds, so tiles are reused."""
    if frames_per_tile < rate:
        return Fraction(max(1, math.ceil(frames_per_tile)), 1) / Fraction(rate).limit_denominator(1001)
    for seconds in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600):
        if seconds * rate >= frames_per_tile:
            return Fraction(seconds)
    return Fraction(1200)


def media_frames(box: ClipBox, offsets: np.ndarray) -> np.ndarray:
    """The source frames (from the file's first) a clip shows `offsets` frames into it, through its speed."""
    scalar = box.time_scalar
    if scalar > 0:
        return box.media_start + offsets * scalar
    if scalar < 0:
        return box.media_start + (box.end - box.start - 1 - offsets) * -scalar
    return np.full_like(offsets, box.media_start, dtype=np.float64)


def _paint_thumbnails(painter: QPainter, scene: Scene, box: ClipBox, body: QRectF, visible: QRectF) -> None:
    assert scene.previews is not None and box.path is not None
    g = scene.geometry
    tile_width = body.height() * 16 / 9
    step = _thumb_step(scene.rate, g.frames_in(tile_width))
    step_frames = float(step) * scene.rate
    if box.time_scalar != 1:
        _paint_warped_thumbnails(painter, scene, box, body, visible, step_frames)
        return
    # source seconds of the first and last tile that can be seen
    seen_from = box.media_start + (g.frame_at(visible.left()) - box.start) - step_frames
    seen_to = box.media_start + (g.frame_at(visible.right()) - box.start)
    k = max(0, math.floor(seen_from / step_frames))
    painter.save()
    painter.setClipRect(visible)
    while k * step_frames <= seen_to:
        seconds = k * step
        x = g.x_of(box.start + seconds * scene.rate - box.media_start)
        image = scene.previews.thumbnail(box.path, seconds, THUMB_HEIGHT)
        if image is not None:
            width = body.height() * image.width() / max(1, image.height())
            painter.drawImage(QRectF(x, body.top(), width, body.height()), image)
        k += 1
    painter.restore()


def _paint_warped_thumbnails(
    painter: QPainter, scene: Scene, box: ClipBox, body: QRectF, visible: QRectF, step_frames: float
) -> None:
    """A clip at another speed: a tile every `step_frames` of the timeline, showing the source
    frame there (snapped to whole frames, so the preview cache keeps them)."""
    assert scene.previews is not None and box.path is not None
    g = scene.geometry
    first = max(0, math.floor((g.frame_at(visible.left()) - box.start) / step_frames) - 1)
    painter.save()
    painter.setClipRect(visible)
    k = first
    while box.start + k * step_frames <= min(box.end, g.frame_at(visible.right())):
        offset = k * step_frames
        source = float(media_frames(box, np.array([offset]))[0])
        seconds = Fraction(max(0, math.floor(source))) / Fraction(scene.rate).limit_denominator(1001)
        image = scene.previews.thumbnail(box.path, seconds, THUMB_HEIGHT)
        if image is not None:
            width = body.height() * image.width() / max(1, image.height())
            painter.drawImage(QRectF(g.x_of(box.start + offset), body.top(), width, body.height()), image)
        k += 1
    painter.restore()


def _paint_waveform(painter: QPainter, scene: Scene, box: ClipBox, body: QRectF, visible: QRectF) -> None:
    assert scene.previews is not None and box.path is not None
    peaks = scene.previews.peaks(box.path)
    if peaks is None or len(peaks) == 0:
        return
    g = scene.geometry
    left, right = int(visible.left()), int(visible.right())
    if right <= left:
        return
    columns = np.arange(left, right + 1, dtype=np.float64)
    frames = media_frames(box, (columns - HEADER_WIDTH) / g.pixels_per_frame + g.first_frame - box.start)
    index = np.clip((frames / scene.rate * PEAKS_PER_SECOND).astype(np.int64), 0, len(peaks) - 1)
    starts = index[:-1]  # column i folds peaks [starts[i], starts[i+1]); zoomed in, one peak each
    low = np.minimum.reduceat(peaks[:, 0], starts) if len(starts) else np.zeros(0)
    high = np.maximum.reduceat(peaks[:, 1], starts) if len(starts) else np.zeros(0)
    # square-root scale, as NLEs draw quiet sound visibly without clipping loud sound
    low = -np.sqrt(np.abs(np.minimum(low, 0)))
    high = np.sqrt(np.maximum(high, 0))
    middle = body.center().y()
    half = body.height() / 2 - 1
    xs = columns[:-1]
    lines = [
        QLineF(x, middle - hi * half, x, middle - lo * half)
        for x, lo, hi in zip(xs, low.tolist(), high.tolist(), strict=True)
    ]
    painter.setPen(QPen(WAVE, 1))
    painter.drawLines(lines)


def _paint_duck(painter: QPainter, scene: Scene, duck: DuckEnvelope, body: QRectF, visible: QRectF) -> None:
    """The music's gain as a line: high where it plays at its level, lower where it ducks under a voice."""
    g = scene.geometry
    columns = np.arange(int(visible.left()), int(visible.right()) + 1, dtype=np.float64)
    frames = (columns - HEADER_WIDTH) / g.pixels_per_frame + g.first_frame
    depth = -duck.gain_db(frames * AUDIO_SAMPLE_RATE / scene.rate) / max(duck.amount_db, 1e-6)
    top, drop = body.top() + 3, body.height() * 0.55
    points = [QPointF(x, top + d * drop) for x, d in zip(columns.tolist(), depth.tolist(), strict=True)]
    painter.setPen(QPen(DUCK_LINE, 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolyline(QPolygonF(points))


def _paint_fades(painter: QPainter, scene: Scene, box: ClipBox, rect: QRectF) -> None:
    g = scene.geometry
    fade_in, fade_out = box.fades
    painter.setPen(QPen(QColor("#ffffff"), 1))
    painter.setBrush(QColor(0, 0, 0, 70))
    if fade_in:
        x = g.x_of(box.start + fade_in)
        painter.drawPolygon(QPolygonF([rect.topLeft(), QPointF(x, rect.top()), rect.bottomLeft()]))
    if fade_out:
        x = g.x_of(box.end - fade_out)
        painter.drawPolygon(QPolygonF([QPointF(x, rect.top()), rect.topRight(), rect.bottomRight()]))


def _paint_transition(painter: QPainter, scene: Scene, row: Row, top: float, start: int, end: int) -> None:
    x0, x1 = scene.geometry.x_of(start), scene.geometry.x_of(end)
    rect = QRectF(x0, top + 2 + LABEL_BAND, max(3.0, x1 - x0), row.height - 6 - LABEL_BAND)
    painter.setPen(QPen(QColor("#e8e8e8"), 1))
    painter.setBrush(QColor(255, 255, 255, 70))
    painter.drawRect(rect)
    painter.drawLine(rect.bottomLeft(), rect.topRight())


# overlays ------------------------------------------------------------------------------


def _paint_overlay(painter: QPainter, scene: Scene, overlay: Overlay) -> None:
    g = scene.geometry
    for ghost in overlay.ghosts:
        row = scene.layout.row(ghost.track)
        if row is None:
            continue
        top = row_top(row, g)
        x0, x1 = g.x_of(ghost.start), g.x_of(ghost.end)
        rect = QRectF(x0, top + 2, max(2.0, x1 - x0), row.height - 5)
        painter.setPen(QPen(QColor("#ffffff"), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(255, 255, 255, 45))
        painter.drawRect(rect)
        if ghost.label:
            painter.setPen(QColor("#ffffff"))
            painter.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, ghost.label)
    if overlay.line is not None:
        x = g.x_of(overlay.line)
        painter.setPen(QPen(QColor("#ffe066"), 1.5))
        painter.drawLine(QLineF(x, RULER_HEIGHT, x, scene.height))
    if overlay.band is not None:
        painter.setPen(QPen(QColor("#9ec3ff"), 1))
        painter.setBrush(QColor(120, 170, 255, 40))
        painter.drawRect(overlay.band)


def _paint_note(painter: QPainter, scene: Scene, overlay: Overlay) -> None:
    at = overlay.note_at or QPointF(HEADER_WIDTH + 10, RULER_HEIGHT + 10)
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(overlay.note) + 12
    rect = QRectF(min(at.x() + 14, scene.width - width - 2), max(at.y() - 28, 0), width, metrics.height() + 6)
    painter.setPen(QPen(QColor("#111111"), 1))
    painter.setBrush(QColor("#fff6c8"))
    painter.drawRect(rect)
    painter.setPen(QColor("#111111"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, overlay.note)
