"""`board bench`: the parent that builds zones and measures, and the probe that runs inside the
real app in a child process.

run.py runs the steps and assembles the result; zones.py builds the synthetic databases;
child.py starts the board's child process and the plain-sqlite3 writers; figures.py holds the
targets and the arithmetic; host.py reads CPU time, memory and load from the system (None where
the platform cannot say); protocol.py is what parent and child share; probe.py is the child.
"""
