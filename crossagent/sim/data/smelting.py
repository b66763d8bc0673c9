"""Furnace recipes and fuels of Minecraft 1.16.5 (minecraft-data has neither).

Every furnace recipe takes 200 ticks (10 s); fuel burn times are the game's
AbstractFurnaceTileEntity.getFuel() values in ticks.
"""

from __future__ import annotations

SMELT_TICKS = 200
"""Ticks one item takes in a furnace."""

_WOODS = ("oak", "spruce", "birch", "jungle", "acacia", "dark_oak")  # nether stems do not burn
_COLORS = (
    "white", "orange", "magenta", "light_blue", "yellow", "lime", "pink", "gray", "light_gray", "cyan",
    "purple", "blue", "brown", "green", "red", "black",
)  # fmt: skip

_SMELT_PAIRS: dict[str, str] = {
    # ores
    "iron_ore": "iron_ingot", "gold_ore": "gold_ingot", "nether_gold_ore": "gold_ingot",
    "diamond_ore": "diamond", "emerald_ore": "emerald", "lapis_ore": "lapis_lazuli",
    "redstone_ore": "redstone", "coal_ore": "coal", "nether_quartz_ore": "quartz",
    "ancient_debris": "netherite_scrap",
    # food
    "beef": "cooked_beef", "porkchop": "cooked_porkchop", "chicken": "cooked_chicken",
    "mutton": "cooked_mutton", "rabbit": "cooked_rabbit", "cod": "cooked_cod", "salmon": "cooked_salmon",
    "potato": "baked_potato", "kelp": "dried_kelp",
    # blocks
    "sand": "glass", "red_sand": "glass", "cobblestone": "stone", "stone": "smooth_stone",
    "sandstone": "smooth_sandstone", "red_sandstone": "smooth_red_sandstone", "quartz_block": "smooth_quartz",
    "clay_ball": "brick", "clay": "terracotta", "netherrack": "nether_brick",
    "nether_bricks": "cracked_nether_bricks", "stone_bricks": "cracked_stone_bricks",
    "polished_blackstone_bricks": "cracked_polished_blackstone_bricks", "wet_sponge": "sponge",
    "cactus": "green_dye", "sea_pickle": "lime_dye", "chorus_fruit": "popped_chorus_fruit",
}  # fmt: skip
for _wood in _WOODS:
    for _form in (f"{_wood}_log", f"{_wood}_wood", f"stripped_{_wood}_log", f"stripped_{_wood}_wood"):
        _SMELT_PAIRS[_form] = "charcoal"
for _color in _COLORS:
    _SMELT_PAIRS[f"{_color}_terracotta"] = f"{_color}_glazed_terracotta"
for _metal, _nugget in (("iron", "iron_nugget"), ("golden", "gold_nugget"), ("chainmail", "iron_nugget")):
    _pieces = ("helmet", "chestplate", "leggings", "boots")
    if _metal != "chainmail":
        _pieces += ("pickaxe", "shovel", "axe", "hoe", "sword", "horse_armor")
    for _piece in _pieces:
        _SMELT_PAIRS[f"{_metal}_{_piece}"] = _nugget

SMELTING: dict[str, tuple[str, int, int]] = {src: (out, 1, SMELT_TICKS) for src, out in _SMELT_PAIRS.items()}
"""input item -> (output item, output count, ticks)."""

FUELS: dict[str, int] = {
    "lava_bucket": 20000, "coal_block": 16000, "dried_kelp_block": 4001, "blaze_rod": 2400,
    "coal": 1600, "charcoal": 1600, "scaffolding": 400, "bookshelf": 300, "lectern": 300,
    "note_block": 300, "jukebox": 300, "chest": 300, "trapped_chest": 300, "crafting_table": 300,
    "daylight_detector": 300, "bow": 300, "fishing_rod": 300, "ladder": 300, "crossbow": 300,
    "barrel": 300, "loom": 300, "cartography_table": 300, "fletching_table": 300, "smithing_table": 300,
    "composter": 300, "wooden_shovel": 200, "wooden_sword": 200, "wooden_hoe": 200, "wooden_axe": 200,
    "wooden_pickaxe": 200, "stick": 100, "bowl": 100, "dead_bush": 100, "bamboo": 50,
}  # fmt: skip
"""fuel item -> burn ticks (one item smelts per 200 ticks: coal smelts 8)."""
for _wood in _WOODS:
    for _item, _ticks in (
        (f"{_wood}_log", 300), (f"{_wood}_wood", 300), (f"stripped_{_wood}_log", 300),
        (f"stripped_{_wood}_wood", 300), (f"{_wood}_planks", 300), (f"{_wood}_slab", 150),
        (f"{_wood}_stairs", 300), (f"{_wood}_trapdoor", 300), (f"{_wood}_pressure_plate", 300),
        (f"{_wood}_fence", 300), (f"{_wood}_fence_gate", 300), (f"{_wood}_sign", 200),
        (f"{_wood}_door", 200), (f"{_wood}_boat", 1200), (f"{_wood}_button", 100),
        (f"{_wood}_sapling", 100),
    ):  # fmt: skip
        FUELS[_item] = _ticks
for _color in _COLORS:
    FUELS[f"{_color}_wool"] = 100
    FUELS[f"{_color}_carpet"] = 67
    FUELS[f"{_color}_banner"] = 300


def smelting_result(item: str | None) -> tuple[str, int, int] | None:
    """(output, count, ticks) of smelting `item`, or None if it does not smelt."""
    return SMELTING.get(item) if item else None


def fuel_ticks(item: str | None) -> int:
    """Burn ticks of `item` as furnace fuel (0 = not a fuel)."""
    return FUELS.get(item, 0) if item else 0
