"""The grounding executor: a closed-loop controller acting on the object a frame point hits.

It stands in for ROCKET-1 (segment the pointed object with SAM, then act on it), with these bounds:
- It acts only on what the point hits on the frame it starts from, and fails at once when that is not
  the named object (sky, another block or mob, another slot). It then tracks that one object through its
  true 3-D position read from the simulator every tick (`sim_view.center`: block centre, mob body
  centre), also while the object is hidden behind blocks or out of view; it does not lose it.
- World verbs (the GUI must be closed): Mine aims and holds attack until the block breaks; Kill aims at
  the mob and attacks until it dies; Approach walks toward it until within APPROACH_DISTANCE; Use aims
  and right-clicks it once. It walks straight toward the object (jumping when stuck), with no path
  finding: an obstacle it cannot jump over ends in a timeout.
- GUI verbs (a GUI must be open): Click left-clicks the slot, Pick left-clicks to pick the slot's stack
  up, Place right-clicks to put one item of the cursor stack into the slot. It moves the cursor to the
  slot centre at most GUI_CURSOR_SPEED units per tick, then clicks once. It plans no recipe.
- It turns at most TURN_DEGREES per tick per axis and stops at `max_ticks`.
"""

from __future__ import annotations

from crossagent.executors import sim_view
from crossagent.executors.base import RUNNING, EnvAction, ExecutorBase
from crossagent.executors.raw import raw_to_env
from modeling_crossagent.action_spaces import GroundingAction, RawAction

WORLD_VERBS = ("Mine", "Kill", "Approach", "Use")
GUI_VERBS = ("Click", "Pick", "Place")
TURN_DEGREES = 20.0
"""Largest camera turn per tick and axis."""
GUI_CURSOR_SPEED = 150
"""Largest cursor move per tick and axis, in [0,1000] frame units."""
APPROACH_DISTANCE = 2.5
"""Approach is done within this distance (blocks, eye to object centre)."""
REACH = {"block": 4.0, "mob": 2.5}
"""Distances (a little inside survival reach) under which it stops walking toward the object."""
DEFAULT_MAX_TICKS = 200


class GroundingExecutor(ExecutorBase):
    """Closed-loop grounding controller on a MineSim (see the module docstring for its bounds)."""

    space = "grounding"

    def __init__(self, sim, max_ticks: int = DEFAULT_MAX_TICKS):
        super().__init__(max_ticks=max_ticks)
        self.sim = sim

    def _start(self, action: GroundingAction, observation) -> None:
        self.action, self._clicked = action, False
        target = sim_view.target_at(self.sim, action.point)
        self.target = target
        gui = sim_view.gui_open(self.sim)
        if action.verb in WORLD_VERBS and gui:
            return self.fail(f"{action.verb} acts in the world, but a GUI is open")
        if action.verb in GUI_VERBS and not gui:
            return self.fail(f"{action.verb} acts on a GUI slot, but no GUI is open")
        if target is None:
            return self.fail(f"the point {action.point} hits nothing (sky or outside every slot)")
        if target.kind == "slot":
            return self._check_slot(action, target)
        if target.name != action.object:
            self.fail(f"the point {action.point} hits {target.kind} {target.name}, not {action.object}")

    def track(self, verb: str, target: sim_view.Target) -> None:
        """Start on a known target without the point check (privileged: the scripted expert's controller)."""
        self.ticks, self.status, self.reason = 0, RUNNING, ""
        self.action = GroundingAction(verb, target.name or "empty_slot", (0, 0))
        self.target, self._clicked = target, False

    def _check_slot(self, action: GroundingAction, target) -> None:
        held = sim_view.cursor_item(self.sim)
        if action.verb == "Place":
            ok = held == action.object and target.name in (None, action.object)
            what = f"cursor holds {held}, slot holds {target.name}"
        elif action.verb == "Pick":
            ok = target.name == action.object
            what = f"slot holds {target.name}"
        else:  # Click: on the named item, or an empty slot when putting the named item down
            ok = target.name == action.object or (target.name is None and held == action.object)
            what = f"slot holds {target.name}, cursor holds {held}"
        if not ok:
            self.fail(f"{action.verb} {action.object}: the point {action.point} does not fit ({what})")

    def _tick(self, observation) -> EnvAction | None:
        tick = self._gui_tick() if self.target.kind == "slot" else self._world_tick()
        return None if tick is None else raw_to_env(tick)

    def _gui_tick(self) -> RawAction | None:
        sim, verb = self.sim, self.action.verb
        if not sim_view.gui_open(sim):
            self.fail("the GUI closed")
            return None
        if self._clicked:
            return None
        button = "use" if verb == "Place" else "attack"
        if sim_view.slot_under_cursor(sim) == self.target.key and not sim_view.button_held(sim, button):
            self._clicked = True
            return RawAction(frozenset({button}))
        (cx, cy), (x, y) = sim_view.slot_center(sim, self.target.key), sim_view.cursor(sim)
        dx, dy = (round(max(-GUI_CURSOR_SPEED, min(GUI_CURSOR_SPEED, d))) for d in (cx - x, cy - y))
        return RawAction(frozenset(), dx, dy)  # also the release tick when the button was still held

    def _world_tick(self) -> RawAction | None:
        sim, verb, target = self.sim, self.action.verb, self.target
        point = sim_view.center(sim, target)
        if point is None:  # broken or dead: the job of Mine / Kill, a failure for the others
            if verb not in ("Mine", "Kill"):
                self.fail(f"the {target.name} is gone")
            return None
        if self._clicked:
            return None
        dx, dy = sim_view.aim(sim, point, TURN_DEGREES)
        far = sim_view.distance(sim, point)
        if verb == "Approach":
            if far <= APPROACH_DISTANCE:
                return None
            return RawAction(
                frozenset({"forward", "jump"} if sim_view.stuck(sim) and self.ticks else {"forward"}), dx, dy
            )
        buttons: set[str] = set()
        if sim_view.crosshair_on(sim, target):
            if verb == "Use":
                if sim_view.button_held(sim, "use"):
                    return RawAction(frozenset(), dx, dy)
                self._clicked = True
                return RawAction(frozenset({"use"}), dx, dy)
            buttons.add("attack")
        elif far > REACH[target.kind]:
            buttons.add("forward")
            if sim_view.stuck(sim) and self.ticks:
                buttons.add("jump")
        return RawAction(frozenset(buttons), dx, dy)
