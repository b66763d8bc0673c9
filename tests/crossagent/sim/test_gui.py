"""GUI screens: crafting, smelting and moving items through clicks only, as a player would."""

import json

import pytest

from crossagent.sim.containers import Chest, Furnace
from crossagent.sim.gui import GUI_KINDS, GuiScreen
from crossagent.sim.inventory import Inventory, ItemStack
from crossagent.sim.stats import Statistics


def at(screen: GuiScreen, section: str, k: int = 0) -> int:
    """Index of the k-th slot of a section, found by pointing at its centre like a player."""
    slot = [s for s in screen.slots if s.section == section][k]
    x0, y0, x1, y1 = slot.rect
    index = screen.slot_at((x0 + x1) / 2, (y0 + y1) / 2)
    assert index == slot.index
    return index


def click(screen, index, button="left", shift=False, stats=None):
    assert screen.click(index, button, shift, stats) == []


def player(items: dict[int, ItemStack]) -> Inventory:
    inv = Inventory()
    for slot, stack in items.items():
        inv.set_slot(slot, stack)
    return inv


def fill_grid(screen, placements, source_hotbar, stats=None):
    """Pick up the stack in a hotbar slot, right-click one item into each grid cell, put the rest back."""
    hot = at(screen, "hotbar", source_hotbar)
    click(screen, hot)
    for cell in placements:
        click(screen, at(screen, "craft", cell), "right")
    if screen.cursor_stack is not None:
        click(screen, hot)
    assert screen.cursor_stack is None


def test_planks_from_log_in_2x2():
    stats = Statistics()
    screen = GuiScreen("inventory", player({0: ItemStack("oak_log", 2)}))
    click(screen, at(screen, "hotbar", 0))  # whole stack to the cursor
    click(screen, at(screen, "craft", 3), "right")  # one log, bottom-right cell
    assert screen.stack(at(screen, "result")) == ItemStack("oak_planks", 4)
    click(screen, at(screen, "main", 0))  # put the other log down
    click(screen, at(screen, "result"), stats=stats)
    assert screen.cursor_stack == ItemStack("oak_planks", 4)
    assert screen.grid == [None] * 4 and screen.stack(0) is None
    assert stats.get("craft_item", "oak_planks") == 4
    click(screen, at(screen, "hotbar", 1))
    assert screen.inventory.count("oak_planks") == 4 and screen.inventory.count("oak_log") == 1


def test_crafting_table_and_sticks_in_2x2():
    stats = Statistics()
    screen = GuiScreen("inventory", player({0: ItemStack("oak_planks", 6)}))
    fill_grid(screen, [0, 1, 2, 3], 0)
    click(screen, at(screen, "result"), stats=stats)
    click(screen, at(screen, "hotbar", 2))
    fill_grid(screen, [1, 3], 0)  # sticks: two planks in the right column
    click(screen, at(screen, "result"), stats=stats)
    click(screen, at(screen, "hotbar", 3))
    assert screen.inventory.count("crafting_table") == 1 and screen.inventory.count("stick") == 4
    assert screen.inventory.count("oak_planks") == 0
    assert stats.get("craft_item", "crafting_table") == 1 and stats.get("craft_item", "stick") == 4


def test_wooden_pickaxe_and_mirrored_axe_in_3x3():
    stats = Statistics()
    inv = player({0: ItemStack("birch_planks", 6), 1: ItemStack("stick", 4)})
    screen = GuiScreen("crafting_table", inv)
    fill_grid(screen, [0, 1, 2], 0)
    fill_grid(screen, [4, 7], 1)
    assert screen.stack(at(screen, "result")) == ItemStack("wooden_pickaxe")
    click(screen, at(screen, "result"), stats=stats)
    click(screen, at(screen, "main", 0))
    # The axe mirrored left-right, in the right two columns: . P P / . S P / . S .
    fill_grid(screen, [1, 2, 5], 0)
    fill_grid(screen, [4, 7], 1)
    assert screen.stack(at(screen, "result")) == ItemStack("wooden_axe")
    click(screen, at(screen, "result"), stats=stats)
    click(screen, at(screen, "main", 1))
    assert inv.count("wooden_pickaxe") == 1 and inv.count("wooden_axe") == 1
    assert inv.count("birch_planks") == 0 and inv.count("stick") == 0
    assert stats.get("craft_item", "wooden_axe") == 1


def test_shapeless_flint_and_steel_anywhere():
    inv = player({0: ItemStack("flint", 1), 8: ItemStack("iron_ingot", 2)})
    screen = GuiScreen("crafting_table", inv)
    fill_grid(screen, [8], 0)
    fill_grid(screen, [0], 8)
    assert screen.stack(0) == ItemStack("flint_and_steel")
    stats = Statistics()
    click(screen, 0, stats=stats)
    assert screen.cursor_stack == ItemStack("flint_and_steel") and inv.count("iron_ingot") == 1
    assert stats.get("craft_item", "flint_and_steel") == 1


