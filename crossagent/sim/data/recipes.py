"""Crafting recipes of Minecraft 1.16.5 from minecraft-data, matched as the game matches them.

minecraft-data expands every item tag into one recipe per item (8 chest recipes, one per plank kind).
Variants with the same result, count and shape are merged back into one recipe whose cells accept any
of the variants' items, which is what the tag means in game: a chest of mixed planks crafts.

Matching: a shaped recipe matches when the grid's non-empty cells, trimmed to their bounding box, equal
its (trimmed) pattern or the pattern mirrored left-right, so it matches at any position; a shapeless
recipe matches when the grid's items pair one-to-one with its ingredients. The 2x2 grid only reaches
recipes that fit in 2x2.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from crossagent.sim.data.smelting import FUELS, SMELT_TICKS, SMELTING, fuel_ticks, smelting_result
from crossagent.sim.data.source import mc

__all__ = [
    "FUELS", "RECIPES", "REMAINDERS", "SMELTING", "SMELT_TICKS", "Recipe", "find_recipe", "fuel_ticks",
    "match_recipe", "recipes_for", "smelting_result",
]  # fmt: skip

Cell = frozenset[str] | None

# Items that leave a container in the grid when used as an ingredient.
REMAINDERS: dict[str, str] = {
    "milk_bucket": "bucket",
    "water_bucket": "bucket",
    "lava_bucket": "bucket",
    "honey_bottle": "glass_bottle",
    "dragon_breath": "glass_bottle",
}


@dataclass(frozen=True)
class Recipe:
    """One crafting recipe (tag alternatives merged)."""

    result: str
    """Item crafted."""
    count: int
    """How many one craft yields."""
    shapeless: bool
    """Shapeless: ingredients anywhere; shaped: pattern in `cells`."""
    width: int
    """Pattern width (shaped; for shapeless, 0)."""
    height: int
    """Pattern height (shaped; for shapeless, 0)."""
    cells: tuple[Cell, ...]
    """Shaped: row-major pattern, each cell the items it accepts or None for empty. Shapeless: one entry
    per ingredient."""
    variants: int = 1
    """minecraft-data recipes merged into this one."""

    @property
    def fits_2x2(self) -> bool:
        """Craftable in the player's 2x2 inventory grid."""
        if self.shapeless:
            return len(self.cells) <= 4
        return self.width <= 2 and self.height <= 2

    def ingredients(self) -> list[frozenset[str]]:
        """The non-empty cells, one per item consumed."""
        return [c for c in self.cells if c is not None]


def _trim(rows: list[list[str | None]]) -> list[list[str | None]]:
    """Drop empty outer rows and columns (the game's ShapedRecipe.shrink)."""
    rows = [r for r in rows]
    while rows and all(c is None for c in rows[0]):
        rows.pop(0)
    while rows and all(c is None for c in rows[-1]):
        rows.pop()
    if not rows:
        return rows
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    cols = [j for j in range(width) if any(r[j] is not None for r in rows)]
    return [r[cols[0] : cols[-1] + 1] for r in rows]


def _load() -> list[Recipe]:
    names = {item["id"]: item["name"] for item in mc().items_list}
    groups: dict[tuple, list[tuple[str | None, ...]]] = defaultdict(list)
    for entries in mc().recipes.values():
        for raw in entries:
            result, count = names[raw["result"]["id"]], int(raw["result"].get("count", 1))
            if "inShape" in raw:
                rows = _trim([[names[c] if c is not None else None for c in row] for row in raw["inShape"]])
                height, width = len(rows), len(rows[0])
                flat = tuple(c for row in rows for c in row)
                mask = tuple(c is None for c in flat)
                groups[(result, count, False, width, height, mask)].append(flat)
            else:
                items = sorted(names[c] for c in raw["ingredients"])
                groups[(result, count, True, 0, 0, len(items))].append(tuple(items))
    recipes = []
    for (result, count, shapeless, width, height, _), variants in groups.items():
        if shapeless:
            cells = _merge_shapeless(variants)
        else:
            cells = tuple(
                None if variants[0][i] is None else frozenset(v[i] for v in variants)
                for i in range(len(variants[0]))
            )
        recipes.append(Recipe(result, count, shapeless, width, height, cells, len(variants)))
    return recipes


