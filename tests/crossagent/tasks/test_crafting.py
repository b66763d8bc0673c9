"""Every craft and smelt task is solvable with exactly what its scene hands out (checked by the data layer)."""

import collections

from crossagent.sim.data import ITEMS, stack_size
from crossagent.sim.data.recipes import FUELS, SMELTING, match_recipe, recipes_for
from crossagent.tasks import select_tasks
from crossagent.tasks.crafting import craft_plans


def _inventory_counts(task):
    counts = collections.Counter()
    for entry in task.scene["inventory"]:
        counts[entry["item"]] += entry["count"]
    return counts


def test_every_craft_task_grid_crafts_its_target_with_the_scene_inventory():
    tasks = select_tasks(category="craft_item")
    assert len(tasks) >= 530
    for task in tasks:
        grid, width = task.hints["grid"], task.hints["width"]
        assert len(grid) == width * width
        assert match_recipe(grid, width) == (task.target, task.hints["count"]), task.id
        have = _inventory_counts(task)
        for item, needed in collections.Counter(cell for cell in grid if cell).items():
            assert have[item] >= needed, (task.id, item)
        assert set(have) == {cell for cell in grid if cell}, task.id


def test_grid_size_follows_the_recipe_and_gui():
    two_by_two = 0
    for task in select_tasks(category="craft_item"):
        fits = any(recipe.fits_2x2 for recipe in recipes_for(task.target))
        if task.hints["width"] == 2:
            two_by_two += 1
            assert fits, task.id
            assert task.scene["open_gui"] == "inventory"
            assert task.scene["blocks"] == []
        else:
            assert task.scene["open_gui"] == "crafting_table"
            assert task.scene["blocks"][0]["name"] == "crafting_table"
    assert 150 <= two_by_two <= 200  # the paper: 174 in the 2x2 inventory grid
    assert craft_plans()["paper"].width == 3
    assert craft_plans()["honeycomb_block"].width == 2


def test_every_smelt_task_input_is_a_furnace_recipe_with_enough_fuel():
    tasks = select_tasks(category="smelt_item")
    assert 40 <= len(tasks) <= 50
    for task in tasks:
        source, fuel = task.hints["input"], task.hints["fuel"]
        assert source in SMELTING and SMELTING[source][0] == task.target, task.id
        assert fuel in FUELS and fuel != source
        have = _inventory_counts(task)
        assert have[source] >= 1
        assert have[fuel] * FUELS[fuel] >= have[source] * SMELTING[source][2], task.id
        assert task.scene["open_gui"] == "furnace"


def test_inventories_are_legal_stacks_in_distinct_slots():
    for task in select_tasks():
        slots = [entry["slot"] for entry in task.scene["inventory"]]
        assert len(slots) == len(set(slots)), task.id
        for item, count, slot in ((e["item"], e["count"], e["slot"]) for e in task.scene["inventory"]):
            assert item in ITEMS, (task.id, item)
            assert 1 <= count <= stack_size(item), (task.id, item, count)
            assert 0 <= slot < 36
        assert 0 <= task.scene["held_slot"] < 9
