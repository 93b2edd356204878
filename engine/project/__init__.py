"""The project document and the operations that edit it.

OpenTimelineIO is the model (see DESIGN.md). The modules, by what they hold:

- `times`: frame-exact conversion between `RationalTime` and whole frames.
- `document`: creating a project, its settings, finding tracks and clips, clip ids.
- `change`: `mutation()` and `Change`, the exact undo record every edit returns.
- `undo`: `UndoStack`, unlimited undo/redo with transactions.
- `trackedit`: split/clear/remove/place primitives on one track, in frames.
- `edits`: append, insert, overwrite, lift, ripple delete, slice, trim, slip,
  roll, slide, move; linked audio/video partners follow.
- `links`: which clips are linked to which.
- `tracks`: add, remove, rename, reorder tracks; mute, solo, lock, hide.
- `transitions`, `effects`, `markers`, `takes`: dissolves and crossfades, gain
  and fades, markers, and the takes of a generated shot with their provenance.
- `persistence`: save and load `.otio` files atomically.

Every operation takes the timeline first and returns a `Change`; every
failure raises `engine.errors.EditError` and leaves the timeline untouched.
"""
