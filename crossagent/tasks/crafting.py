"""Craft and smelt plans: what goes in the grid or the furnace for each target, read from minecraft-data.

The plan is read straight from minecraft-data's recipe table (the first recipe variant of each item,
which uses the plainest ingredients, e.g. oak planks), independently of the data layer's
`match_recipe`; the tests check the two agree on every task.
"""

from __future__ import annotations

import collections
import functools
import math
from dataclasses import dataclass

from crossagent.sim.data.source import mc


@dataclass(frozen=True)
class CraftPlan:
    """One way to craft `item`: the grid the player fills and which GUI offers a grid that large."""

    item: str
    count: int
    """Items one craft yields."""
    grid: tuple[str | None, ...]
    """Row-major cells of a `width` x `width` grid, shape placed at the top left (None = empty)."""
    width: int
    """2 for the inventory's 2x2 grid, 3 for a crafting table."""

    @property
    def gui(self) -> str:
        return "inventory" if self.width == 2 else "crafting_table"

    @property
    def needed(self) -> dict[str, int]:
        """How many of each ingredient one craft consumes."""
        return dict(sorted(collections.Counter(cell for cell in self.grid if cell is not None).items()))


def _item_names() -> dict[int, str]:
    return {raw["id"]: raw["name"] for raw in mc().items_list}


def _plan(item: str, recipe: dict, names: dict[int, str]) -> CraftPlan:
    if "inShape" in recipe:
        rows = [[names[i] if i is not None else None for i in row] for row in recipe["inShape"]]
        height, shape_width = len(rows), max(len(row) for row in rows)
        width = 2 if height <= 2 and shape_width <= 2 else 3
        grid: list[str | None] = [None] * (width * width)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                grid[r * width + c] = cell
    else:
        ingredients = [names[i] for i in recipe["ingredients"]]
        width = 2 if len(ingredients) <= 4 else 3
        grid = [*ingredients, *[None] * (width * width - len(ingredients))]
    return CraftPlan(item=item, count=int(recipe["result"]["count"]), grid=tuple(grid), width=width)


@functools.cache
def craft_plans() -> dict[str, CraftPlan]:
    """Every craftable item of Minecraft 1.16.5 -> its plan, sorted by item name."""
    names = _item_names()
    plans = {}
    for result_id, recipes in mc().recipes.items():
        item = names[int(result_id)]
        plans[item] = _plan(item, recipes[0], names)
    return dict(sorted(plans.items()))


@dataclass(frozen=True)
class SmeltPlan:
    """Put `input` and `fuel` in the furnace, take out `item`."""

    item: str
    input: str
    cook_ticks: int
    fuel: str
    burn_ticks: int
    """Ticks one fuel item burns."""

    def fuel_count(self, inputs: int) -> int:
        """Fuel items that keep the furnace burning for `inputs` items."""
        return math.ceil(inputs * self.cook_ticks / self.burn_ticks)


SMELT_FUELS = ("coal", "charcoal", "oak_planks", "oak_log")
"""Fuels a scene may hand out; the rng picks one that is not the input itself."""


@functools.cache
def smelt_inputs() -> dict[str, tuple[str, int]]:
    """Smelting output -> (input, cook ticks), the input being the first by name among those that give it."""
    from crossagent.sim.data.recipes import SMELTING

    by_output: dict[str, list[tuple[str, int]]] = collections.defaultdict(list)
    for source, (output, _count, ticks) in SMELTING.items():
        by_output[output].append((source, int(ticks)))
    return {output: min(sources) for output, sources in sorted(by_output.items())}


def smelt_plan(item: str, fuel: str) -> SmeltPlan:
    from crossagent.sim.data.recipes import FUELS

    source, ticks = smelt_inputs()[item]
    return SmeltPlan(item=item, input=source, cook_ticks=ticks, fuel=fuel, burn_ticks=int(FUELS[fuel]))
