"""Generating shots from the editor: the dialog, and the controller that turns jobs into takes."""
