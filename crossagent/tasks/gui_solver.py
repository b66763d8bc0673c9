"""Closed-loop GUI plans for craft and smelt tasks: the next click, read from the open screen's state.

This is the GUI half of the scripted expert. Each call looks at the screen (grid, cursor, furnace) and
returns the next `Click`, so it recovers from anything (a misplaced item, a half-used stack) instead of
replaying a fixed list. `Click.point()` is where the cursor must be, in the [0, 1000] frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crossagent.sim.containers import Furnace
from crossagent.sim.gui import GuiScreen
from crossagent.sim.inventory import Inventory, ItemStack
from crossagent.sim.stats import Statistics


@dataclass(frozen=True)
class Click:
    """One click on a menu slot."""

    slot: int
    """Menu slot index (`GuiScreen.click` argument)."""
    button: str = "left"
    """"left" takes or puts a whole stack, "right" puts one item."""

    def point(self, screen: GuiScreen) -> tuple[float, float]:
        """Centre of the slot in the [0, 1000] frame."""
        x0, y0, x1, y1 = screen.slots[self.slot].rect
        return ((x0 + x1) / 2, (y0 + y1) / 2)


def _player_slots(screen: GuiScreen) -> list[int]:
    return [slot.index for slot in screen.slots if slot.store == "inventory"]


def _slot_holding(screen: GuiScreen, item: str) -> int | None:
    return next(
        (i for i in _player_slots(screen) if (s := screen.stack(i)) is not None and s.item == item), None
    )


def _put_back(screen: GuiScreen) -> Click:
    """Where the cursor stack goes: onto the same item with room, else into an empty player slot."""
    cursor = screen.cursor_stack
    assert cursor is not None
    for index in _player_slots(screen):
        stack = screen.stack(index)
        if stack is not None and stack.item == cursor.item and stack.count + cursor.count <= stack.max_size:
            return Click(index)
    empty = next((i for i in _player_slots(screen) if screen.stack(i) is None), None)
    if empty is None:
        raise RuntimeError(f"no room in the inventory for the {cursor.item} on the cursor")
    return Click(empty)


def _fetch(screen: GuiScreen, item: str) -> Click:
    source = _slot_holding(screen, item)
    if source is None:
        raise RuntimeError(f"the inventory has no {item} left")
    return Click(source)


def next_craft_click(screen: GuiScreen, grid: Sequence[str | None]) -> Click:
    """Next click to lay out `grid` (row-major, the screen's grid width) and take the result."""
    if len(grid) != len(screen.grid):
        raise ValueError(
            f"a {len(grid)}-cell grid does not fit the {screen.kind} screen's {len(screen.grid)} cells"
        )
    cells = [slot.index for slot in screen.slots if slot.store == "grid"]
    cursor = screen.cursor_stack
    for cell, want in zip(cells, grid):
        have = screen.stack(cell)
        if have is not None and have.item != want:  # a wrong item: clear it first
            return _put_back(screen) if cursor is not None else Click(cell)
    for cell, want in zip(cells, grid):
        if want is None or screen.stack(cell) is not None:
            continue
        if cursor is None:
            return _fetch(screen, want)
        return Click(cell, "right") if cursor.item == want else _put_back(screen)
    if cursor is not None:
        return _put_back(screen)
    result = next(slot.index for slot in screen.slots if slot.section == "result")
    return Click(result)


def next_smelt_click(screen: GuiScreen, source: str, fuel: str) -> Click | None:
    """Next click to load `source` and `fuel` and take the output; None = wait for the furnace."""
    furnace = screen.container
    if not isinstance(furnace, Furnace):
        raise ValueError(f"smelting needs a furnace screen, not {screen.kind}")
    index = {slot.section: slot.index for slot in screen.slots if slot.section in ("input", "fuel", "output")}
    cursor = screen.cursor_stack
    if screen.stack(index["output"]) is not None:
        return Click(index["output"]) if cursor is None else _put_back(screen)
    for section, item in (("input", source), ("fuel", fuel)):
        if screen.stack(index[section]) is not None or (section == "fuel" and furnace.lit):
            continue
        if section == "input" and furnace.cook_progress > 0:
            continue
        if cursor is None:
            return _fetch(screen, item)
        return Click(index[section]) if cursor.item == item else _put_back(screen)
    return _put_back(screen) if cursor is not None else None


TICKS_PER_CLICK = 2
"""An executor moves the cursor onto the slot in one tick and clicks in the next."""


def open_task_screen(task) -> GuiScreen:
    """The screen a craft or smelt task starts in, with the scene's inventory (no world needed)."""
    kind = task.scene["open_gui"]
    if kind not in ("inventory", "crafting_table", "furnace"):
        raise ValueError(
            f"task {task.id} starts with open_gui={kind!r}; only craft and smelt tasks open a screen"
        )
    inventory = Inventory()
    for entry in task.scene["inventory"]:
        inventory.set_slot(entry["slot"], ItemStack(entry["item"], entry["count"]))
    return GuiScreen(kind, inventory, Furnace() if kind == "furnace" else None)


def next_task_click(task, screen: GuiScreen) -> Click | None:
    if task.category == "smelt_item":
        return next_smelt_click(screen, task.hints["input"], task.hints["fuel"])
    return next_craft_click(screen, task.hints["grid"])


def solve_in_gui(task) -> tuple[int | None, Statistics]:
    """Play a craft or smelt task in MineSim's GUI logic alone; (tick of the success event or None, stats).

    Costs `TICKS_PER_CLICK` ticks per click and one per wait, and gives up at the task's budget.
    """
    screen, stats, tick = open_task_screen(task), Statistics(), 0
    while tick <= task.max_ticks:
        stats.now = tick
        click = next_task_click(task, screen)
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