def _merge_shapeless(variants: list[tuple[str | None, ...]]) -> tuple[Cell, ...]:
    """Ingredients shared by all variants, plus one slot of alternatives where they differ.

    In 1.16.5 data the variants of one shapeless recipe differ in a single ingredient; a group that
    differs in more is left as the union per sorted position (checked by the tests on the data).
    """
    common = Counter(variants[0])
    for v in variants[1:]:
        common &= Counter(v)
    rests = [sorted((Counter(v) - common).elements()) for v in variants]
    cells: list[Cell] = [frozenset([item]) for item in sorted(common.elements())]
    for i in range(len(rests[0])):
        cells.append(frozenset(r[i] for r in rests))
    return tuple(cells)


RECIPES: list[Recipe] = _load()
"""All crafting recipes (tag variants merged)."""
RECIPE_ENTRIES = sum(r.variants for r in RECIPES)
"""minecraft-data recipe entries loaded (1198 for 1.16.5)."""

_SHAPED: dict[tuple[int, int, tuple[bool, ...]], list[tuple[Recipe, bool]]] = defaultdict(list)
_SHAPELESS: dict[int, list[Recipe]] = defaultdict(list)
_BY_RESULT: dict[str, list[Recipe]] = defaultdict(list)


def _mirror(cells: tuple, width: int) -> tuple:
    return tuple(c for y in range(len(cells) // width) for c in reversed(cells[y * width : (y + 1) * width]))


for _r in RECIPES:
    _BY_RESULT[_r.result].append(_r)
    if _r.shapeless:
        _SHAPELESS[len(_r.cells)].append(_r)
        continue
    _mask = tuple(c is None for c in _r.cells)
    _SHAPED[(_r.width, _r.height, _mask)].append((_r, False))
    _mirrored_mask = _mirror(_mask, _r.width)
    _SHAPED[(_r.width, _r.height, _mirrored_mask)].append((_r, True))


def _shaped_matches(recipe: Recipe, cells: tuple[str | None, ...], mirrored: bool) -> bool:
    pattern = _mirror(recipe.cells, recipe.width) if mirrored else recipe.cells
    return all(
        (want is None) == (got is None) and (want is None or got in want) for want, got in zip(pattern, cells)
    )


def _shapeless_matches(recipe: Recipe, items: list[str]) -> bool:
    # Pair grid items with ingredient slots one-to-one (backtracking; at most 9 items).
    slots = list(recipe.cells)
    used = [False] * len(slots)

    def assign(k: int) -> bool:
        if k == len(items):
            return True
        for i, accepts in enumerate(slots):
            if not used[i] and accepts is not None and items[k] in accepts:
                used[i] = True
                if assign(k + 1):
                    return True
                used[i] = False
        return False

    return assign(0)


def find_recipe(grid: list[str | None], width: int) -> Recipe | None:
    """The recipe the crafting grid (row-major, `width` columns, None = empty) makes, or None."""
    if width <= 0 or len(grid) % width:
        raise ValueError(f"grid of {len(grid)} cells is not a whole number of rows of width {width}")
    rows = [list(grid[y * width : (y + 1) * width]) for y in range(len(grid) // width)]
    trimmed = _trim(rows)
    if not trimmed:
        return None
    h, w = len(trimmed), len(trimmed[0])
    cells = tuple(c for row in trimmed for c in row)
    for recipe, mirrored in _SHAPED.get((w, h, tuple(c is None for c in cells)), ()):
        if _shaped_matches(recipe, cells, mirrored):
            return recipe
    items = [c for c in cells if c is not None]
    for recipe in _SHAPELESS.get(len(items), ()):
        if _shapeless_matches(recipe, items):
            return recipe
    return None


def match_recipe(grid: list[str | None], width: int) -> tuple[str, int] | None:
    """(result item, count) of what the grid crafts, or None."""
    recipe = find_recipe(grid, width)
    return None if recipe is None else (recipe.result, recipe.count)


def recipes_for(item: str) -> list[Recipe]:
    """Recipes whose result is `item` (empty if it is not craftable)."""
    return list(_BY_RESULT.get(item, ()))
