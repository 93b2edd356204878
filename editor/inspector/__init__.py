"""The inspector dock: the selected clip's properties, edited as undoable steps."""
