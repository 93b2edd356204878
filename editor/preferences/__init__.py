"""Preferences: the keymap editor and the settings other panels read (preview size, autosave)."""
