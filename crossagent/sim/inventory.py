"""Item stacks and the player's 36-slot inventory (slots 0-8 are the hotbar)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crossagent.sim.data.items import item_info

HOTBAR_SIZE = 9
INVENTORY_SIZE = 36


@dataclass(frozen=True)
class ItemStack:
    """`count` of one item (1 <= count <= the item's stack size); immutable, so slots never alias."""

    item: str
    count: int = 1

    def __post_init__(self) -> None:
        limit = item_info(self.item).stack_size  # ValueError naming an unknown item
        if not 1 <= self.count <= limit:
            raise ValueError(
                f"ItemStack count {self.count} of {self.item!r} is outside 1..{limit} (its stack size)"
            )

    @property
    def max_size(self) -> int:
        """Most of this item one slot holds."""
        return item_info(self.item).stack_size

    def with_count(self, count: int) -> ItemStack | None:
        """The same item with another count; None when count is 0."""
        return ItemStack(self.item, count) if count > 0 else None

    def to_list(self) -> list[Any]:
        return [self.item, self.count]

    @staticmethod
    def from_list(data: list[Any] | None) -> ItemStack | None:
        return None if data is None else ItemStack(str(data[0]), int(data[1]))


Slots = list[ItemStack | None]


def merge_into(slots: Slots, order: range | list[int], item: str, count: int, empty_too: bool) -> int:
    """Put up to `count` of `item` into `slots` visiting `order`; returns what did not fit.

    Existing stacks of the item fill first (in `order`), then, if `empty_too`, empty slots.
    """
    limit = item_info(item).stack_size
    for i in order:
        stack = slots[i]
        if count and stack is not None and stack.item == item and stack.count < limit:
            moved = min(limit - stack.count, count)
            slots[i] = ItemStack(item, stack.count + moved)
            count -= moved
    if empty_too:
        for i in order:
            if count and slots[i] is None:
                moved = min(limit, count)
                slots[i] = ItemStack(item, moved)
                count -= moved
    return count


class Inventory:
    """The player's main inventory: `slots[0:9]` hotbar, `slots[9:36]` the 3x9 grid above it."""

    def __init__(self) -> None:
        self.slots: Slots = [None] * INVENTORY_SIZE
        self.selected = 0
        """Selected hotbar index 0-8 (keys 1-9)."""

    def held(self) -> ItemStack | None:
        """The stack in the selected hotbar slot."""
        return self.slots[self.selected]

    def held_item(self) -> str | None:
        """Name of the held item, None for an empty hand."""
        stack = self.held()
        return None if stack is None else stack.item

    def select(self, index: int) -> None:
        """Select hotbar slot `index` (0-8)."""
        if not 0 <= index < HOTBAR_SIZE:
            raise ValueError(f"hotbar index {index} is outside 0..8")
        self.selected = index

    def add(self, item: str, count: int = 1) -> int:
        """Pick up `count` of `item` as Minecraft does; returns the leftover that did not fit.

        Order: the selected slot if it holds the item, then partial stacks in slot order, then empty
        slots in slot order (hotbar first).
        """
        item_info(item)
        if count < 0:
            raise ValueError(f"count {count} must be >= 0")
        order = [self.selected, *[i for i in range(INVENTORY_SIZE) if i != self.selected]]
        count = merge_into(self.slots, order, item, count, empty_too=False)
        return merge_into(self.slots, range(INVENTORY_SIZE), item, count, empty_too=True)

    def count(self, item: str) -> int:
        """How many of `item` the inventory holds."""
        return sum(s.count for s in self.slots if s is not None and s.item == item)

    def remove(self, item: str, n: int = 1) -> None:
        """Take `n` of `item` out (slot order); ValueError if there are fewer."""
        have = self.count(item)
        if have < n:
            raise ValueError(f"cannot remove {n} {item!r}: the inventory holds {have}")
        for i, stack in enumerate(self.slots):
            if n and stack is not None and stack.item == item:
                taken = min(n, stack.count)
                self.slots[i] = stack.with_count(stack.count - taken)
                n -= taken

    def set_slot(self, index: int, stack: ItemStack | None) -> None:
        """Put `stack` in slot `index` (task setup)."""
        if not 0 <= index < INVENTORY_SIZE:
            raise ValueError(f"inventory slot {index} is outside 0..35")
        self.slots[index] = stack

    def as_counts(self) -> dict[str, int]:
        """Item name -> total count."""
        counts: dict[str, int] = {}
        for s in self.slots:
            if s is not None:
                counts[s.item] = counts.get(s.item, 0) + s.count
        return counts

    def to_dict(self) -> dict[str, Any]:
        """JSON-able state."""
        return {"selected": self.selected, "slots": [None if s is None else s.to_list() for s in self.slots]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inventory:
        """Inverse of `to_dict`."""
        inv = cls()
        slots = data["slots"]
        if len(slots) != INVENTORY_SIZE:
            raise ValueError(f"inventory state has {len(slots)} slots, expected {INVENTORY_SIZE}")
        inv.slots = [ItemStack.from_list(s) for s in slots]
        inv.select(int(data.get("selected", 0)))
        return inv

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Inventory) and self.to_dict() == other.to_dict()
