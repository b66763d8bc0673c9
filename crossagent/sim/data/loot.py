"""Loot: minecraft-data's blockLoot/entityLoot normalised into drop entries, plus corrections.

minecraft-data flattens the game's loot tables lossily: silk-touch alternatives share a `dropChance` of
0.5, shears-only drops look unconditional, fortune and looting ranges leak into base counts. The tables
below give the 1.16.5 drops for a player without enchantments (no silk touch, fortune or looting) where
the flattened data is wrong; every other block and mob takes its minecraft-data entries.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol


class Drop(NamedTuple):
    """One loot roll: `item` drops with probability `chance`, `lo..hi` of it (uniform).

    `chance=None` means "only if nothing earlier in the list dropped" (the game's alternatives pool).
    """

    item: str
    chance: float | None
    lo: int
    hi: int


class Rng(Protocol):
    def random(self) -> float: ...


def _leaves(sapling: str, sapling_chance: float, apple: bool) -> list[Drop]:
    drops = [Drop(sapling, sapling_chance, 1, 1), Drop("stick", 0.02, 1, 2)]
    return [*drops, Drop("apple", 0.005, 1, 1)] if apple else drops


BLOCK_LOOT_FIXES: dict[str, list[Drop]] = {
    "oak_leaves": _leaves("oak_sapling", 0.05, True),
    "dark_oak_leaves": _leaves("dark_oak_sapling", 0.05, True),
    "spruce_leaves": _leaves("spruce_sapling", 0.05, False),
    "birch_leaves": _leaves("birch_sapling", 0.05, False),
    "acacia_leaves": _leaves("acacia_sapling", 0.05, False),
    "jungle_leaves": _leaves("jungle_sapling", 0.025, False),
    "grass": [Drop("wheat_seeds", 0.125, 1, 1)],
    "fern": [Drop("wheat_seeds", 0.125, 1, 1)],
    "tall_grass": [Drop("wheat_seeds", 0.125, 1, 1)],
    "large_fern": [Drop("wheat_seeds", 0.125, 1, 1)],
    "dead_bush": [Drop("stick", 1.0, 0, 2)],
    "cobweb": [Drop("string", 1.0, 1, 1)],
    "vine": [],
    "seagrass": [],
    "tall_seagrass": [],
    "gravel": [Drop("flint", 0.1, 1, 1), Drop("gravel", None, 1, 1)],
    "gilded_blackstone": [Drop("gold_nugget", 0.1, 2, 5), Drop("gilded_blackstone", None, 1, 1)],
    "coal_ore": [Drop("coal", 1.0, 1, 1)],
    "diamond_ore": [Drop("diamond", 1.0, 1, 1)],
    "emerald_ore": [Drop("emerald", 1.0, 1, 1)],
    "lapis_ore": [Drop("lapis_lazuli", 1.0, 4, 9)],
    "redstone_ore": [Drop("redstone", 1.0, 4, 5)],
    "nether_gold_ore": [Drop("gold_nugget", 1.0, 2, 6)],
    "nether_quartz_ore": [Drop("quartz", 1.0, 1, 1)],
    "glowstone": [Drop("glowstone_dust", 1.0, 2, 4)],
    "sea_lantern": [Drop("prismarine_crystals", 1.0, 2, 3)],
    "melon": [Drop("melon_slice", 1.0, 3, 7)],
    "brown_mushroom_block": [Drop("brown_mushroom", 2 / 9, 1, 2)],
    "red_mushroom_block": [Drop("red_mushroom", 2 / 9, 1, 2)],
    "snow": [Drop("snowball", 1.0, 1, 1)],
    "snow_block": [Drop("snowball", 1.0, 4, 4)],
    # Crops as when fully grown (the world places mature crops).
    "wheat": [Drop("wheat", 1.0, 1, 1), Drop("wheat_seeds", 1.0, 1, 4)],
    "beetroots": [Drop("beetroot", 1.0, 1, 1), Drop("beetroot_seeds", 1.0, 1, 4)],
    "carrots": [Drop("carrot", 1.0, 1, 4)],
    "potatoes": [Drop("potato", 1.0, 1, 4), Drop("poisonous_potato", 0.02, 1, 1)],
    "sweet_berry_bush": [Drop("sweet_berries", 1.0, 2, 3)],
    "twisting_vines": [Drop("twisting_vines", 1 / 3, 1, 1)],
    "twisting_vines_plant": [Drop("twisting_vines", 1 / 3, 1, 1)],
    "weeping_vines": [Drop("weeping_vines", 1 / 3, 1, 1)],
    "weeping_vines_plant": [Drop("weeping_vines", 1 / 3, 1, 1)],
}

# Mob drops for a player kill without looting (1.16.5 loot tables).
ENTITY_LOOT_FIXES: dict[str, list[Drop]] = {
    "cow": [Drop("leather", 1.0, 0, 2), Drop("beef", 1.0, 1, 3)],
    "mooshroom": [Drop("leather", 1.0, 0, 2), Drop("beef", 1.0, 1, 3)],
    "pig": [Drop("porkchop", 1.0, 1, 3)],
    "sheep": [Drop("white_wool", 1.0, 1, 1), Drop("mutton", 1.0, 1, 2)],
    "chicken": [Drop("feather", 1.0, 0, 2), Drop("chicken", 1.0, 1, 1)],
    "rabbit": [Drop("rabbit_hide", 1.0, 0, 1), Drop("rabbit", 1.0, 0, 1), Drop("rabbit_foot", 0.1, 1, 1)],
    "zombie": [Drop("rotten_flesh", 1.0, 0, 2), Drop("iron_ingot", 0.025, 1, 1), Drop("carrot", 0.025, 1, 1)],
    "husk": [Drop("rotten_flesh", 1.0, 0, 2)],
    "zombie_villager": [Drop("rotten_flesh", 1.0, 0, 2)],
    "drowned": [Drop("rotten_flesh", 1.0, 0, 2), Drop("gold_ingot", 0.11, 1, 1)],
    "skeleton": [Drop("bone", 1.0, 0, 2), Drop("arrow", 1.0, 0, 2)],
    "stray": [Drop("bone", 1.0, 0, 2), Drop("arrow", 1.0, 0, 2)],
    "creeper": [Drop("gunpowder", 1.0, 0, 2)],
    "spider": [Drop("string", 1.0, 0, 2), Drop("spider_eye", 1 / 3, 1, 1)],
    "cave_spider": [Drop("string", 1.0, 0, 2), Drop("spider_eye", 1 / 3, 1, 1)],
    "enderman": [Drop("ender_pearl", 1.0, 0, 1)],
    "slime": [Drop("slime_ball", 1.0, 0, 2)],
    "squid": [Drop("ink_sac", 1.0, 1, 3)],
    "witch": [Drop("glass_bottle", 1.0, 0, 2), Drop("redstone", 1.0, 0, 2), Drop("stick", 1.0, 0, 2)],
    "cod": [Drop("cod", 1.0, 1, 1), Drop("bone_meal", 0.05, 1, 1)],
    "salmon": [Drop("salmon", 1.0, 1, 1), Drop("bone_meal", 0.05, 1, 1)],
    "polar_bear": [Drop("cod", 0.75, 0, 2), Drop("salmon", 0.25, 0, 2)],
    "horse": [Drop("leather", 1.0, 0, 2)],
    "donkey": [Drop("leather", 1.0, 0, 2)],
    "mule": [Drop("leather", 1.0, 0, 2)],
    "llama": [Drop("leather", 1.0, 0, 2)],
    "iron_golem": [Drop("iron_ingot", 1.0, 3, 5), Drop("poppy", 1.0, 0, 2)],
    "snow_golem": [Drop("snowball", 1.0, 0, 15)],
    "guardian": [Drop("prismarine_shard", 1.0, 0, 2), Drop("cod", 0.4, 1, 1)],
    "phantom": [Drop("phantom_membrane", 1.0, 0, 1)],
    "turtle": [Drop("seagrass", 1.0, 0, 2)],
}


def from_minecraft_data(entries: list[dict]) -> list[Drop]:
    """Drop entries from minecraft-data's flattened loot for a player without enchantments.

    Silk-touch-only entries are dropped; the no-silk-touch alternative then always applies (its
    recorded chance of 0.5 or 1/3 is the flattening's share, not a probability).
    """
    drops = []
    for entry in entries:
        if entry.get("silkTouch"):
            continue
        lo, hi = entry.get("stackSizeRange") or [1, 1]
        lo = 0 if lo is None else int(lo)
        hi = max(lo, 1 if hi is None else int(hi))
        chance = 1.0 if entry.get("noSilkTouch") else float(entry.get("dropChance", 1.0))
        drops.append(Drop(entry["item"], chance, lo, hi))
    return drops


def roll(drops: list[Drop], rng: Rng) -> list[tuple[str, int]]:
    """Roll each entry with `rng.random()` (numpy Generator or random.Random); merge counts per item."""
    out: dict[str, int] = {}
    dropped_any = False
    for drop in drops:
        if drop.chance is None:
            if dropped_any:
                continue
        elif rng.random() >= drop.chance:
            continue
        count = drop.lo + min(int(rng.random() * (drop.hi - drop.lo + 1)), drop.hi - drop.lo)
        if count > 0:
            out[drop.item] = out.get(drop.item, 0) + count
            dropped_any = True
    return list(out.items())
