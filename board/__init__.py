"""board: a live terminal board for construction-project dispatch meetings (调度看板)."""

__version__ = "0.1.0"
