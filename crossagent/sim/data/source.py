"""The one place that loads minecraft-data 1.16.5, and name lookup with helpful errors."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from typing import Any, TypeVar

MC_VERSION = "1.16.5"

T = TypeVar("T")


@functools.cache
def mc() -> Any:
    """The minecraft-data tables for 1.16.5, loaded once per process."""
    import minecraft_data

    return minecraft_data(MC_VERSION)


def lookup(table: Mapping[str, T], name: str, what: str) -> T:
    """`table[name]`, or a ValueError that names the bad `what` and suggests close names."""
    try:
        return table[name]
    except (KeyError, TypeError):
        pass
    close = difflib.get_close_matches(str(name), list(table), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown {what} {name!r} (Minecraft {MC_VERSION} names, e.g. 'oak_log'){hint}")
