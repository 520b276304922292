"""What the board and the command line both show, without Textual: the Board model built from a
snapshot, the panels' selections, the slideshow's order and the shared words."""
