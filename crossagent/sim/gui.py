"""GUI screens over the player's inventory with Minecraft's click rules (AbstractContainerMenu.doClick).

Kinds: 'inventory' (2x2 crafting), 'crafting_table' (3x3), 'furnace', 'chest'. Clicks:
- left on a slot: pick up the stack / put the cursor stack down / merge into the same item / swap;
- right: pick up half (rounded up) / put one down / add one to the same item / swap;
- shift + click: quick move between the container part and the player inventory, or between the main
  inventory and the hotbar, as each menu's quickMoveStack does;
- result slots: taking crafts (one of each ingredient is consumed, `craft_item` += the count taken);
  shift + click on a crafting result crafts as many times as the inventory has room for; taking from
  a furnace output counts `craft_item` and `smelt_item`.
Right-click on a crafting result takes the whole result, as in the game (its result container ignores
the amount). Known difference: closing a screen puts the cursor stack back into the inventory (the game
throws it on the ground); what does not fit is returned for the world to drop.
"""

from __future__ import annotations

from typing import Any

from crossagent.sim.containers import FURNACE_FUEL, FURNACE_INPUT, Chest, Furnace, container_from_dict
from crossagent.sim.data.recipes import REMAINDERS, Recipe, find_recipe
from crossagent.sim.data.smelting import fuel_ticks, smelting_result
from crossagent.sim.gui_layout import LAYOUTS, SCALE, Rect, Slot, panel_rect
from crossagent.sim.inventory import Inventory, ItemStack, Slots
from crossagent.sim.stats import Statistics

GUI_KINDS = ("inventory", "crafting_table", "furnace", "chest")
GRID_WIDTH = {"inventory": 2, "crafting_table": 3}
BUTTONS = ("left", "right")


