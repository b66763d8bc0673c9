"""The five action spaces on Crafter (crafter 1.8.3): what each means there and what its executor can do.

Crafter is a 2-D grid world stepped with one of 17 discrete actions; the agent sees a 9 x 7 cell view
around itself with its inventory drawn below. Our spaces map onto it as follows.

- raw: exactly one of the 17 actions per tick, written in the raw grammar as the keys a person would
  press (`CRAFTER_RAW` below): `w a s d` move up/left/down/right, `click(left)` is `do` (collect,
  attack, drink, eat), `left.shift` is `sleep`, hotbar key N with `click(right)` places item N
  (1 stone, 2 table, 3 furnace, 4 sapling), `e` with hotbar key N makes tool N (1-3 wood/stone/iron
  pickaxe, 4-6 wood/stone/iron sword). Anything else (a mouse move: Crafter has no camera, two moves
  at once, jump, ...) cannot be expressed: the executor refuses it (an invalid action, no-op tick).
- motion: the fixed phrase vocabulary as open-loop macros of MOTION_TICKS raw ticks; only phrases
  whose ticks are Crafter actions run (`move forward/back/left/right` = up/down/left/right,
  `attack` = do, `sneak` = sleep); `turn`, `jump`, `sprint`, cursor and GUI phrases are refused.
- grounding: `Mine|Kill|Approach <object>(x, y)`: the point picks a cell of the 9 x 7 view and must
  hit the named material or creature (tree, stone, coal, iron, diamond, water, grass, sand, table,
  furnace / cow, zombie, skeleton, plant). Closed loop: walk to a neighbouring cell by breadth-first
  search over walkable cells, face the target and `do` until it is collected or killed. Bounded: the
  target must be in view when the action starts, the path must stay within the view, it gives up
  after `max_ticks`; it never crafts or places.
- skill: `mine|kill|approach <object>` runs the grounding controller on the nearest instance in
  view (fails when none is in view); `look for <object>` walks straight, turning at obstacles, until
  the object is in view (capped); `craft <tool>` and `use <item>` are the one-tick make/place action
  (they fail when Crafter's requirements are not met: a nearby table, materials). Skills never
  search beyond the view and never chain sub-goals (no "get a stone pickaxe").
- latent: replays a raw chunk of the codebook; runs only with a codebook learned from Crafter raw data
  (chunks of Crafter-expressible ticks).

The executors read the Crafter world for positions and cell contents, the same facts the frame shows
(the view is egocentric, so the player is always its centre cell).
"""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

import numpy as np

from crossagent.executors.base import RUNNING, EnvAction, ExecutorBase, InvalidAction, PlannedExecutor
from crossagent.executors.motion import MotionExecutor
from crossagent.executors.raw import env_to_raw, raw_to_env
from modeling_crossagent.action_spaces import POINT_MAX, GroundingAction, RawAction, SkillAction

CRAFTER_ACTIONS: tuple[str, ...] = (
    "noop", "move_left", "move_right", "move_up", "move_down", "do", "sleep", "place_stone", "place_table",
    "place_furnace", "place_plant", "make_wood_pickaxe", "make_stone_pickaxe", "make_iron_pickaxe",
    "make_wood_sword", "make_stone_sword", "make_iron_sword",
)  # fmt: skip
"""Crafter 1.8.3's actions in its index order (crafter/data.yaml `actions`)."""


def _raw(*buttons: str) -> RawAction:
    return RawAction(frozenset(buttons))


CRAFTER_RAW: dict[str, RawAction] = {
    "noop": RawAction(),
    "move_left": _raw("left"),
    "move_right": _raw("right"),
    "move_up": _raw("forward"),
    "move_down": _raw("back"),
    "do": _raw("attack"),
    "sleep": _raw("sneak"),
    "place_stone": _raw("hotbar.1", "use"),
    "place_table": _raw("hotbar.2", "use"),
    "place_furnace": _raw("hotbar.3", "use"),
    "place_plant": _raw("hotbar.4", "use"),
    "make_wood_pickaxe": _raw("inventory", "hotbar.1"),
    "make_stone_pickaxe": _raw("inventory", "hotbar.2"),
    "make_iron_pickaxe": _raw("inventory", "hotbar.3"),
    "make_wood_sword": _raw("inventory", "hotbar.4"),
    "make_stone_sword": _raw("inventory", "hotbar.5"),
    "make_iron_sword": _raw("inventory", "hotbar.6"),
}
"""Crafter action -> the raw tick that expresses it (one each; see the module docstring)."""
ACTION_OF_RAW: dict[RawAction, int] = {raw: CRAFTER_ACTIONS.index(name) for name, raw in CRAFTER_RAW.items()}

