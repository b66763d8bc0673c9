"""Which blocks, mobs and usable blocks the suite covers, chosen by rules over MineSim's data layer.

mine_block: breakable blocks that have an item (so they are placeable), minus technical or
creative-only blocks, with colour families reduced to their white member and wooden or stone shape
families (stairs, slabs, doors, ...) to their plain member; ordered training targets first, then the
overworld-natural blocks, then the rest by SHA-256 of the name, and cut at `MINE_COUNT` (the paper's 153).
kill_entity: every overworld mob MineSim simulates except one no player can beat with the weapon. interact_block: 13 usable blocks, the paper's workstations
where MineSim has them, filled up with other interactable blocks in a fixed order.
"""

from __future__ import annotations

import functools
import hashlib

from crossagent.sim.data import BLOCKS, INTERACTABLE_BLOCKS, ITEMS, MOBS, break_ticks, can_harvest
from crossagent.tasks.splits import TRAIN_KILL, TRAIN_MINE

MINE_COUNT = 153
INTERACT_COUNT = 13

DYES = (
    "white", "orange", "magenta", "light_blue", "yellow", "lime", "pink", "gray",
    "light_gray", "cyan", "purple", "blue", "brown", "green", "red", "black",
)  # fmt: skip
DYED_FAMILIES = (
    "_wool", "_carpet", "_bed", "_banner", "_concrete", "_concrete_powder", "_terracotta",
    "_glazed_terracotta", "_stained_glass", "_stained_glass_pane", "_shulker_box",
)  # fmt: skip
WOODS = ("oak", "spruce", "birch", "jungle", "acacia", "dark_oak", "crimson", "warped")
SHAPES = (
    "_stairs", "_slab", "_wall", "_fence", "_fence_gate", "_door", "_trapdoor",
    "_button", "_pressure_plate", "_sign",
)  # fmt: skip
TECHNICAL = frozenset(
    {
        "spawner", "farmland", "grass_path", "petrified_oak_slab", "structure_void", "dragon_egg",
        "chorus_plant", "player_head", "zombie_head", "creeper_head", "dragon_head", "skeleton_skull",
        "wither_skeleton_skull", "bedrock", "barrier", "command_block", "jigsaw", "structure_block",
    }
)  # fmt: skip
"""Blocks a survival player cannot obtain or that only exist for map makers."""

NATURAL = (
    "stone", "granite", "diorite", "andesite", "grass_block", "dirt", "coarse_dirt", "podzol", "sand",
    "red_sand", "gravel", "clay", "sandstone", "red_sandstone", "cobblestone", "mossy_cobblestone",
    "obsidian", "coal_ore", "iron_ore", "gold_ore", "diamond_ore", "emerald_ore", "lapis_ore", "redstone_ore",
    "oak_log", "spruce_log", "birch_log", "oak_leaves", "spruce_leaves", "birch_leaves", "oak_sapling",
    "grass", "fern", "tall_grass", "large_fern", "dead_bush", "dandelion", "poppy", "blue_orchid", "allium",
    "azure_bluet", "red_tulip", "orange_tulip", "white_tulip", "pink_tulip", "oxeye_daisy", "cornflower",
    "lily_of_the_valley", "sunflower", "lilac", "rose_bush", "peony", "brown_mushroom", "red_mushroom",
    "brown_mushroom_block", "red_mushroom_block", "mushroom_stem", "sugar_cane", "cactus", "pumpkin", "melon",
    "bamboo", "vine", "lily_pad", "cobweb", "snow_block", "ice", "packed_ice", "blue_ice", "mycelium",
    "terracotta", "white_terracotta", "magma_block", "bee_nest", "hay_block", "bookshelf", "crafting_table",
    "chest", "furnace", "oak_planks", "oak_fence", "oak_door", "torch", "ladder", "white_bed", "white_wool",
    "composter", "bell", "sea_pickle", "prismarine", "sponge", "tube_coral_block", "stone_bricks",
    "mossy_stone_bricks", "cracked_stone_bricks", "glass", "glass_pane",
)  # fmt: skip
"""Blocks a player meets in the overworld (terrain, plants, ores, village and structure blocks)."""

TOOL_CHOICES = (
    "iron_pickaxe", "iron_axe", "iron_shovel", "iron_hoe", "shears", "iron_sword",
)  # fmt: skip
"""Tools tried for mine_block, in tie-break order; a diamond pickaxe only when iron cannot harvest."""

