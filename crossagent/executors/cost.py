"""Per-space cost accounting: tokens generated and ticks executed per model call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

INVALID = "invalid"
"""The space name a call is booked under when its text did not parse or could not be executed."""


@dataclass(frozen=True)
class ActionCost:
    """The cost of one model call."""

    space: str
    """The action space the model chose (INVALID when the action was invalid)."""
    tokens: int
    """Tokens the model generated for this call."""
    ticks: int
    """Raw env ticks its executor ran (an invalid action runs one no-op tick)."""


class CostLedger:
    """Sums ActionCosts per space; `to_dict()` is JSON-ready for eval reports and RL logging."""

    def __init__(self):
        self._totals: dict[str, dict[str, int]] = defaultdict(lambda: {"calls": 0, "tokens": 0, "ticks": 0})

    def add(self, cost: ActionCost) -> None:
        row = self._totals[cost.space]
        row["calls"] += 1
        row["tokens"] += cost.tokens
        row["ticks"] += cost.ticks

    def add_ticks(self, space: str, ticks: int = 1) -> None:
        """Book ticks to the call already added for `space` (a rollout learns them one at a time)."""
        self._totals[space]["ticks"] += ticks

    def calls(self, space: str) -> int:
        return self._totals[space]["calls"] if space in self._totals else 0

    @property
    def tokens(self) -> int:
        return sum(row["tokens"] for row in self._totals.values())

    @property
    def ticks(self) -> int:
        return sum(row["ticks"] for row in self._totals.values())

    @property
    def invalid(self) -> int:
        """How many calls produced an invalid action."""
        return self._totals[INVALID]["calls"] if INVALID in self._totals else 0

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {space: dict(row) for space, row in sorted(self._totals.items())}
