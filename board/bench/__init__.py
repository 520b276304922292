"""`board bench`: the parent that builds zones and measures (run.py), and the probe that runs
inside the real app in a child process (probe.py)."""
