"""The board's screens: the overview, detail screens, help and pickers."""
