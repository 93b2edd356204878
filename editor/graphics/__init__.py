"""Titles and framing commands: Graphics > Title, the bin's Titles, Clip > Fill/Fit Frame."""
