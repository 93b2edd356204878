"""The algorithmic composer behind the default `music.score` backend.

theory (keys, scales, chords), style (prompt words -> genre, mood, tempo,
instruments), grid (the beat grid, fitted to the cuts), composer (the notes),
midi (a standard MIDI file of them), fluid and synth (two renderers), wav
(the 48 kHz file). No AI model and nothing to download.
"""