INTERACT_PREFERRED = (
    "anvil", "beacon", "blast_furnace", "brewing_stand", "campfire", "cartography_table", "crafting_table",
    "furnace", "grindstone", "loom", "smithing_table", "smoker", "stonecutter",
)  # fmt: skip
"""The paper's 13 `custom:interact_with_*` blocks."""
INTERACT_FALLBACK = ("chest", "lever", "note_block", "bell", "oak_door", "oak_button", "white_bed", "barrel")
"""Used, in this order, for any preferred block MineSim does not count as interactable."""

UNDEAD_NIGHT_MOBS = frozenset(
    {"zombie", "zombie_villager", "skeleton", "stray", "husk", "phantom", "drowned"}
)
"""Mobs that burn in daylight; their tasks start at night, as in the paper's spawns."""
AQUATIC_MOBS = frozenset(
    {"cod", "salmon", "tropical_fish", "pufferfish", "squid", "dolphin", "guardian", "drowned"}
)
"""Mobs that live in water; their tasks start next to a pool."""
WEAPON = "diamond_sword"
UNBEATABLE_MOBS = {
    "ravager": "needs 15 diamond-sword hits (about 180 ticks of fighting) but kills a 20-health player in 2 "
    "hits, and at 1.95 blocks wide it out-reaches the player, so no melee tactic wins; the paper's easiest "
    "difficulty has no armour either",
}
"""Mobs MineSim simulates but a player with `WEAPON` cannot beat; left out of kill_entity (49 remain,
the paper's count)."""


def _dyed(name: str) -> str | None:
    """The dye of a dyed-family block (`light_blue_wool` -> `light_blue`), None otherwise."""
    if not name.endswith(DYED_FAMILIES):
        return None
    return next((dye for dye in sorted(DYES, key=len, reverse=True) if name.startswith(dye + "_")), None)


def _wood(name: str) -> str | None:
    stem = name.removeprefix("stripped_")
    return next((wood for wood in sorted(WOODS, key=len, reverse=True) if stem.startswith(wood + "_")), None)


def is_mine_candidate(name: str) -> bool:
    """Breakable, placeable and survival-obtainable, and the plain member of its family."""
    if name in TECHNICAL or name.startswith("infested_") or name not in ITEMS:
        return False
    dye = _dyed(name)
    if dye is not None:
        return dye == "white"
    wood = _wood(name)
    if name.endswith(SHAPES):
        return wood == "oak" if wood else name.startswith(("stone_", "cobblestone_"))
    if wood is not None:
        return wood in ("oak", "spruce", "birch") and not name.startswith("stripped_")
    if "coral" in name:
        return name.endswith("_coral_block") and not name.startswith("dead_")
    return True


def _name_rank(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest()


@functools.cache
def mine_targets() -> tuple[str, ...]:
    candidates = {b.name for b in BLOCKS if b.id != 0 and b.hardness is not None and not b.liquid}
    candidates = {name for name in candidates if is_mine_candidate(name)}
    missing = [name for name in (*TRAIN_MINE, *NATURAL) if name not in candidates]
    if missing:
        raise RuntimeError(
            f"mine_block targets {missing} are not breakable placeable blocks in the data layer"
        )
    ordered = list(dict.fromkeys([*TRAIN_MINE, *NATURAL]))
    ordered += sorted(candidates - set(ordered), key=_name_rank)
    return tuple(ordered[:MINE_COUNT])


@functools.cache
def mine_tool(block: str) -> str | None:
    """The tool that breaks `block` fastest while harvesting it; None when no tool beats the hand."""
    choices = list(TOOL_CHOICES)
    if not any(can_harvest(block, tool) for tool in choices):
        choices = ["diamond_pickaxe"]
    harvesting = [tool for tool in choices if can_harvest(block, tool)] or choices
    best = min(harvesting, key=lambda tool: break_ticks(block, tool))
    if break_ticks(block, best) >= break_ticks(block, None) and can_harvest(block, None):
        return None
    return best


def kill_targets() -> tuple[str, ...]:
    """Every overworld mob MineSim simulates that a player can beat, training targets first."""
    missing = [name for name in TRAIN_KILL if name not in MOBS]
    if missing:
        raise RuntimeError(f"training kill targets {missing} are not MineSim mobs")
    beatable = [name for name in sorted(MOBS) if name not in UNBEATABLE_MOBS]
    return tuple(dict.fromkeys([*TRAIN_KILL, *beatable]))


def interact_targets() -> tuple[str, ...]:
    usable = [name for name in (*INTERACT_PREFERRED, *INTERACT_FALLBACK) if name in INTERACTABLE_BLOCKS]
    if len(usable) < INTERACT_COUNT:
        raise RuntimeError(f"only {len(usable)} interactable blocks available, need {INTERACT_COUNT}")
    return tuple(usable[:INTERACT_COUNT])
