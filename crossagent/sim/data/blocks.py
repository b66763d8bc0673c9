"""Blocks of Minecraft 1.16.5: ids, hardness, harvest tools, drops, and the break-time rule.

Ids are minecraft-data's block ids, which are dense with 0 = air, so they index numpy voxel arrays.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from crossagent.sim.data import loot
from crossagent.sim.data.colors import RGB, color_for
from crossagent.sim.data.source import lookup, mc
from crossagent.sim.data.tools import TICKS_PER_SECOND


@dataclass(frozen=True)
class BlockInfo:
    """One block type."""

    id: int
    """Dense id, 0 = air; equals minecraft-data's block id."""
    name: str
    """Minecraft name without namespace, e.g. 'oak_log'."""
    hardness: float | None
    """Hardness; None = unbreakable (bedrock, fluids, barrier, ...)."""
    harvest_tools: frozenset[str] | None
    """Items that harvest the block (get drops); None = any item or the hand."""
    material: str | None
    """minecraft-data material ('rock', 'wood', 'dirt', 'plant', ...) that picks the tool speed."""
    solid: bool
    """Full collision box (the player collides with it)."""
    transparent: bool
    """Light and sight pass through (glass, leaves, flowers, fluids)."""
    color: RGB
    """Render colour, deterministic per name."""
    display_name: str = ""
    """English name as shown in game."""
    liquid: bool = False
    """Water or lava."""


# minecraft-data 1.16.5 files wooden slabs and nether-wood pressure plates as rock needing a pickaxe;
# in the game they are wood, axe-effective, and drop when broken by hand.
WOOD_FIXES = frozenset(
    [f"{w}_slab" for w in ("oak", "spruce", "birch", "jungle", "acacia", "dark_oak")]
    + ["crimson_pressure_plate", "warped_pressure_plate"]
)


def _build() -> tuple[list[BlockInfo], dict[str, int]]:
    data = mc()
    items = data.items
    blocks = []
    for raw in sorted(data.blocks_list, key=lambda b: b["id"]):
        name = raw["name"]
        liquid = name in ("water", "lava")
        breakable = raw.get("diggable", True) and raw.get("hardness") is not None and raw["hardness"] >= 0
        tools = raw.get("harvestTools")
        material = raw.get("material")
        if name in WOOD_FIXES:
            tools, material = None, "wood"
        blocks.append(
            BlockInfo(
                id=raw["id"],
                name=name,
                hardness=float(raw["hardness"]) if breakable and not liquid else None,
                harvest_tools=frozenset(items[int(i)]["name"] for i in tools) if tools else None,
                material=None if material in (None, "UNKNOWN_MATERIAL") else material,
                solid=raw.get("boundingBox") == "block" and not liquid,
                transparent=bool(raw.get("transparent")),
                color=color_for(name),
                display_name=raw.get("displayName", name),
                liquid=liquid,
            )
        )
    if [b.id for b in blocks] != list(range(len(blocks))) or blocks[0].name != "air":
        raise RuntimeError("minecraft-data block ids are not dense from 0 = air; ids would not index arrays")
    return blocks, {b.name: b.id for b in blocks}


BLOCKS, BLOCK_IDS = _build()
"""All blocks indexed by id, and name -> id."""
BLOCKS_BY_NAME: dict[str, BlockInfo] = {b.name: b for b in BLOCKS}
AIR = 0
_ITEM_ID_KEYS = {item["name"]: str(item["id"]) for item in mc().items_list}
UNBREAKABLE = 2**31 - 1
"""`break_ticks` of a block that cannot be broken (larger than any episode)."""

# Blocks whose "use" (right click) is an interaction event; the ones that open a GUI say which.
INTERACTABLE_BLOCKS: dict[str, str | None] = {
    "crafting_table": "crafting_table",
    "furnace": "furnace",
    "chest": "chest",
    "trapped_chest": "chest",
    "barrel": "chest",
    "ender_chest": "chest",
    **{b.name: None for b in BLOCKS if b.name.endswith(("_door", "_trapdoor", "_fence_gate", "_button", "_bed"))},
    **{
        name: None
        for name in (
            "lever", "note_block", "bell", "anvil", "chipped_anvil", "damaged_anvil", "jukebox", "cake",
            "enchanting_table", "brewing_stand", "smoker", "blast_furnace", "loom", "cartography_table",
            "grindstone", "smithing_table", "stonecutter", "lectern", "beacon", "hopper", "dispenser",
            "dropper", "composter", "cauldron", "repeater", "comparator", "daylight_detector", "respawn_anchor",
            "flower_pot",
        )
    },
}  # fmt: skip
"""Block name -> GUI kind it opens (None = interaction without a GUI)."""
for _name in INTERACTABLE_BLOCKS:
    if _name not in BLOCK_IDS:
        raise RuntimeError(f"INTERACTABLE_BLOCKS names {_name!r}, which is not a 1.16.5 block")