VIEW_GRID = (9, 7)
"""Cells of Crafter's local view (columns, rows); the player is the centre cell."""
VIEW_CELLS = (9, 9)
"""Crafter's `view`: the local view plus two inventory rows, in cells (the frame is split by this)."""
WALKABLE = frozenset({"grass", "sand", "path"})
MATERIALS = frozenset({"water", "grass", "stone", "path", "sand", "tree", "lava", "coal", "iron", "diamond",
                       "table", "furnace"})  # fmt: skip
CREATURES = frozenset({"cow", "zombie", "skeleton", "plant"})
MAKEABLE = {"wood_pickaxe", "stone_pickaxe", "iron_pickaxe", "wood_sword", "stone_sword", "iron_sword"}
PLACEABLE = {"stone": "stone", "table": "table", "furnace": "furnace", "sapling": "plant", "plant": "plant"}
"""`use <item>` -> what Crafter places."""
GAINS = ("sapling", "wood", "stone", "coal", "iron", "diamond", "drink", "food")
"""Inventory items whose increase means a `do` collected something."""
DIRECTIONS = {(-1, 0): "move_left", (1, 0): "move_right", (0, -1): "move_up", (0, 1): "move_down"}


def crafter_action(env_action: EnvAction | RawAction) -> int:
    """Crafter's action index of a raw tick; UnsupportedAction-like InvalidAction when it has none."""
    raw = env_action if isinstance(env_action, RawAction) else env_to_raw(env_action)
    index = ACTION_OF_RAW.get(raw)
    if index is None:
        from modeling_crossagent.action_spaces import format_action

        raise InvalidAction(
            f"Crafter cannot express the raw tick {format_action(raw)!r}: it takes one of its 17 actions per "
            "tick with no mouse move, e.g. <|raw|>press(w), <|raw|>click(left), <|raw|>press(2) and "
            "click(right) (place table), <|raw|>press(e,1) (make wood pickaxe); see crossagent.executors.crafter"
        )
    return index


def action_env(name: str) -> EnvAction:
    """The env dict of Crafter action `name`."""
    return raw_to_env(CRAFTER_RAW[name])


# ----- what is where ------------------------------------------------------------------------------
def cell_name(world: Any, pos) -> str | None:
    """What occupies a world cell: its creature's name if one stands there, else its material."""
    material, obj = world[pos]
    if obj is not None:
        return type(obj).__name__.lower()
    return material


def view_origin(player: Any) -> np.ndarray:
    """World position of the view's top-left cell."""
    return np.asarray(player.pos) - np.array(VIEW_GRID) // 2


