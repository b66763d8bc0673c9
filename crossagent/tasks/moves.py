"""The expert's own raw controllers, for what the grounding executor does not do.

- chase: turn toward a target and walk (sprinting when far, jumping up steps and swimming) even when it
  is out of view, e.g. a mob that fled behind a hill, or a panicking mob faster than walking;
- retreat: back away from a hostile mob, still facing it, while the weapon's attack recharges, so that a
  mob with a shorter reach (a creeper, a vindicator) gets no hit in. The player out-reaches most mobs
  (3 blocks against about 1.4), the way players fight them in the game.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from crossagent.executors import sim_view
from crossagent.executors.grounding import TURN_DEGREES
from crossagent.executors.raw import raw_to_env
from crossagent.tasks.privileged import target_center
from modeling_crossagent.action_spaces import RawAction

TickSource = Callable[[], dict | None]
"""Gives the next env tick of a decision, or None when the decision is over."""

CHASE_DISTANCE = 1.5
"""Horizontal distance (blocks) beyond which chasing walks toward the target."""
SPRINT_DISTANCE = 4.0
"""Horizontal distance beyond which chasing sprints."""
SAFE_DISTANCE = 2.6
"""Horizontal distance kept from a hostile mob while the attack recharges (its reach is about 1.4, ours 3)."""
READY_COOLDOWN = 2
"""Attack-cooldown ticks left at which a retreat stops and the attack goes in again."""


def horizontal_distance(sim, point: np.ndarray) -> float:
    return float(np.hypot(*(point - sim.player.eye)[[0, 2]]))


def chase(sim, target) -> TickSource:
    def tick() -> dict | None:
        center = target_center(sim, target)
        if center is None:
            return None
        dx, dy = sim_view.aim(sim, center, TURN_DEGREES)
        buttons: set[str] = set()
        far = horizontal_distance(sim, center)
        if far > CHASE_DISTANCE:
            buttons.add("forward")
            if far > SPRINT_DISTANCE:
                buttons.add("sprint")
            if sim_view.stuck(sim) or not sim.player.on_ground:  # a step ahead, or swimming
                buttons.add("jump")
        return raw_to_env(RawAction(frozenset(buttons), dx, dy))

    return tick


def must_retreat(sim, target) -> bool:
    """A hostile mob is inside the safe distance while the attack is still recharging."""
    center = target_center(sim, target)
    return (
        center is not None
        and sim.player.attack_cooldown > READY_COOLDOWN
        and horizontal_distance(sim, center) < SAFE_DISTANCE
    )


def retreat(sim, target) -> TickSource:
    def tick() -> dict | None:
        center = target_center(sim, target)
        if center is None or not must_retreat(sim, target):
            return None
        dx, dy = sim_view.aim(sim, center, TURN_DEGREES)
        buttons = {"back", "jump"} if sim_view.stuck(sim) else {"back"}
        return raw_to_env(RawAction(frozenset(buttons), dx, dy))

    return tick