def block_info(name: str) -> BlockInfo:
    """The block called `name`; ValueError naming it (with close names) if there is none."""
    return lookup(BLOCKS_BY_NAME, name, "block")


def block_id(name: str) -> int:
    """The dense id of block `name`; ValueError if unknown."""
    return block_info(name).id


def _check_held(held_item: str | None) -> None:
    if held_item and held_item not in _ITEM_ID_KEYS:
        lookup(_ITEM_ID_KEYS, held_item, "held item")


def can_harvest(block_name: str, held_item: str | None) -> bool:
    """Whether breaking the block with `held_item` (None = hand) yields drops."""
    _check_held(held_item)
    tools = block_info(block_name).harvest_tools
    return tools is None or (held_item in tools)


def dig_speed(block_name: str, held_item: str | None) -> float:
    """The held item's break speed multiplier on the block (1 = hand or a tool that does not help).

    As in 1.16.5, a tool's speed applies on its materials whatever its tier; the tier only decides
    harvestability (e.g. a wooden pickaxe mines iron ore at speed 2 but drops nothing).
    """
    material = block_info(block_name).material
    if not held_item or material is None:
        return 1.0
    # minecraft-data keys the material speed table by item id (as a string).
    speeds = mc().materials.get(material, {})
    return float(speeds.get(_ITEM_ID_KEYS.get(held_item, ""), 1.0))


@functools.cache
def break_ticks(block_name: str, held_item: str | None) -> int:
    """Ticks of holding attack to break the block, by Minecraft's rule (0 = instant).

    damage per tick = speed / hardness / (30 if harvestable else 100); the block breaks on the tick its
    accumulated damage reaches 1, so ticks = ceil(1 / damage); damage >= 1 breaks instantly.
    """
    info = block_info(block_name)
    _check_held(held_item)
    if info.hardness is None:
        return UNBREAKABLE
    if info.hardness == 0:
        return 0
    damage = dig_speed(block_name, held_item) / info.hardness
    damage /= 30 if can_harvest(block_name, held_item) else 100
    if damage >= 1:
        return 0
    return math.ceil(1 / damage - 1e-9)


def break_seconds(block_name: str, held_item: str | None) -> float:
    """`break_ticks` in seconds at 20 ticks/s."""
    return break_ticks(block_name, held_item) / TICKS_PER_SECOND


def _drop_table(name: str) -> list[loot.Drop]:
    if name in loot.BLOCK_LOOT_FIXES:
        return loot.BLOCK_LOOT_FIXES[name]
    entries = mc().blockLoot.get(name)
    if entries is not None:
        drops = loot.from_minecraft_data(entries)
        if name.endswith("_slab"):  # the data records the double slab; the world places single slabs
            drops = [d._replace(lo=1, hi=1) for d in drops]
        return drops
    # Wall variants (wall_torch, oak_wall_sign, ...) have no loot entry; they drop the standing item.
    item = name.replace("wall_", "")
    return [loot.Drop(item, 1.0, 1, 1)] if item in mc().items_name and item != "air" else []


def drop_items(name: str) -> frozenset[str]:
    """Every item breaking block `name` can drop (with the right tool), e.g. stone -> {cobblestone}."""
    return frozenset(drop.item for drop in _drop_table(name))


def block_drops(name: str, held_item: str | None, rng: loot.Rng) -> list[tuple[str, int]]:
    """Items dropped when a player breaks block `name` with `held_item` (no enchantments).

    Nothing drops when the held item cannot harvest the block (stone by hand, iron ore with wood).
    """
    if not can_harvest(name, held_item):
        return []
    return loot.roll(_drop_table(name), rng)