class GuiScreen:
    """One open screen: slots with rects, the stack on the cursor, and the click rules."""

    def __init__(self, kind: str, inventory: Inventory, container: Chest | Furnace | None = None) -> None:
        if kind not in GUI_KINDS:
            raise ValueError(f"GUI kind {kind!r} is not one of {', '.join(GUI_KINDS)}")
        self.kind = kind
        self.inventory = inventory
        self.slots: list[Slot] = LAYOUTS[kind]
        self.panel: Rect = panel_rect(kind)
        self.grid_width = GRID_WIDTH.get(kind, 0)
        self.grid: Slots = [None] * (self.grid_width**2)
        if kind in ("furnace", "chest"):
            expected = Furnace if kind == "furnace" else Chest
            container = container if container is not None else expected()
            if not isinstance(container, expected):
                raise ValueError(
                    f"a {kind} screen needs a {expected.__name__}, got {type(container).__name__}"
                )
        elif container is not None:
            raise ValueError(f"a {kind} screen has no container")
        self.container = container
        self.cursor_stack: ItemStack | None = None
        self.cursor_pos: tuple[float, float] = (500.0, 500.0)
        """Mouse position in the [0, 1000] frame (the engine moves it with camera deltas)."""
        self.player_start = next(s.index for s in self.slots if s.section == "main")

    # ----- slot access -------------------------------------------------------------------------
    def _store(self, slot: Slot) -> Slots:
        if slot.store == "inventory":
            return self.inventory.slots
        if slot.store == "grid":
            return self.grid
        assert self.container is not None
        return self.container.slots

    def recipe(self) -> Recipe | None:
        """The recipe the crafting grid currently makes."""
        if not self.grid_width:
            return None
        return find_recipe([None if s is None else s.item for s in self.grid], self.grid_width)

    def stack(self, index: int) -> ItemStack | None:
        """What slot `index` shows (the crafting result is computed from the grid)."""
        slot = self.slots[index]
        if slot.store == "result":
            recipe = self.recipe()
            return None if recipe is None else ItemStack(recipe.result, recipe.count)
        return self._store(slot)[slot.ref]

    def stacks(self) -> list[ItemStack | None]:
        """What every slot shows, by index (for rendering and observations)."""
        return [self.stack(i) for i in range(len(self.slots))]

    def _set(self, index: int, stack: ItemStack | None) -> None:
        slot = self.slots[index]
        self._store(slot)[slot.ref] = stack

    def may_place(self, index: int, stack: ItemStack) -> bool:
        """Whether `stack` may be put into slot `index` (results and outputs take nothing)."""
        section = self.slots[index].section
        if section in ("result", "output"):
            return False
        if section == "fuel":
            return fuel_ticks(stack.item) > 0 or stack.item == "bucket"
        return True

    def slot_at(self, x: float, y: float) -> int | None:
        """Index of the slot under frame point (x, y), counting its 1-pixel border as Minecraft does."""
        for slot in self.slots:
            x0, y0, x1, y1 = slot.rect
            if x0 - SCALE <= x < x1 + SCALE and y0 - SCALE <= y < y1 + SCALE:
                return slot.index
        return None

    def move_cursor(self, dx: float, dy: float) -> None:
        """Move the mouse by frame units, clipped to the frame."""
        x, y = self.cursor_pos
        self.cursor_pos = (min(max(x + dx, 0.0), 1000.0), min(max(y + dy, 0.0), 1000.0))

    # ----- crafting and taking from results ----------------------------------------------------
    def _craft(self, stats: Statistics | None) -> ItemStack | None:
        """Take the crafting result: consume one of each ingredient (leaving containers), count it."""
        recipe = self.recipe()
        if recipe is None:
            return None
        for i, stack in enumerate(self.grid):
            if stack is None:
                continue
            self.grid[i] = stack.with_count(stack.count - 1)
            remainder = REMAINDERS.get(stack.item)
            if remainder:
                if self.grid[i] is None:
                    self.grid[i] = ItemStack(remainder)
                else:
                    self.inventory.add(remainder)
        if stats is not None:
            stats.increment("craft_item", recipe.result, recipe.count)
        return ItemStack(recipe.result, recipe.count)

    def _take_output(self, index: int, n: int, stats: Statistics | None) -> ItemStack:
        stack = self.stack(index)
        assert stack is not None
        self._set(index, stack.with_count(stack.count - n))
        if stats is not None:
            stats.increment("craft_item", stack.item, n)
            stats.increment("smelt_item", stack.item, n)
        return ItemStack(stack.item, n)

    def _click_result(self, index: int, button: str, stats: Statistics | None) -> None:
        result, cursor = self.stack(index), self.cursor_stack
        if result is None:
            return
        is_craft = self.slots[index].section == "result"
        if cursor is None:
            n = result.count if (button == "left" or is_craft) else (result.count + 1) // 2
            self.cursor_stack = self._craft(stats) if is_craft else self._take_output(index, n, stats)
        elif (
            cursor.item == result.item
            and cursor.max_size > 1
            and cursor.count + result.count <= cursor.max_size
        ):
            taken = self._craft(stats) if is_craft else self._take_output(index, result.count, stats)
            assert taken is not None
            self.cursor_stack = ItemStack(cursor.item, cursor.count + taken.count)

    # ----- clicks --------------------------------------------------------------------------------
    def click(
        self, index: int | None, button: str = "left", shift: bool = False, stats: Statistics | None = None
    ) -> list[ItemStack]:
        """Click slot `index` (None = outside the panel: throw the cursor stack, one item on right).

        Returns the stacks thrown out of the screen, for the world to drop.
        """
        if button not in BUTTONS:
            raise ValueError(f"button {button!r} is not 'left' or 'right'")
        if index is None:
            return self._throw_cursor(button, stats)
        if not 0 <= index < len(self.slots):
            raise ValueError(
                f"slot index {index} is outside 0..{len(self.slots) - 1} of the {self.kind} screen"
            )
        if shift:
            self.quick_move(index, stats)
        elif self.slots[index].section in ("result", "output"):
            self._click_result(index, button, stats)
        else:
            self._click_storage(index, button)
        return []

    def _throw_cursor(self, button: str, stats: Statistics | None) -> list[ItemStack]:
        cursor = self.cursor_stack
        if cursor is None:
            return []
        n = cursor.count if button == "left" else 1
        self.cursor_stack = cursor.with_count(cursor.count - n)
        if stats is not None:
            stats.increment("drop", cursor.item, n)
        return [ItemStack(cursor.item, n)]

    def _click_storage(self, index: int, button: str) -> None:
        slot_stack, cursor = self.stack(index), self.cursor_stack
        if slot_stack is None:
            if cursor is not None and self.may_place(index, cursor):
                n = cursor.count if button == "left" else 1
                self._set(index, ItemStack(cursor.item, n))
                self.cursor_stack = cursor.with_count(cursor.count - n)
        elif cursor is None:
            n = slot_stack.count if button == "left" else (slot_stack.count + 1) // 2
            self.cursor_stack = ItemStack(slot_stack.item, n)
            self._set(index, slot_stack.with_count(slot_stack.count - n))
        elif self.may_place(index, cursor):
            if cursor.item == slot_stack.item:
                n = min(cursor.count if button == "left" else 1, slot_stack.max_size - slot_stack.count)
                self._set(index, ItemStack(cursor.item, slot_stack.count + n))
                self.cursor_stack = cursor.with_count(cursor.count - n)
            else:
                self._set(index, cursor)
                self.cursor_stack = slot_stack

    def swap_hotbar(self, index: int, hotbar: int, stats: Statistics | None = None) -> None:
        """Number key `hotbar + 1` over slot `index`: swap that slot with the hotbar slot."""
        if not 0 <= hotbar < 9:
            raise ValueError(f"hotbar index {hotbar} is outside 0..8")
        if not 0 <= index < len(self.slots):
            raise ValueError(
                f"slot index {index} is outside 0..{len(self.slots) - 1} of the {self.kind} screen"
            )
        held, here = self.inventory.slots[hotbar], self.stack(index)
        section = self.slots[index].section
        if section in ("result", "output"):
            if held is None and here is not None:
                taken = (
                    self._craft(stats) if section == "result" else self._take_output(index, here.count, stats)
                )
                self.inventory.slots[hotbar] = taken
            return
        if held is not None and not self.may_place(index, held):
            return
        self._set(index, held)
        self.inventory.slots[hotbar] = here

    # ----- shift-click -----------------------------------------------------------------------------
    def _move_to(self, stack: ItemStack, indices: list[int]) -> int:
        """moveItemStackTo: fill same-item stacks, then the first empty slot that takes it; returns rest."""
        count = stack.count
        for i in indices:
            here = self.stack(i)
            if count and here is not None and here.item == stack.item and here.count < here.max_size:
                n = min(count, here.max_size - here.count)
                self._set(i, ItemStack(here.item, here.count + n))
                count -= n
        if count:
            for i in indices:
                if self.stack(i) is None and self.may_place(i, stack):
                    self._set(i, ItemStack(stack.item, count))
                    return 0
        return count

    def _fits(self, stack: ItemStack, indices: list[int]) -> bool:
        room = 0
        for i in indices:
            here = self.stack(i)
            if here is None:
                return True
            if here.item == stack.item:
                room += here.max_size - here.count
        return room >= stack.count

    def quick_move(self, index: int, stats: Statistics | None = None) -> None:
        """Shift-click slot `index` (the menus' quickMoveStack rules)."""
        section = self.slots[index].section
        start = self.player_start
        main = list(range(start, start + 27))
        hotbar = list(range(start + 27, start + 36))
        player_reversed = list(reversed(main + hotbar))
        if section == "result":
            first = self.stack(index)
            while first is not None:
                result = self.stack(index)
                if result is None or result.item != first.item or not self._fits(result, player_reversed):
                    break
                crafted = self._craft(stats)
                assert crafted is not None
                self._move_to(crafted, player_reversed)
            return
        stack = self.stack(index)
        if stack is None:
            return
        if section == "output":
            rest = self._move_to(stack, player_reversed)
            if rest < stack.count:
                self._take_output(index, stack.count - rest, stats)
            return
        if section in ("craft", "input", "fuel"):
            targets = main + hotbar
        elif section == "container":
            targets = player_reversed
        elif self.kind == "chest":
            targets = list(range(0, 27))
        elif self.kind == "furnace" and smelting_result(stack.item) is not None:
            targets = [FURNACE_INPUT]
        elif self.kind == "furnace" and fuel_ticks(stack.item) > 0:
            targets = [FURNACE_FUEL]
        else:
            targets = hotbar if section == "main" else main
        rest = self._move_to(stack, targets)
        self._set(index, stack.with_count(rest))

    # ----- time, closing, state ----------------------------------------------------------------
    def tick(self, stats: Statistics | None = None) -> None:
        """One game tick of the screen's block (furnace smelting); stats count on take, not here."""
        if isinstance(self.container, Furnace):
            self.container.tick()

    def close(self, inventory: Inventory | None = None) -> list[ItemStack]:
        """Return the crafting grid and the cursor stack to the inventory; returns what did not fit."""
        inventory = inventory if inventory is not None else self.inventory
        leftovers = []
        for stack in [*self.grid, self.cursor_stack]:
            if stack is not None:
                rest = inventory.add(stack.item, stack.count)
                if rest:
                    leftovers.append(ItemStack(stack.item, rest))
        self.grid = [None] * len(self.grid)
        self.cursor_stack = None
        return leftovers

    def to_dict(self) -> dict[str, Any]:
        """JSON-able state of the screen (the inventory is saved by its owner)."""
        return {
            "kind": self.kind,
            "grid": [None if s is None else s.to_list() for s in self.grid],
            "cursor_stack": None if self.cursor_stack is None else self.cursor_stack.to_list(),
            "cursor_pos": list(self.cursor_pos),
            "container": None if self.container is None else self.container.to_dict(),
        }

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], inventory: Inventory, container: Chest | Furnace | None = None
    ) -> GuiScreen:
        """Inverse of `to_dict`; pass the world's `container` to re-link it, else it is rebuilt."""
        if container is None and data.get("container") is not None:
            container = container_from_dict(data["container"])
        screen = cls(data["kind"], inventory, container)
        if len(data["grid"]) != len(screen.grid):
            raise ValueError(
                f"{screen.kind} state has {len(data['grid'])} grid cells, expected {len(screen.grid)}"
            )
        screen.grid = [ItemStack.from_list(s) for s in data["grid"]]
        screen.cursor_stack = ItemStack.from_list(data.get("cursor_stack"))
        x, y = data.get("cursor_pos", (500.0, 500.0))
        screen.cursor_pos = (float(x), float(y))
        return screen
