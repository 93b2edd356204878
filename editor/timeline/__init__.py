"""The timeline: drawing the OTIO model and turning gestures into edits."""