def test_no_result_for_a_wrong_pattern_and_result_takes_nothing():
    screen = GuiScreen("inventory", player({0: ItemStack("stick", 3)}))
    fill_grid(screen, [0, 3], 0)  # diagonal sticks: no recipe
    assert screen.stack(0) is None
    click(screen, at(screen, "hotbar", 0))
    click(screen, 0)  # putting items into the result slot does nothing
    assert screen.cursor_stack == ItemStack("stick", 1)


def test_left_right_pickup_place_merge_swap():
    inv = player({0: ItemStack("cobblestone", 5), 1: ItemStack("cobblestone", 62), 2: ItemStack("dirt", 3)})
    screen = GuiScreen("inventory", inv)
    a, b, c, d = (at(screen, "hotbar", k) for k in range(4))
    click(screen, a, "right")  # half of 5, rounded up
    assert screen.cursor_stack == ItemStack("cobblestone", 3) and inv.slots[0] == ItemStack("cobblestone", 2)
    click(screen, d, "right")  # one into an empty slot
    assert inv.slots[3] == ItemStack("cobblestone", 1) and screen.cursor_stack.count == 2
    click(screen, b)  # merge up to 64
    assert inv.slots[1] == ItemStack("cobblestone", 64) and screen.cursor_stack is None
    click(screen, a)
    click(screen, b)  # full target: cursor keeps its items
    assert screen.cursor_stack == ItemStack("cobblestone", 2)
    click(screen, c)  # different item: swap
    assert inv.slots[2] == ItemStack("cobblestone", 2) and screen.cursor_stack == ItemStack("dirt", 3)
    thrown = screen.click(None, "right")
    assert thrown == [ItemStack("dirt", 1)] and screen.cursor_stack == ItemStack("dirt", 2)


def test_shift_click_result_crafts_all_and_moves_between_sections():
    stats = Statistics()
    inv = player({0: ItemStack("oak_log", 3), 9: ItemStack("stick", 10)})
    screen = GuiScreen("inventory", inv)
    click(screen, at(screen, "hotbar", 0))
    click(screen, at(screen, "craft", 0))
    click(screen, 0, shift=True, stats=stats)
    assert inv.count("oak_planks") == 12 and stats.get("craft_item", "oak_planks") == 12
    assert screen.grid == [None] * 4
    # Crafted items go to the inventory from its end: the last hotbar slot first.
    assert inv.slots[8] == ItemStack("oak_planks", 12)
    click(screen, at(screen, "main", 0), shift=True)  # main -> hotbar
    assert inv.slots[9] is None and inv.slots[0] == ItemStack("stick", 10)
    click(screen, at(screen, "hotbar", 8), shift=True)  # hotbar -> main
    assert inv.slots[9] == ItemStack("oak_planks", 12)


def test_shift_click_result_stops_when_inventory_is_full():
    inv = player({i: ItemStack("iron_sword") for i in range(36)})
    screen = GuiScreen("inventory", inv)
    screen.grid[0] = ItemStack("oak_log", 2)
    screen.click(0, shift=True)
    assert screen.grid[0] == ItemStack("oak_log", 2)


def test_smelting_iron_through_the_furnace_screen():
    stats = Statistics()
    inv = player({0: ItemStack("iron_ore", 2), 1: ItemStack("coal", 1), 2: ItemStack("dirt", 1)})
    furnace = Furnace()
    screen = GuiScreen("furnace", inv, furnace)
    click(screen, at(screen, "hotbar", 2))
    click(screen, at(screen, "fuel"))  # dirt is no fuel: refused
    assert furnace.slots[1] is None
    click(screen, at(screen, "hotbar", 2))
    click(screen, at(screen, "hotbar", 0), shift=True)  # smeltable -> input
    click(screen, at(screen, "hotbar", 1), shift=True)  # fuel -> fuel slot
    assert furnace.slots[:2] == [ItemStack("iron_ore", 2), ItemStack("coal", 1)]
    for _ in range(199):
        screen.tick(stats)
    assert furnace.slots[2] is None and furnace.lit and furnace.slots[1] is None
    screen.tick(stats)
    assert furnace.slots[2] == ItemStack("iron_ingot") and furnace.slots[0] == ItemStack("iron_ore")
    for _ in range(200):
        screen.tick(stats)
    assert furnace.slots[2] == ItemStack("iron_ingot", 2) and furnace.slots[0] is None
    click(screen, at(screen, "output"), "right", stats=stats)  # half of 2
    assert screen.cursor_stack == ItemStack("iron_ingot", 1)
    click(screen, at(screen, "output"), stats=stats)  # same item onto the cursor
    assert screen.cursor_stack == ItemStack("iron_ingot", 2) and furnace.slots[2] is None
    assert stats.get("smelt_item", "iron_ingot") == 2 and stats.get("craft_item", "iron_ingot") == 2


