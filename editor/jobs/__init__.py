"""Engine jobs as the user sees them: the one runner every engine job goes through, and the Jobs dock
(its rows, their details, and bringing the dock forward when a job starts)."""
