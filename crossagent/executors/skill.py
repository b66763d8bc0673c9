"""The language-skill executor: `mine X`, `kill X`, `approach X`, `use X`, `look for X` (STEVE-1's stand-in).

Competence bounds:
- Only targets in view: `mine/kill/approach/use X` scan the current frame on a SCAN_GRID x SCAN_GRID grid
  of points for X, pick the nearest hit and then run the grounding controller on it (same bounds: straight
  walking, no path finding, one object tracked by its true position). X not on the scan -> fails at once.
  Recognition is exact: each scan point's ray cast gives the true block or mob name and true hit distance
  (no recogniser errors, no depth estimate).
- `look for X` turns on the spot (LOOK_TURN_DEGREES per tick, level gaze) until X shows on a coarse
  scan; fails after a full turn. It never walks, so X out of sight of this spot is never found.
- No GUI competence: every skill fails at once while a GUI is open, and `craft X` / `smelt X` always fail
  (they would need a GUI); a model has to use grounding or raw actions for crafting.
"""

from __future__ import annotations

from crossagent.executors import sim_view
from crossagent.executors.base import EnvAction, ExecutorBase
from crossagent.executors.grounding import DEFAULT_MAX_TICKS, GroundingExecutor
from crossagent.executors.raw import raw_to_env
from modeling_crossagent.action_spaces import CAMERA_DEGREES_PER_UNIT, GroundingAction, RawAction, SkillAction

SCAN_GRID = 12
"""Frame points per side scanned for the target when a skill starts."""
LOOK_SCAN_GRID = 6
"""Coarser scan per tick while looking around."""
LOOK_TURN_DEGREES = 15.0
LEVEL_PITCH = 15.0
"""Pitch (degrees down) that `look for` settles to while it turns."""
GROUNDED_VERB = {"mine": "Mine", "kill": "Kill", "approach": "Approach", "use": "Use"}


class SkillExecutor(ExecutorBase):
    """Language-skill controller on a MineSim (see the module docstring for its bounds)."""

    space = "skill"

    def __init__(self, sim, max_ticks: int = DEFAULT_MAX_TICKS):
        super().__init__(max_ticks=max_ticks)
        self.sim = sim
        self._inner = GroundingExecutor(sim, max_ticks=max_ticks)

    def _start(self, action: SkillAction, observation) -> None:
        self.action, self._turned = action, 0.0
        if sim_view.gui_open(self.sim):
            return self.fail("skills have no GUI competence (a GUI is open)")
        if action.verb in ("craft", "smelt"):
            return self.fail(f"{action.verb} needs a GUI; skills have no GUI competence")
        if action.verb == "look for":
            return None
        point = sim_view.find_in_view(self.sim, action.target, SCAN_GRID)
        if point is None:
            return self.fail(f"no {action.target} in view")
        self._inner.start(GroundingAction(GROUNDED_VERB[action.verb], action.target, point), observation)

    def _tick(self, observation) -> EnvAction | None:
        if self.action.verb == "look for":
            return self._look_tick()
        tick = self._inner.next_tick(observation)
        if tick is None and self._inner.status == "failed":
            self.fail(self._inner.reason)
        return tick

    def _look_tick(self) -> EnvAction | None:
        if sim_view.find_in_view(self.sim, self.action.target, LOOK_SCAN_GRID) is not None:
            return None
        if self._turned >= 360.0:
            self.fail(f"no {self.action.target} around after a full turn")
            return None
        self._turned += LOOK_TURN_DEGREES
        d_pitch = max(-LOOK_TURN_DEGREES, min(LOOK_TURN_DEGREES, LEVEL_PITCH - self.sim.player.pitch))
        units = (round(LOOK_TURN_DEGREES / CAMERA_DEGREES_PER_UNIT), round(d_pitch / CAMERA_DEGREES_PER_UNIT))
        return raw_to_env(RawAction(frozenset(), *units))
