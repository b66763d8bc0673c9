"""Subcommands of the `crossagent` CLI.

Every module in this package that defines `register(subparsers)` becomes a
subcommand; `register` adds its parser and sets `func` to a callable taking the
parsed arguments and returning an exit code. Discovery keeps cli.py closed to
edits when a stage adds a command.
"""
