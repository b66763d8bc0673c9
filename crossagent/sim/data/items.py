"""Items of Minecraft 1.16.5: ids, stack sizes, colours, foods; melee damage lives in tools.py."""

from __future__ import annotations

from dataclasses import dataclass

from crossagent.sim.data.colors import RGB, color_for
from crossagent.sim.data.source import lookup, mc
from crossagent.sim.data.tools import attack_damage

__all__ = [
    "FOODS",
    "ITEMS",
    "ITEMS_BY_ID",
    "FoodInfo",
    "ItemInfo",
    "attack_damage",
    "item_info",
    "stack_size",
]


@dataclass(frozen=True)
class ItemInfo:
    """One item type."""

    id: int
    """minecraft-data item id (dense, 0 = air)."""
    name: str
    """Minecraft name without namespace, e.g. 'stick'."""
    stack_size: int
    """Most items one slot holds (64, 16 or 1)."""
    color: RGB
    """Icon colour, deterministic per name (same as the block's for block items)."""
    display_name: str = ""
    """English name as shown in game."""
    max_durability: int | None = None
    """Uses of a tool or armour piece; None for items that do not wear."""


@dataclass(frozen=True)
class FoodInfo:
    """What eating an item restores."""

    food_points: int
    """Hunger points restored (20 = full bar)."""
    saturation: float
    """Saturation restored."""


def _build() -> dict[str, ItemInfo]:
    return {
        raw["name"]: ItemInfo(
            id=raw["id"],
            name=raw["name"],
            stack_size=int(raw["stackSize"]),
            color=color_for(raw["name"]),
            display_name=raw.get("displayName", raw["name"]),
            max_durability=raw.get("maxDurability"),
        )
        for raw in sorted(mc().items_list, key=lambda r: r["id"])
    }


ITEMS: dict[str, ItemInfo] = _build()
"""Every item by name."""
ITEMS_BY_ID: dict[int, ItemInfo] = {info.id: info for info in ITEMS.values()}
# minecraft-data's foods table carries stale ids; key it by name.
FOODS: dict[str, FoodInfo] = {
    f["name"]: FoodInfo(int(f["foodPoints"]), float(f["saturation"]))
    for f in mc().foods_list
    if f["name"] in ITEMS
}
"""Edible items by name."""


def item_info(name: str) -> ItemInfo:
    """The item called `name`; ValueError naming it (with close names) if there is none."""
    return lookup(ITEMS, name, "item")


def stack_size(name: str) -> int:
    """How many of item `name` one slot holds; ValueError if unknown."""
    return item_info(name).stack_size