def test_one_coal_smelts_eight():
    furnace = Furnace()
    furnace.slots[:2] = [ItemStack("sand", 10), ItemStack("coal", 1)]
    for _ in range(1600 + 50):
        furnace.tick()
    assert furnace.slots[2] == ItemStack("glass", 8) and furnace.slots[0] == ItemStack("sand", 2)
    assert not furnace.lit and furnace.cook_progress == 0


def test_furnace_output_shift_click_counts_stats():
    stats = Statistics()
    furnace = Furnace()
    furnace.slots[2] = ItemStack("charcoal", 5)
    screen = GuiScreen("furnace", Inventory(), furnace)
    screen.click(at(screen, "output"), shift=True, stats=stats)
    assert screen.inventory.count("charcoal") == 5 and stats.get("smelt_item", "charcoal") == 5


def test_chest_quick_move_both_ways():
    chest = Chest()
    chest.slots[4] = ItemStack("diamond", 3)
    inv = player({9: ItemStack("diamond", 60), 0: ItemStack("dirt", 7)})
    screen = GuiScreen("chest", inv, chest)
    click(screen, at(screen, "container", 4), shift=True)  # chest -> inventory, merging first
    assert chest.slots[4] is None and inv.slots[9] == ItemStack("diamond", 63)
    click(screen, at(screen, "hotbar", 0), shift=True)  # inventory -> first free chest slot
    assert chest.slots[0] == ItemStack("dirt", 7) and inv.slots[0] is None


def test_number_key_swaps_with_hotbar():
    inv = player({12: ItemStack("bread", 3), 4: ItemStack("torch", 2)})
    screen = GuiScreen("inventory", inv)
    screen.swap_hotbar(at(screen, "main", 3), 4)
    assert inv.slots[4] == ItemStack("bread", 3) and inv.slots[12] == ItemStack("torch", 2)


def test_close_returns_grid_and_cursor():
    inv = player({0: ItemStack("oak_log", 3)})
    screen = GuiScreen("crafting_table", inv)
    click(screen, at(screen, "hotbar", 0))
    click(screen, at(screen, "craft", 4), "right")
    assert screen.close() == []
    assert inv.count("oak_log") == 3 and screen.grid == [None] * 9 and screen.cursor_stack is None


def test_layout_geometry():
    for kind in GUI_KINDS:
        screen = GuiScreen(kind, Inventory())
        px0, py0, px1, py1 = screen.panel
        assert 0 <= px0 < px1 <= 1000 and 0 <= py0 < py1 <= 1000
        rects = [s.rect for s in screen.slots]
        assert [s.index for s in screen.slots] == list(range(len(rects)))
        for i, (x0, y0, x1, y1) in enumerate(rects):
            assert px0 <= x0 < x1 <= px1 and py0 <= y0 < y1 <= py1
            for ox0, oy0, ox1, oy1 in rects[i + 1 :]:
                assert x1 <= ox0 or ox1 <= x0 or y1 <= oy0 or oy1 <= y0
        hot = [s.rect[1] for s in screen.slots if s.section == "hotbar"]
        main = [s.rect[1] for s in screen.slots if s.section == "main"]
        assert min(hot) > max(main) and len(hot) == 9 and len(main) == 27
        assert screen.slot_at(5, 5) is None
    assert len(GuiScreen("crafting_table", Inventory()).slots) == 46  # as the game's CraftingMenu
    assert len(GuiScreen("furnace", Inventory()).slots) == 39


def test_state_round_trip_mid_smelt_and_mid_craft():
    inv = player({0: ItemStack("oak_log", 3)})
    furnace = Furnace()
    furnace.slots[:2] = [ItemStack("beef", 3), ItemStack("oak_planks", 2)]
    for _ in range(250):
        furnace.tick()
    screen = GuiScreen("furnace", inv, furnace)
    click(screen, at(screen, "hotbar", 0), "right")
    screen.move_cursor(123.5, -40)
    data = json.loads(json.dumps(screen.to_dict()))
    again = GuiScreen.from_dict(data, Inventory.from_dict(json.loads(json.dumps(inv.to_dict()))))
    assert again.to_dict() == screen.to_dict()
    for _ in range(300):
        furnace.tick()
        again.tick()
    assert again.to_dict() == screen.to_dict()

    table = GuiScreen("crafting_table", player({0: ItemStack("stick", 2)}))
    fill_grid(table, [1, 4], 0)
    copy = GuiScreen.from_dict(table.to_dict(), table.inventory)
    assert copy.stack(0) == table.stack(0) and copy.grid == table.grid


def test_bad_input():
    with pytest.raises(ValueError, match="GUI kind 'crafting'"):
        GuiScreen("crafting", Inventory())
    screen = GuiScreen("inventory", Inventory())
    with pytest.raises(ValueError, match="button 'middle'"):
        screen.click(1, "middle")
    with pytest.raises(ValueError, match="slot index 41"):
        screen.click(41)
    with pytest.raises(ValueError, match="needs a Furnace"):
        GuiScreen("furnace", Inventory(), Chest())
