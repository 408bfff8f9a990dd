"""The ``govit-rules`` command: argument parsing and rendering only."""

from .app import app, main

__all__ = ["app", "main"]
