"""File > Export: the dialog, the engine job that writes the file, and the notice when it is done."""
