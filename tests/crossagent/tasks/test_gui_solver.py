"""Every craft and smelt task is solved in MineSim's real GUI logic within its budget."""

import pytest

from crossagent.sim.inventory import ItemStack
from crossagent.sim.stats import STAT_KINDS
from crossagent.tasks import get_task, load_suite, select_tasks
from crossagent.tasks.gui_solver import Click, next_craft_click, open_task_screen, solve_in_gui


def test_success_kinds_are_world_statistics():
    assert {task.success.kind for task in load_suite()} <= set(STAT_KINDS)


def test_every_craft_task_is_solved_in_the_gui_within_budget():
    ticks = []
    for task in select_tasks(category="craft_item"):
        first, stats = solve_in_gui(task)
        assert first is not None, (task.id, stats.events)
        assert stats.events[0][1:] == ("craft_item", task.target)
        ticks.append(first)
    assert max(ticks) < 100  # well inside the 200-tick budget, leaving room for a learned policy


def test_every_smelt_task_is_solved_in_the_furnace_within_budget():
    for task in select_tasks(category="smelt_item"):
        first, stats = solve_in_gui(task)
        assert first is not None and first <= task.max_ticks, (task.id, stats.events)
        assert first >= task.hints["cook_ticks"]


def test_craft_plan_recovers_from_a_wrong_item_in_the_grid():
    task = get_task("craft_item:crafting_table")
    screen = open_task_screen(task)
    screen.grid[0] = ItemStack("dirt", 1)
    assert next_craft_click(screen, task.hints["grid"]) == Click(1)  # pick the dirt up first
    with pytest.raises(ValueError, match="does not fit"):
        next_craft_click(screen, [None] * 9)
    with pytest.raises(ValueError, match="only craft and smelt"):
        open_task_screen(get_task("mine_block:dirt"))