def point_to_cell(player: Any, point: tuple[int, int], frame_size: int) -> np.ndarray | None:
    """The world cell under a [0, POINT_MAX]^2 point of the frame, None when it falls outside the view."""
    unit = frame_size // VIEW_CELLS[0]
    border = (frame_size - unit * VIEW_CELLS[0]) // 2
    px, py = (v * frame_size / POINT_MAX for v in point)
    col, row = int((px - border) // unit), int((py - border) // unit)
    if not (0 <= col < VIEW_GRID[0] and 0 <= row < VIEW_GRID[1]):
        return None
    return view_origin(player) + np.array([col, row])


def cell_to_point(player: Any, pos, frame_size: int) -> tuple[int, int]:
    """The [0, POINT_MAX]^2 point at the centre of a world cell shown in the view."""
    unit = frame_size // VIEW_CELLS[0]
    border = (frame_size - unit * VIEW_CELLS[0]) // 2
    col, row = np.asarray(pos) - view_origin(player)
    x, y = border + (col + 0.5) * unit, border + (row + 0.5) * unit
    return (
        min(POINT_MAX, round(x * POINT_MAX / frame_size)),
        min(POINT_MAX, round(y * POINT_MAX / frame_size)),
    )


def in_view(player: Any, pos) -> bool:
    col, row = np.asarray(pos) - view_origin(player)
    return 0 <= col < VIEW_GRID[0] and 0 <= row < VIEW_GRID[1]


def visible(world: Any, player: Any, name: str) -> list[tuple[int, int]]:
    """Cells of the view holding `name`, nearest (Manhattan) first."""
    origin = view_origin(player)
    cells = []
    for col in range(VIEW_GRID[0]):
        for row in range(VIEW_GRID[1]):
            pos = origin + np.array([col, row])
            if world[pos][0] is not None and cell_name(world, pos) == name:
                cells.append((int(pos[0]), int(pos[1])))
    player_pos = np.asarray(player.pos)
    return sorted(cells, key=lambda p: (abs(p[0] - player_pos[0]) + abs(p[1] - player_pos[1]), p))


def step_toward(world: Any, player: Any, target, within_view: bool = True) -> str | None:
    """The move action of the first step of a shortest walkable path to a cell next to `target`
    (breadth first; when already next to it, the move that faces it); None when no path exists."""
    start = (int(player.pos[0]), int(player.pos[1]))
    target = (int(target[0]), int(target[1]))
    if abs(start[0] - target[0]) + abs(start[1] - target[1]) == 1:
        return DIRECTIONS[(target[0] - start[0], target[1] - start[1])]
    goals = {(target[0] + dx, target[1] + dy) for dx, dy in DIRECTIONS}
    first: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if cell in goals:
            while first[cell] is not None and first[cell] != start:
                cell = first[cell]
            return DIRECTIONS[(cell[0] - start[0], cell[1] - start[1])]
        for dx, dy in DIRECTIONS:
            nxt = (cell[0] + dx, cell[1] + dy)
            if nxt in first or (within_view and not in_view(player, nxt)):
                continue
            material, obj = world[nxt]
            if material in WALKABLE and obj is None:
                first[nxt] = cell
                queue.append(nxt)
    return None


# ----- executors ------------------------------------------------------------------------------------
class CrafterRawExecutor(PlannedExecutor):
    """One tick that must be one of Crafter's 17 actions (refused otherwise: an invalid action)."""

    space = "raw"

    def __init__(self):
        super().__init__(max_ticks=1)

    def plan(self, action: RawAction) -> list[EnvAction]:
        crafter_action(action)
        return [raw_to_env(action)]


class CrafterMotionExecutor(MotionExecutor):
    """The motion macro, refused unless every tick is a Crafter action."""

    def plan(self, action) -> list[EnvAction]:
        ticks = super().plan(action)
        for tick in ticks:
            try:
                crafter_action(tick)
            except InvalidAction:
                raise InvalidAction(
                    f"motion {', '.join(action.phrases)!r} has no Crafter form: only one of move forward/back/"
                    "left/right, attack or sneak runs on Crafter"
                ) from None
        return ticks


class _CrafterController(ExecutorBase):
    """Closed loop on one target cell or creature: walk next to it, face it, `do` until it is gone."""

    def __init__(self, env: Any, max_ticks: int):
        super().__init__(max_ticks=max_ticks)
        self.env = env
        self.target: Any = None
        self.goal = "mine"

    def aim(self, goal: str, pos, name: str) -> None:
        if name == "lava":
            raise InvalidAction("lava cannot be a target: facing it means stepping into it, which kills")
        world = self.env.sim._world
        _, obj = world[pos]
        self.goal, self.name = goal, name
        self.target = obj if name in CREATURES else (int(pos[0]), int(pos[1]))
        self.before = self._gains()

    def _gains(self) -> dict[str, int]:
        inventory = self.env.sim._player.inventory
        return {item: inventory[item] for item in GAINS}

    def _target_pos(self):
        if self.name in CREATURES:
            return None if self.target.removed or self.target.health <= 0 else tuple(self.target.pos)
        world = self.env.sim._world
        return None if cell_name(world, self.target) != self.name else self.target

    def _tick(self, observation) -> EnvAction | None:
        player, world = self.env.sim._player, self.env.sim._world
        pos = self._target_pos()
        if pos is None:  # collected or killed: done
            return None
        if self.goal == "mine" and any(v > self.before[k] for k, v in self._gains().items()):
            return None  # got something from it (a sapling from grass, a sip of water): done
        distance = abs(pos[0] - player.pos[0]) + abs(pos[1] - player.pos[1])
        if self.goal == "approach" and distance <= 1:
            return None
        if distance == 1:
            facing = (pos[0] - player.pos[0], pos[1] - player.pos[1])
            if tuple(player.facing) != facing:
                return action_env(DIRECTIONS[facing])
            return action_env("do")
        move = step_toward(world, player, pos)
        if move is None:
            self.fail(f"no walkable path to the {self.name} within the view")
            return None
        return action_env(move)


class CrafterGroundingExecutor(_CrafterController):
    """`Mine|Kill|Approach <object>(x, y)`: see the module docstring for its bound."""

    space = "grounding"
    VERBS: ClassVar[dict[str, str]] = {"Mine": "mine", "Kill": "mine", "Approach": "approach"}

    def _start(self, action: GroundingAction, observation) -> None:
        if action.verb not in self.VERBS:
            raise InvalidAction(f"Crafter grounding takes {', '.join(self.VERBS)}, not {action.verb!r}")
        if action.object not in MATERIALS | CREATURES:
            raise InvalidAction(
                f"{action.object!r} is no Crafter object: one of {sorted(MATERIALS | CREATURES)}"
            )
        sim = self.env.sim
        cell = point_to_cell(sim._player, action.point, observation["image"].shape[0])
        if cell is None:
            raise InvalidAction(f"point {action.point} is outside Crafter's 9 x 7 view")
        if cell_name(sim._world, cell) != action.object:
            raise InvalidAction(
                f"point {action.point} hits {cell_name(sim._world, cell)!r}, not {action.object!r}"
            )
        self.aim(self.VERBS[action.verb], cell, action.object)


class CrafterSkillExecutor(_CrafterController):
    """`mine|kill|approach|look for <object>`, `craft <tool>`, `use <item>`: see the module docstring."""

    space = "skill"

    def _start(self, action: SkillAction, observation) -> None:
        sim = self.env.sim
        self.planned: list[str] = []
        self.looking = None
        if action.verb in ("mine", "kill", "approach"):
            if action.target not in MATERIALS | CREATURES:
                raise InvalidAction(f"{action.target!r} is no Crafter object")
            cells = visible(sim._world, sim._player, action.target)
            if not cells:
                self.fail(f"no {action.target} in view")
                return
            self.aim("approach" if action.verb == "approach" else "mine", cells[0], action.target)
        elif action.verb == "look for":
            if action.target not in MATERIALS | CREATURES:
                raise InvalidAction(f"{action.target!r} is no Crafter object")
            self.looking = action.target
        elif action.verb == "craft" and action.target in MAKEABLE:
            self.planned = [f"make_{action.target}"]
        elif action.verb == "use" and action.target in PLACEABLE:
            self.planned = [f"place_{PLACEABLE[action.target]}"]
        else:
            raise InvalidAction(f"Crafter has no skill {action.verb} {action.target}")

    def _tick(self, observation) -> EnvAction | None:
        if self.status != RUNNING:
            return None
        if self.planned:
            return action_env(self.planned.pop()) if self.ticks == 0 else None
        if self.looking is not None:
            sim = self.env.sim
            if visible(sim._world, sim._player, self.looking):
                return None
            player, world = sim._player, sim._world
            ahead = np.asarray(player.pos) + np.asarray(player.facing)
            material, obj = world[ahead]
            if material in WALKABLE and obj is None:
                return action_env(DIRECTIONS[tuple(int(v) for v in player.facing)])
            turn = (int(-player.facing[1]), int(player.facing[0]))  # blocked: turn right and go on
            return action_env(DIRECTIONS[turn])
        return super()._tick(observation)


def crafter_executors(env: Any, codebook: Any = None, max_ticks: int = 100):
    """The executors of every space on one Crafter env (latent only with a codebook)."""
    from crossagent.executors.dispatch import ExecutorSet

    executors: dict[str, Any] = {
        "raw": CrafterRawExecutor(),
        "motion": CrafterMotionExecutor(),
        "grounding": CrafterGroundingExecutor(env, max_ticks=max_ticks),
        "skill": CrafterSkillExecutor(env, max_ticks=max_ticks),
    }
    if codebook is not None:
        from crossagent.executors.latent import LatentExecutor

        executors["latent"] = LatentExecutor(codebook)
    return ExecutorSet(executors, known_objects=None)
