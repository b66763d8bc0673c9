"""Subcommands of the `crossagent` CLI.

Every module in this package that defines `register(subparsers)` becomes a
subcommand; `register` adds its parser and sets `func` to a callable taking the
parsed arguments and returning an exit code. Discovery keeps cli.py closed to
edits when a stage adds a command.
"""

import argparse


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (argparse turns the ValueError into a one-line usage error, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
