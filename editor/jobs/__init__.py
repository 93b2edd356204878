"""The jobs dock: exports now, engine jobs later, with progress, cancel and retry."""
