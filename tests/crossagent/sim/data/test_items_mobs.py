"""Items, foods, combat numbers and mobs."""

import random
import subprocess
import sys

import numpy as np
import pytest

from crossagent.sim.data import (
    FOODS,
    HOSTILE_MOBS,
    ITEMS,
    MOBS,
    NEUTRAL_MOBS,
    PASSIVE_MOBS,
    attack_cooldown_ticks,
    attack_damage,
    item_info,
    mob_drops,
    mob_info,
    stack_size,
    tool_tier,
)


def test_items():
    assert len(ITEMS) == 975
    assert stack_size("stick") == 64 and stack_size("ender_pearl") == 16 and stack_size("iron_sword") == 1
    assert item_info("oak_log").color == (109, 85, 50)
    assert item_info("diamond_pickaxe").max_durability == 1561
    assert FOODS["bread"].food_points == 5 and FOODS["cooked_beef"].food_points == 8


def test_attack_damage_minecraft_values():
    assert attack_damage(None) == 1 and attack_damage("stick") == 1
    assert attack_damage("wooden_sword") == 4 and attack_damage("diamond_sword") == 7
    assert attack_damage("iron_axe") == 9 and attack_damage("netherite_sword") == 8
    assert attack_cooldown_ticks("iron_sword") == 12 and attack_cooldown_ticks(None) == 5
    assert tool_tier("stone_pickaxe") == "stone" and tool_tier("stick") is None


def test_mobs():
    zombie, cow = mob_info("zombie"), mob_info("cow")
    assert zombie.health == 20 and zombie.damage == 3 and zombie.hostile
    assert cow.health == 10 and not cow.hostile and (cow.width, cow.height) == (0.9, 1.4)
    assert 2.0 < zombie.speed < 2.6  # zombies walk about 2.3 blocks/s
    assert {"zombie", "skeleton", "creeper", "spider"} <= set(HOSTILE_MOBS)
    assert mob_info("enderman").category == "neutral" and mob_info("wolf").category == "neutral"
    assert cow.category == "passive" and zombie.category == "hostile"
    assert "cow" in PASSIVE_MOBS and "wolf" in NEUTRAL_MOBS and "wolf" not in PASSIVE_MOBS
    assert all(m.health > 0 for m in MOBS.values())
    # A drop list holds only real items.
    assert all(d.item in ITEMS for m in MOBS.values() for d in m.drops)


def test_mob_drops_with_either_rng():
    for rng in (random.Random(1), np.random.default_rng(1)):
        drops = [dict(mob_drops("cow", rng)) for _ in range(300)]
        assert all(1 <= d["beef"] <= 3 for d in drops)
        assert all(0 <= d.get("leather", 0) <= 2 for d in drops)
        assert {d.get("leather", 0) for d in drops} == {0, 1, 2}


def test_unknown_names():
    with pytest.raises(ValueError, match=r"unknown item 'stik'.*'stick'"):
        item_info("stik")
    with pytest.raises(ValueError, match=r"unknown mob 'zombi'.*'zombie'"):
        mob_info("zombi")


def test_import_is_fast():
    code = "import time; t=time.perf_counter(); import crossagent.sim.data; print(time.perf_counter()-t)"
    seconds = float(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert seconds < 1.0, seconds
