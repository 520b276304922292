"""Allow `python -m board`."""

from board.cli import main

if __name__ == "__main__":
    main()
