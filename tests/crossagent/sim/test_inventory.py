"""ItemStack and Inventory: Minecraft pickup order, limits, state round trip."""

import json

import pytest

from crossagent.sim.inventory import Inventory, ItemStack


def test_item_stack_validation():
    assert ItemStack("stick", 64).max_size == 64
    with pytest.raises(ValueError, match=r"unknown item 'stik'.*'stick'"):
        ItemStack("stik")
    with pytest.raises(ValueError, match=r"outside 1\.\.1 "):
        ItemStack("iron_sword", 2)
    with pytest.raises(ValueError, match=r"outside 1\.\.64 "):
        ItemStack("stick", 0)


def test_add_fills_partial_stacks_then_empty_slots():
    inv = Inventory()
    inv.set_slot(5, ItemStack("dirt", 60))
    inv.set_slot(20, ItemStack("dirt", 10))
    assert inv.add("dirt", 70) == 0
    assert inv.slots[5] == ItemStack("dirt", 64)
    assert inv.slots[20] == ItemStack("dirt", 64)
    assert inv.slots[0] == ItemStack("dirt", 12)  # first empty slot: hotbar 0
    assert inv.count("dirt") == 140


def test_add_prefers_selected_slot_and_reports_leftover():
    inv = Inventory()
    inv.set_slot(0, ItemStack("cobblestone", 1))
    inv.set_slot(4, ItemStack("cobblestone", 1))
    inv.select(4)
    inv.add("cobblestone", 63)
    assert inv.slots[4] == ItemStack("cobblestone", 64) and inv.slots[0] == ItemStack("cobblestone", 1)
    full = Inventory()
    for i in range(36):
        full.set_slot(i, ItemStack("iron_sword"))
    assert full.add("iron_sword", 3) == 3
    assert full.add("stick", 5) == 5


def test_unstackable_items_take_one_slot_each():
    inv = Inventory()
    assert inv.add("wooden_pickaxe", 3) == 0
    assert [s.count for s in inv.slots[:3]] == [1, 1, 1]


def test_remove_and_held():
    inv = Inventory()
    inv.add("stick", 10)
    inv.add("oak_log", 3)
    inv.select(1)
    assert inv.held() == ItemStack("oak_log", 3) and inv.held_item() == "oak_log"
    inv.remove("stick", 4)
    assert inv.count("stick") == 6
    with pytest.raises(ValueError, match="holds 6"):
        inv.remove("stick", 7)
    with pytest.raises(ValueError, match="hotbar index 9"):
        inv.select(9)
    assert inv.as_counts() == {"stick": 6, "oak_log": 3}


def test_round_trip():
    inv = Inventory()
    inv.add("stick", 70)
    inv.add("diamond_pickaxe")
    inv.select(3)
    data = json.loads(json.dumps(inv.to_dict()))
    assert Inventory.from_dict(data) == inv
    with pytest.raises(ValueError, match="35 slots"):
        Inventory.from_dict({"slots": [None] * 35})
