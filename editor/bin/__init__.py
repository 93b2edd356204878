"""The media bin: the files of a project, imported, probed, thumbnailed, relinked."""
