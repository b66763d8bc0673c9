"""Step budgets in raw ticks: the paper's 200, raised where the world itself needs longer.

A task is only fair when a competent player can finish it inside the budget, so slow blocks (break
time with the given tool), tough mobs (hits x attack cooldown) and smelting (furnace cook time) add
their own duration, with a margin, on top of the time to walk up and aim.
"""

from __future__ import annotations

import math

from crossagent.sim.data import attack_cooldown_ticks, attack_damage, break_ticks, mob_info
from crossagent.tasks.task import DEFAULT_MAX_TICKS

APPROACH_TICKS = 100
"""Walk 2-6 blocks, turn and aim (about 2 s at 20 ticks/s), with room for a missed swing."""
WORK_MARGIN = 2.0
"""Multiplier on the work itself: mobs flee or fight back, aim slips off a block and resets it."""
GUI_TICKS = 100
"""Moving items between slots in an open GUI."""


def _round_up(ticks: float, step: int = 10) -> int:
    return int(math.ceil(ticks / step) * step)


def mine_budget(block: str, tool: str | None) -> int:
    return max(DEFAULT_MAX_TICKS, _round_up(APPROACH_TICKS + WORK_MARGIN * break_ticks(block, tool)))


def kill_budget(mob: str, weapon: str) -> int:
    hits = math.ceil(mob_info(mob).health / attack_damage(weapon))
    return max(
        DEFAULT_MAX_TICKS, _round_up(APPROACH_TICKS + WORK_MARGIN * hits * attack_cooldown_ticks(weapon))
    )


def craft_budget() -> int:
    return DEFAULT_MAX_TICKS


def smelt_budget(cook_ticks: int) -> int:
    return max(DEFAULT_MAX_TICKS, _round_up(GUI_TICKS + cook_ticks + GUI_TICKS))


def interact_budget() -> int:
    return DEFAULT_MAX_TICKS
