"""Every craft and smelt task is solved in MineSim's real GUI logic within its budget.

Two ticks per click (move the cursor, click) and one tick per wait, the way an executor drives a screen.
"""

import pytest

from crossagent.sim.containers import Furnace
from crossagent.sim.gui import GuiScreen
from crossagent.sim.inventory import Inventory, ItemStack
from crossagent.sim.stats import STAT_KINDS, Statistics
from crossagent.tasks import load_suite, select_tasks
from crossagent.tasks.gui_solver import Click, next_craft_click, next_smelt_click

TICKS_PER_CLICK = 2


def _open(task):
    inventory = Inventory()
    for entry in task.scene["inventory"]:
        inventory.set_slot(entry["slot"], ItemStack(entry["item"], entry["count"]))
    kind = task.scene["open_gui"]
    return GuiScreen(kind, inventory, Furnace() if kind == "furnace" else None)


def _solve(task, next_click):
    screen, stats, tick = _open(task), Statistics(), 0
    while tick <= task.max_ticks:
        stats.now = tick
        click = next_click(screen)
        steps = 1 if click is None else TICKS_PER_CLICK
        if click is not None:
            screen.click(click.slot, click.button, stats=stats)
        for _ in range(steps):
            screen.tick(stats)
        tick += steps
        first = task.success.first_tick(stats.events)
        if first is not None:
            return first, stats
    return None, stats


def test_success_kinds_are_world_statistics():
    assert {task.success.kind for task in load_suite()} <= set(STAT_KINDS)


def test_every_craft_task_is_solved_in_the_gui_within_budget():
    ticks = []
    for task in select_tasks(category="craft_item"):
        first, stats = _solve(task, lambda screen, t=task: next_craft_click(screen, t.hints["grid"]))
        assert first is not None, (task.id, stats.events)
        assert stats.events[0][1:] == ("craft_item", task.target)
        ticks.append(first)
    assert max(ticks) < 100  # well inside the 200-tick budget, leaving room for a learned policy


def test_every_smelt_task_is_solved_in_the_furnace_within_budget():
    for task in select_tasks(category="smelt_item"):
        source, fuel = task.hints["input"], task.hints["fuel"]
        first, stats = _solve(task, lambda screen, s=source, f=fuel: next_smelt_click(screen, s, f))
        assert first is not None and first <= task.max_ticks, (task.id, stats.events)
        assert first >= task.hints["cook_ticks"]


def test_craft_plan_recovers_from_a_wrong_item_in_the_grid():
    task = select_tasks("craft_item:crafting_table")[0]
    screen = _open(task)
    screen.grid[0] = ItemStack("dirt", 1)
    first_click = next_craft_click(screen, task.hints["grid"])
    assert first_click == Click(1)  # pick the dirt up before laying out the planks
    with pytest.raises(ValueError, match="does not fit"):
        next_craft_click(screen, [None] * 9)
