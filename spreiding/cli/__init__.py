"""The ``spreiding`` command line."""

from spreiding.cli.main import main

__all__ = ["main"]
