"""Crafting matching (positions, mirroring, 2x2 limit, tags, shapeless) and the furnace tables."""

import pytest

from crossagent.sim.data import ITEMS
from crossagent.sim.data.recipes import (
    FUELS,
    RECIPE_ENTRIES,
    RECIPES,
    SMELTING,
    find_recipe,
    fuel_ticks,
    match_recipe,
    recipes_for,
    smelting_result,
)

P, S, _ = "oak_planks", "stick", None


def test_counts_from_minecraft_data():
    assert RECIPE_ENTRIES == 1198  # every minecraft-data 1.16.5 crafting entry is loaded
    assert 500 < len(RECIPES) < RECIPE_ENTRIES  # tag variants merged
    assert all(r.result in ITEMS for r in RECIPES)
    assert all(item in ITEMS for r in RECIPES for cell in r.ingredients() for item in cell)


def test_shaped_any_position_in_3x3():
    stick_left = [P, _, _, P, _, _, _, _, _]
    stick_right_bottom = [_, _, _, _, _, P, _, _, P]
    assert match_recipe(stick_left, 3) == ("stick", 4)
    assert match_recipe(stick_right_bottom, 3) == ("stick", 4)
    assert match_recipe([_, P, _, P], 2) == ("stick", 4)


def test_shaped_3x3_and_mirroring():
    assert match_recipe([P, P, P, _, S, _, _, S, _], 3) == ("wooden_pickaxe", 1)
    axe = [P, P, _, P, S, _, _, S, _]
    mirrored_axe = [_, P, P, _, S, P, _, S, _]
    assert match_recipe(axe, 3) == ("wooden_axe", 1)
    assert match_recipe(mirrored_axe, 3) == ("wooden_axe", 1)
    # Not a mirror image but a vertical flip: no recipe.
    assert match_recipe([_, S, _, P, S, _, P, P, _], 3) is None
    # An extra item anywhere spoils the shape.
    assert match_recipe([P, P, P, _, S, _, _, S, S], 3) is None


def test_tags_allow_mixed_planks():
    chest = ["birch_planks", P, "spruce_planks", P, _, P, P, "acacia_planks", P]
    assert match_recipe(chest, 3) == ("chest", 1)
    assert match_recipe(["birch_planks", P, "spruce_planks", P], 2) == ("crafting_table", 1)
    assert match_recipe(["coal", _, "stick", _], 2) == ("torch", 4)
    assert match_recipe(["charcoal", _, "stick", _], 2) == ("torch", 4)


def test_2x2_grid_reaches_only_small_recipes():
    assert match_recipe(["oak_log", _, _, _], 2) == ("oak_planks", 4)
    assert match_recipe([_, _, _, "oak_log"], 2) == ("oak_planks", 4)
    assert all(r.fits_2x2 for r in recipes_for("crafting_table"))
    assert not any(r.fits_2x2 for r in recipes_for("wooden_pickaxe"))
    # A 3-wide pattern cannot be laid in two columns.
    assert match_recipe([P, P, _, S], 2) is None


def test_shapeless():
    assert match_recipe(["iron_ingot", "flint", _, _], 2) == ("flint_and_steel", 1)
    assert match_recipe([_, _, "flint", "iron_ingot"], 2) == ("flint_and_steel", 1)
    assert match_recipe([_, "bone_meal", _, _, _, _, _, _, _], 3) == ("white_dye", 1)
    assert match_recipe(["blue_dye", _, _, _, "red_dye", _, _, _, _], 3) == ("purple_dye", 2)
    assert match_recipe(["iron_ingot", "flint", "flint", _], 2) is None
    recipe = find_recipe(["flint", "iron_ingot", _, _], 2)
    assert recipe is not None and recipe.shapeless


def test_bad_grid():
    with pytest.raises(ValueError, match="width 3"):
        match_recipe([_, _, _, _], 3)
    assert match_recipe([_] * 9, 3) is None


def test_smelting_and_fuels():
    assert smelting_result("iron_ore") == ("iron_ingot", 1, 200)
    assert SMELTING["sand"][0] == "glass" and SMELTING["oak_log"][0] == "charcoal"
    assert smelting_result("stick") is None
    assert fuel_ticks("coal") == 1600 and fuel_ticks("oak_planks") == 300 and fuel_ticks("stick") == 100
    assert fuel_ticks("lava_bucket") == 20000 and fuel_ticks("cobblestone") == 0
    assert fuel_ticks("crimson_planks") == 0  # nether wood does not burn
    assert all(k in ITEMS and v[0] in ITEMS for k, v in SMELTING.items())
    assert all(k in ITEMS for k in FUELS)


def test_every_minecraft_data_entry_crafts_its_result():
    import minecraft_data

    data = minecraft_data("1.16.5")
    name = {item["id"]: item["name"] for item in data.items_list}
    for entries in data.recipes.values():
        for raw in entries:
            grid: list[str | None] = [None] * 9
            if "inShape" in raw:
                for y, row in enumerate(raw["inShape"]):
                    for x, cell in enumerate(row):
                        grid[y * 3 + x] = None if cell is None else name[cell]
            else:
                for i, cell in enumerate(raw["ingredients"]):
                    grid[i] = name[cell]
            assert match_recipe(grid, 3) == (name[raw["result"]["id"]], raw["result"]["count"]), raw


def test_shapeless_merges_only_one_alternative_slot():
    # Merging per slot is exact only when variants differ in one ingredient (true for 1.16.5).
    assert all(sum(len(c) > 1 for c in r.cells) <= 1 for r in RECIPES if r.shapeless)
