"""Minecraft-like statistics counters that tasks read for success, with an ordered event log."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

STAT_KINDS = (
    "mine_block",  # block broken by the player (block name)
    "kill_entity",  # mob killed by the player (mob name)
    "craft_item",  # items taken from a crafting or furnace result slot (item name, by count)
    "smelt_item",  # items taken from a furnace output (item name, by count)
    "interact_block",  # use on an interactable block (block name)
    "use_item",  # item used: eaten, placed, thrown (item name)
    "pickup",  # items picked up from the ground (item name, by count)
    "place_block",  # block placed by the player (block name)
    "drop",  # items thrown out (item name, by count)
)


class Statistics:
    """Counters per (kind, name) and the log of increments in order, each stamped with `now` (the tick)."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(dict)
        self.events: list[tuple[int, str, str]] = []
        self.now = 0
        """Current world tick; the engine sets it each step so events carry their tick."""

    @staticmethod
    def _check(kind: str) -> None:
        if kind not in STAT_KINDS:
            raise ValueError(f"unknown statistic kind {kind!r}; expected one of {', '.join(STAT_KINDS)}")

    def increment(self, kind: str, name: str, n: int = 1) -> None:
        """Add `n` to counter (kind, name) and log the event at tick `now`."""
        self._check(kind)
        if n <= 0:
            return
        table = self.counts[kind]
        table[name] = table.get(name, 0) + n
        self.events.append((self.now, kind, name))

    def get(self, kind: str, name: str) -> int:
        """Counter value (0 if never incremented)."""
        self._check(kind)
        return self.counts.get(kind, {}).get(name, 0)

    def total(self, kind: str) -> int:
        """Sum of all counters of one kind."""
        self._check(kind)
        return sum(self.counts.get(kind, {}).values())

    def first_tick(self, kind: str, name: str) -> int | None:
        """Tick of the first event (kind, name), or None: the 'first success event' of a task."""
        return next((t for t, k, n in self.events if k == kind and n == name), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able state."""
        return {
            "now": self.now,
            "counts": {k: dict(v) for k, v in self.counts.items() if v},
            "events": [list(e) for e in self.events],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Statistics:
        """Inverse of `to_dict`."""
        stats = cls()
        stats.now = int(data.get("now", 0))
        for kind, table in data.get("counts", {}).items():
            cls._check(kind)
            stats.counts[kind] = {str(k): int(v) for k, v in table.items()}
        stats.events = [(int(t), str(k), str(n)) for t, k, n in data.get("events", [])]
        return stats

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Statistics) and self.to_dict() == other.to_dict()
