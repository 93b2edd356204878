"""The project document and the operations that edit it.

OpenTimelineIO is the model (see DESIGN.md). The modules, by what they hold:

- `times`: frame-exact conversion between `RationalTime` and whole frames.
- `document`: creating a project, its settings, finding tracks and clips, clip ids.
- `change`: `mutation()` and `Change`, the exact undo record every edit returns.
- `undo`: `UndoStack`, unlimited undo/redo with transactions.
- `trackedit`: split/clear/remove/place primitives on one track, in frames.
- `clips`: clips made from media (kept at the project rate), linked A/V pairs.
- `edits`: append, insert, overwrite, lift, ripple delete, slice (blade), move.
- `trims`: trim head/tail (with and without ripple), slip, roll, slide; clamped.
- `links`: which clips are linked to which; linked partners follow every edit.
- `tracks`: add, remove, rename, reorder tracks; mute, solo, lock, hide.
- `transitions`, `effects`, `markers`: dissolves and crossfades, gain and
  fades, markers on the timeline and on clips.
- `timewarp`, `speed`: which source frame a clip shows under OTIO's
  LinearTimeWarp/FreezeFrame; speed, reverse and freeze frame as edits.
- `nested`: nested sequences (Stacks in tracks) opened, moved and flattened.
- `takes`, `provenance`: the versions of a shot and how a generated one was made.
- `cast`: characters, places and the style (descriptions, reference pictures,
  voices), the members each shot shows, and which takes are stale.
- `screenplay`, `placeholders`: a Fountain screenplay read into scenes of beats;
  shots that wait for their first take.
- `mediapaths`, `persistence`: where media are, and saving/opening `.otio`
  files atomically and defensively.

Every operation takes the timeline first and returns a `Change`; every
failure raises `engine.errors.EditError` and leaves the timeline untouched.
"""
