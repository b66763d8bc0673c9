"""Agents for the Crafter backend: the uniform random floor and a privileged scripted policy.

`CrafterRandomAgent` draws one of Crafter's 17 actions uniformly each step (the Crafter paper's random
baseline). `CrafterScriptedAgent` reads the world (`observation["sim"]`, the Crafter env) and works
down Crafter's tech tree toward its task's achievement (for `crafter:play`, toward the first one not
yet unlocked), keeping itself fed, watered and rested. It writes a grounding action (`Mine tree(x,y)`)
when its target is in view, else the raw tick of the next step of a path (or of an exploring walk),
or the raw place/make/sleep tick, so its episodes label decisions in the grounding and raw spaces.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossagent.agents.base import Agent
from crossagent.executors.crafter import (
    CRAFTER_ACTIONS,
    CRAFTER_RAW,
    DIRECTIONS,
    WALKABLE,
    cell_to_point,
    step_toward,
    visible,
)
from modeling_crossagent.action_spaces import GroundingAction, format_action

_UINT64 = (1 << 64) - 1

TOOL_FOR = {
    "stone": "wood_pickaxe",
    "coal": "wood_pickaxe",
    "iron": "stone_pickaxe",
    "diamond": "iron_pickaxe",
}
"""Material -> the pickaxe Crafter requires to collect it."""
SOURCE_OF = {"wood": "tree", "stone": "stone", "coal": "coal", "iron": "iron", "diamond": "diamond",
             "drink": "water", "sapling": "grass"}  # fmt: skip
"""Inventory item -> the material `do` collects it from."""
PLAY_ORDER = (
    "collect_wood", "place_table", "make_wood_pickaxe", "make_wood_sword", "collect_sapling", "place_plant",
    "collect_drink", "wake_up", "collect_stone", "place_stone", "make_stone_pickaxe", "make_stone_sword",
    "collect_coal", "place_furnace", "eat_cow", "defeat_zombie", "collect_iron", "make_iron_pickaxe",
    "make_iron_sword", "collect_diamond", "eat_plant", "defeat_skeleton",
)  # fmt: skip
"""The order `crafter:play` pursues achievements in (the tech tree's)."""
SEARCH_RADIUS = 24
"""Cells the scripted agent looks for targets beyond the view (privileged, like the MineSim expert)."""


def raw_text(name: str) -> str:
    """The action text of Crafter action `name`."""
    return format_action(CRAFTER_RAW[name])


class CrafterRandomAgent:
    """One of Crafter's 17 actions, uniformly, per step (deterministic per (agent seed, world seed))."""

    def __init__(self, seed: int = 0, name: str = "crafter-random") -> None:
        self.seed, self.name = seed, name
        self._rngs: dict[int, np.random.Generator] = {}
        self._texts = [raw_text(action) for action in CRAFTER_ACTIONS]

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        entropy = [self.seed, 0 if seed is None else int(seed) & _UINT64, batch_index if seed is None else 0]
        self._rngs[batch_index] = np.random.default_rng(entropy)

    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        return [self._texts[int(self._rngs[i].integers(len(self._texts)))] for i in range(len(observations))]


class CrafterScriptedAgent:
    """Privileged scripted Crafter policy (see the module docstring)."""

    privileged = True

    def __init__(self, seed: int = 0, name: str = "crafter-scripted") -> None:
        self.seed, self.name = seed, name
        self._rngs: dict[int, np.random.Generator] = {}
        self._heading: dict[int, tuple[int, int]] = {}

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        entropy = [self.seed, 0 if seed is None else int(seed) & _UINT64, batch_index]
        self._rngs[batch_index] = rng = np.random.default_rng(entropy)
        self._heading[batch_index] = list(DIRECTIONS)[int(rng.integers(4))]

    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        texts = []
        for slot, (observation, task) in enumerate(zip(observations, tasks)):
            if "sim" not in observation:
                raise ValueError(
                    "CrafterScriptedAgent needs observation['sim'] (run it through crossagent.rollout)"
                )
            texts.append(self._decide(slot, observation["sim"], task, observation["image"].shape[0]))
        return texts

    # ----- decisions ------------------------------------------------------------------------------
    def _decide(self, slot: int, sim: Any, task: Any, frame_size: int) -> str:
        from crafter import constants

        self._constants, self._frame = constants, frame_size
        player = sim._player
        inventory = player.inventory
        if player.sleeping:
            return raw_text("noop")
        goal = (
            task.success.name
            if task.success.kind == "achievement" and task.success.name in constants.achievements
            else None
        )
        if goal is None:  # crafter:play: the first achievement not yet unlocked
            goal = next((a for a in PLAY_ORDER if player.achievements[a] == 0), "collect_diamond")
        threat = self._nearest(sim, "zombie", radius=2)
        if threat is not None:  # a zombie next to us keeps hitting: fight it rather than walk on
            goal = "defeat_zombie"
        elif goal != "collect_drink" and inventory["drink"] <= 3:
            goal = "collect_drink"
        elif goal != "eat_cow" and inventory["food"] <= 3:
            goal = "eat_cow"
        elif inventory["energy"] <= 2:
            goal = "wake_up"
        return self._pursue(slot, sim, goal, depth=0)

    def _pursue(self, slot: int, sim: Any, goal: str, depth: int) -> str:
        constants, player = self._constants, sim._player
        inventory = player.inventory
        verb, _, thing = goal.partition("_")
        if depth > 6:
            return self._explore(slot, sim)
        if goal == "wake_up":
            return raw_text("sleep")
        if verb == "collect":
            tool = TOOL_FOR.get(thing)
            if tool and inventory[tool] < 1:
                return self._pursue(slot, sim, f"make_{tool}", depth + 1)
            return self._gather(slot, sim, SOURCE_OF[thing])
        if goal == "eat_cow":
            return self._gather(slot, sim, "cow")
        if goal == "defeat_zombie":
            return self._gather(slot, sim, "zombie")
        if goal == "defeat_skeleton":
            if inventory["wood_sword"] < 1:
                return self._pursue(slot, sim, "make_wood_sword", depth + 1)
            return self._gather(slot, sim, "skeleton")
        if goal == "eat_plant":
            plants = [obj for obj in sim._world.objects if type(obj).__name__ == "Plant"]
            ripe = [p for p in plants if p.ripe]
            if ripe:
                return self._gather(slot, sim, "plant")
            if plants:
                return raw_text("noop")  # wait for it to ripen
            return self._pursue(slot, sim, "place_plant", depth + 1)
        if verb == "place":
            info = constants.place[thing]
            for item, amount in info["uses"].items():
                if inventory[item] < amount:
                    return self._pursue(slot, sim, f"collect_{item}", depth + 1)
            return self._place(slot, sim, thing, info["where"])
        if verb == "make":
            info = constants.make[thing]
            for item, amount in info["uses"].items():
                if inventory[item] < amount:
                    return self._pursue(slot, sim, f"collect_{item}", depth + 1)
            nearby, _ = sim._world.nearby(player.pos, 1)
            for station in info["nearby"]:
                if station not in nearby:
                    found = self._nearest(sim, station, radius=6)
                    if found is not None:
                        return self._move_to(slot, sim, found)
                    return self._pursue(slot, sim, f"place_{station}", depth + 1)
            return raw_text(goal)
        return self._explore(slot, sim)

    def _nearest(self, sim: Any, name: str, radius: int = SEARCH_RADIUS):
        """The nearest cell (Manhattan, within `radius`) holding `name` that a path reaches, or None."""
        player, world = sim._player, sim._world
        px, py = (int(v) for v in player.pos)
        candidates = []
        if name in ("cow", "zombie", "skeleton", "plant"):
            candidates = [tuple(int(v) for v in obj.pos) for obj in world.objects
                          if type(obj).__name__.lower() == name and abs(obj.pos[0] - px) + abs(obj.pos[1] - py) <= radius]  # fmt: skip
            if name == "plant":
                candidates = [
                    tuple(int(v) for v in o.pos)
                    for o in world.objects
                    if type(o).__name__ == "Plant" and o.ripe
                ]
        else:
            area = world.area
            for x in range(max(0, px - radius), min(area[0], px + radius + 1)):
                for y in range(max(0, py - radius), min(area[1], py + radius + 1)):
                    if (
                        abs(x - px) + abs(y - py) <= radius
                        and world[(x, y)][0] == name
                        and world[(x, y)][1] is None
                    ):
                        candidates.append((x, y))
        for cell in sorted(candidates, key=lambda c: (abs(c[0] - px) + abs(c[1] - py), c))[:8]:
            if step_toward(world, player, cell, within_view=False) is not None:
                return cell
        return None

    def _gather(self, slot: int, sim: Any, name: str) -> str:
        """`do` on the nearest `name`: a grounding action when it is in view and reachable there."""
        player, world = sim._player, sim._world
        for cell in visible(world, player, name)[:4]:
            if name == "plant" and not world[cell][1].ripe:
                continue
            if step_toward(world, player, cell) is not None:
                verb = "Kill" if name in ("cow", "zombie", "skeleton") else "Mine"
                return format_action(GroundingAction(verb, name, cell_to_point(player, cell, self._frame)))
        found = self._nearest(sim, name)
        if found is not None:
            return self._move_to(slot, sim, found)
        return self._explore(slot, sim)

    def _move_to(self, slot: int, sim: Any, cell) -> str:
        move = step_toward(sim._world, sim._player, cell, within_view=False)
        if move is None:
            return self._explore(slot, sim)
        distance = abs(cell[0] - sim._player.pos[0]) + abs(cell[1] - sim._player.pos[1])
        if distance == 1 and DIRECTIONS[tuple(int(v) for v in sim._player.facing)] == move:
            return raw_text("noop")  # already facing it: close enough for a nearby station
        return raw_text(move)

    def _place(self, slot: int, sim: Any, thing: str, where: list[str]) -> str:
        player, world = sim._player, sim._world
        target = np.asarray(player.pos) + np.asarray(player.facing)
        material, obj = world[target]
        if obj is None and material in where:
            return raw_text(f"place_{thing}")
        for direction, move in DIRECTIONS.items():  # face a free cell where it can go
            material, obj = world[np.asarray(player.pos) + np.asarray(direction)]
            if obj is None and material in where and material == "water":
                return raw_text(move)  # a move toward water only turns the player (toward lava kills)
        return self._explore(slot, sim)

    def _explore(self, slot: int, sim: Any) -> str:
        """Walk on in the current heading; turn at random when blocked."""
        player, world = sim._player, sim._world
        rng = self._rngs[slot]
        heading = self._heading[slot]
        for _ in range(8):
            material, obj = world[np.asarray(player.pos) + np.asarray(heading)]
            if material in WALKABLE and obj is None and rng.random() > 0.05:
                break
            heading = list(DIRECTIONS)[int(rng.integers(4))]
        self._heading[slot] = heading
        return raw_text(DIRECTIONS[heading])


def load_crafter_agent(spec: Any, **model_kwargs) -> Agent:
    """`random` (uniform over the 17 actions), `scripted`/`expert` (the privileged policy), an Agent or a
    saved model folder."""
    if str(spec) == "random":
        return CrafterRandomAgent()
    if str(spec) in ("scripted", "expert"):
        return CrafterScriptedAgent()
    from crossagent.agents.loading import load_agent

    return load_agent(spec, **model_kwargs)
