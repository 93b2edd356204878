"""Projects: New/Open/Save, recent files, the unsaved-changes prompt, autosave and crash recovery."""
