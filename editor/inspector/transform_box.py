"""The Transform section of the inspector: where a clip sits in the frame, and its keyframes.

Shown for one clip on a video track. The fields show the transform at the
playhead (keyframes interpolated), and an edit of a value that has
keyframes sets it on the keyframe at the playhead, adding one there, as
other NLEs do once a value is animated. Every edit is one undo step, and
the viewer re-renders from the document at once: that is the live preview.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.flow_layout import FlowLayout
from editor.inspector import spin
from editor.inspector.facts import clip_facts
from editor.inspector.following import follow
from engine.project import document, transform
from engine.render import framing

#: (setting, label, minimum, maximum, decimals, suffix, shown per stored unit)
FIELDS = (
    ("x", "Position X", -100000.0, 100000.0, 1, " px", 1.0),
    ("y", "Position Y", -100000.0, 100000.0, 1, " px", 1.0),
    ("scale", "Scale", 1.0, 10000.0, 2, " %", 100.0),
    ("rotation", "Rotation", -3600.0, 3600.0, 1, "°", 1.0),
    ("crop_left", "Crop left", 0.0, 99.0, 1, " %", 100.0),
    ("crop_right", "Crop right", 0.0, 99.0, 1, " %", 100.0),
    ("crop_top", "Crop top", 0.0, 99.0, 1, " %", 100.0),
    ("crop_bottom", "Crop bottom", 0.0, 99.0, 1, " %", 100.0),
    ("opacity", "Opacity", 0.0, 100.0, 1, " %", 100.0),
)
INTERPOLATION_LABELS = {"linear": "Linear", "ease": "Ease in/out"}


class TransformBox(QGroupBox):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__("Transform", parent)
        self.setObjectName("inspector-transform")
        self._context = context
        self._ident: str | None = None
        self._start = 0  # the clip's first timeline frame
        self._length = 1
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow dock: labels above
        self.fields: dict[str, QDoubleSpinBox] = {}
        for name, label, low, high, decimals, suffix, unit in FIELDS:
            field = QDoubleSpinBox(self)
            field.setObjectName(f"transform-{name}")
            field.setRange(low, high)
            field.setDecimals(decimals)
            field.setSuffix(suffix)
            field.setSingleStep(1.0 if unit == 1.0 else 0.5)
            spin.prepare(field)
            field.valueChanged.connect(lambda value, name=name, unit=unit: self._set(name, value / unit))
            form.addRow(label, field)
            self.fields[name] = field
        self.blend = QComboBox(self)
        self.blend.setObjectName("transform-blend")
        for mode in transform.BLENDS:
            self.blend.addItem(mode.capitalize(), mode)
        self.blend.activated.connect(lambda _index: self._set("blend", self.blend.currentData()))
        form.addRow("Blend", self.blend)

        # the arrows as small tool buttons: with ◆ Add and Remove they fit a 300 px dock on one line
        self.previous = QToolButton(self)
        self.previous.setText("◀")
        self.previous.setToolTip("Go to the previous keyframe")
        self.add_key = QPushButton("◆ Add", self)
        self.add_key.setObjectName("transform-add-keyframe")
        self.add_key.setToolTip("Add a keyframe at the playhead holding the values shown")
        self.remove_key = QPushButton("Remove", self)
        self.remove_key.setObjectName("transform-remove-keyframe")
        self.remove_key.setToolTip("Remove the keyframe at the playhead")
        self.next = QToolButton(self)
        self.next.setText("▶")
        self.next.setToolTip("Go to the next keyframe")
        self.interp = QComboBox(self)
        self.interp.setObjectName("transform-interpolation")
        for key, label in INTERPOLATION_LABELS.items():
            self.interp.addItem(label, key)
        self.interp.setToolTip("How a new keyframe moves on to the next one")
        keys = FlowLayout()  # wraps in a narrow dock
        for widget in (self.previous, self.add_key, self.remove_key, self.next):
            keys.addWidget(widget)
        self.keyframes = QLabel(self)
        self.keyframes.setObjectName("transform-keyframes")
        self.keyframes.setWordWrap(True)  # a long list of frames never widens the panel
        self.fill = QPushButton("Fill frame", self)
        self.fill.setObjectName("transform-fill")
        self.fill.setToolTip("Scale the picture to cover the whole frame (cropping what overhangs)")
        self.fit = QPushButton("Fit frame", self)
        self.fit.setObjectName("transform-fit")
        self.fit.setToolTip("Scale the picture to show whole inside the frame (bars where shapes differ)")
        self.reset = QPushButton("Reset", self)
        self.reset.setObjectName("transform-reset")
        framing_row = FlowLayout()
        for widget in (self.fill, self.fit, self.reset):
            framing_row.addWidget(widget)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(keys)
        interp_row = QHBoxLayout()
        interp_row.addWidget(QLabel("New keyframes", self))
        interp_row.addWidget(self.interp, 1)
        layout.addLayout(interp_row)
        layout.addWidget(self.keyframes)
        layout.addLayout(framing_row)

        self.previous.clicked.connect(lambda: self._jump(forward=False))
        self.next.clicked.connect(lambda: self._jump(forward=True))
        self.add_key.clicked.connect(self._add_keyframe)
        self.remove_key.clicked.connect(self._remove_keyframe)
        self.fill.clicked.connect(lambda: self._apply(framing.reframe_clip, "fill"))
        self.fit.clicked.connect(lambda: self._apply(framing.reframe_clip, "fit"))
        self.reset.clicked.connect(lambda: self._apply(transform.reset_transform))
        follow(context, self.refresh)
        context.playhead.moved.connect(lambda _frame: self.refresh())
        self.refresh()

    @property
    def clip_id(self) -> str | None:
        return self._ident

    @property
    def offset(self) -> int:
        """The playhead in frames from the clip's start, kept inside the clip."""
        return max(0, min(self._length - 1, self._context.playhead.frame - self._start))

    def refresh(self) -> None:
        ids = self._context.selection.ids
        facts = clip_facts(self._context.session.timeline, ids[0]) if len(ids) == 1 else None
        if facts is None or facts.audio:
            self._ident = None
            self.setVisible(False)
            return
        self._ident, self._start, self._length = facts.ident, facts.position, max(1, facts.duration)
        clip = document.find_clip(self._context.session.timeline, facts.ident)[1]
        now = transform.placement_at(clip, self.offset)
        for name, _label, low, high, _decimals, _suffix, unit in FIELDS:
            spin.show_value(self.fields[name], getattr(now, name) * unit, low, high)
        self.blend.setCurrentIndex(max(0, self.blend.findData(now.blend)))
        frames = [k.frame for k in transform.keyframes(clip)]
        here = self.offset in frames
        self.remove_key.setEnabled(here)
        self.previous.setEnabled(transform.neighbour_keyframe(clip, self.offset, False) is not None)
        self.next.setEnabled(transform.neighbour_keyframe(clip, self.offset, True) is not None)
        if frames:
            listed = ", ".join(str(f) for f in frames[:8]) + (" …" if len(frames) > 8 else "")
            mark = "◆ the playhead is on one" if here else "the playhead is not on one"
            self.keyframes.setText(f"Keyframes at clip frame {listed}; {mark}")
        else:
            self.keyframes.setText("No keyframes: the values hold for the whole clip")
        self.setVisible(True)

    def _apply(self, edit, *args, **kwargs) -> None:
        if self._ident is None:
            return
        if self._context.session.apply(edit, self._ident, *args, **kwargs) is None:
            self.refresh()  # refused (its message is in the status bar): show what the clip holds

    def _set(self, name: str, value: object) -> None:
        field = self.fields.get(name)
        if field is not None and spin.is_mixed(field, field.value()):
            return
        self._apply(transform.set_transform, at=self.offset, **{name: value})

    def _add_keyframe(self) -> None:
        self._apply(transform.add_keyframe, self.offset, self.interp.currentData())

    def _remove_keyframe(self) -> None:
        self._apply(transform.remove_keyframe, self.offset)

    def _jump(self, forward: bool) -> None:
        if self._ident is None:
            return
        clip = document.find_clip(self._context.session.timeline, self._ident)[1]
        frame = transform.neighbour_keyframe(clip, self.offset, forward)
        if frame is not None:
            self._context.playhead.move_to(self._start + frame)
