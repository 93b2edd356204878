"""The one compositor for preview and export.

`plan` decides, from the document alone, what is seen and heard at a time
(which clips, which source times, with what weights and gains); `video` and
`audio` turn those plans into pixels and samples using `engine.media`.
Preview and export call the same functions, so what you see is what you export.
"""
