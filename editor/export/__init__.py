"""File > Export: the dialog, the export thread, and the notice when it is done."""
