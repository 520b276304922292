"""The domain: snapshot dataclasses, status rules and diffs. No I/O, no Textual."""
