"""Block facts and the break-time rule against Minecraft 1.16.5 values (minecraft.wiki break-time tables)."""

import random

import pytest

from crossagent.sim.data import (
    BLOCK_IDS,
    BLOCKS,
    INTERACTABLE_BLOCKS,
    UNBREAKABLE,
    block_drops,
    block_info,
    break_seconds,
    break_ticks,
)


@pytest.mark.parametrize(
    ("block", "tool", "ticks"),
    [
        ("stone", None, 150),  # 7.5 s, not harvestable by hand
        ("stone", "wooden_pickaxe", 23),  # 1.15 s
        ("stone", "iron_pickaxe", 8),  # 0.4 s
        ("oak_log", None, 60),  # 3 s
        ("oak_log", "iron_axe", 10),  # 0.5 s
        ("oak_log", "diamond_axe", 8),  # 0.4 s
        ("obsidian", "diamond_pickaxe", 188),  # 9.4 s
        ("obsidian", "iron_pickaxe", 834),  # 41.7 s, wrong tier: x1/100
        ("dirt", None, 15),  # 0.75 s
        ("dirt", "wooden_shovel", 8),  # 0.4 s
        ("iron_ore", "wooden_pickaxe", 150),  # 7.5 s: speed applies, harvest does not
        ("iron_ore", "stone_pickaxe", 23),  # 1.15 s
        ("cobweb", "iron_sword", 8),  # 0.4 s
        ("cobweb", None, 400),  # 20 s
        ("oak_leaves", None, 6),  # 0.3 s
        ("grass", None, 0),  # instant
        ("stone", "golden_pickaxe", 4),  # speed 12
    ],
)
def test_break_ticks_match_minecraft(block, tool, ticks):
    assert break_ticks(block, tool) == ticks


def test_unbreakable_and_seconds():
    assert break_ticks("bedrock", "netherite_pickaxe") == UNBREAKABLE
    assert block_info("water").hardness is None
    assert break_seconds("stone", None) == 7.5


def test_ids_dense_with_air_zero():
    assert BLOCKS[0].name == "air" and BLOCK_IDS["air"] == 0
    assert all(b.id == i for i, b in enumerate(BLOCKS))
    assert len(BLOCKS) == 763


def test_block_properties():
    stone, glass, water, grass = (block_info(n) for n in ("stone", "glass", "water", "grass"))
    assert stone.solid and not stone.transparent and "wooden_pickaxe" in stone.harvest_tools
    assert glass.solid and glass.transparent
    assert not water.solid and water.liquid
    assert not grass.solid
    assert block_info("oak_log").harvest_tools is None
    assert stone.color != block_info("dirt").color
    assert all(0 <= c <= 255 for b in BLOCKS for c in b.color)


def test_drops():
    rng = random.Random(0)
    assert block_drops("stone", "wooden_pickaxe", rng) == [("cobblestone", 1)]
    assert block_drops("stone", None, rng) == []
    assert block_drops("iron_ore", "wooden_pickaxe", rng) == []
    assert block_drops("iron_ore", "stone_pickaxe", rng) == [("iron_ore", 1)]
    assert block_drops("oak_log", None, rng) == [("oak_log", 1)]
    assert block_drops("grass_block", None, rng) == [("dirt", 1)]
    assert block_drops("diamond_ore", "iron_pickaxe", rng) == [("diamond", 1)]
    assert block_drops("glass", None, rng) == []
    assert block_drops("wall_torch", None, rng) == [("torch", 1)]
    assert block_drops("oak_slab", None, rng) == [("oak_slab", 1)]
    gravel = [dict(block_drops("gravel", None, rng)) for _ in range(2000)]
    flint = sum("flint" in d for d in gravel) / len(gravel)
    assert 0.07 < flint < 0.13  # 10 %, otherwise the gravel itself
    assert all(len(d) == 1 for d in gravel)


def test_interactable_blocks():
    assert INTERACTABLE_BLOCKS["crafting_table"] == "crafting_table"
    assert INTERACTABLE_BLOCKS["furnace"] == "furnace"
    assert INTERACTABLE_BLOCKS["chest"] == "chest"
    for name in ("oak_door", "lever", "stone_button", "red_bed", "note_block", "bell", "anvil"):
        assert name in INTERACTABLE_BLOCKS and INTERACTABLE_BLOCKS[name] is None


def test_unknown_block_suggests_names():
    with pytest.raises(ValueError, match=r"unknown block 'oak_logg'.*'oak_log'"):
        break_ticks("oak_logg", None)
    with pytest.raises(ValueError, match=r"unknown held item 'iron_pickax'.*'iron_pickaxe'"):
        break_ticks("stone", "iron_pickax")
    with pytest.raises(ValueError, match="unknown block"):
        block_drops("stnoe", None, random.Random(0))


def test_world_blocks_have_distinct_colours():
    names = [
        "stone", "dirt", "grass_block", "sand", "gravel", "water", "oak_log", "birch_log", "spruce_log",
        "oak_leaves", "coal_ore", "iron_ore", "gold_ore", "diamond_ore", "redstone_ore", "lapis_ore",
        "crafting_table", "furnace", "snow_block", "clay",
    ]  # fmt: skip
    colours = [block_info(n).color for n in names]
    for i, a in enumerate(colours):
        for j in range(i + 1, len(colours)):
            distance = sum(abs(x - y) for x, y in zip(a, colours[j]))
            assert distance >= 24, (names[i], names[j], distance)
