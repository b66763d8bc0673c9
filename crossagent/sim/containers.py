"""Block containers the world keeps per position: chests and furnaces (smelting runs in `tick`)."""

from __future__ import annotations

from typing import Any

from crossagent.sim.data.recipes import REMAINDERS
from crossagent.sim.data.smelting import fuel_ticks, smelting_result
from crossagent.sim.inventory import ItemStack, Slots

CHEST_SIZE = 27
FURNACE_INPUT, FURNACE_FUEL, FURNACE_OUTPUT = 0, 1, 2


class Chest:
    """A single chest: 27 slots."""

    kind = "chest"

    def __init__(self) -> None:
        self.slots: Slots = [None] * CHEST_SIZE

    def tick(self) -> None:
        """Chests do nothing over time."""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "slots": [None if s is None else s.to_list() for s in self.slots]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chest:
        chest = cls()
        if len(data["slots"]) != CHEST_SIZE:
            raise ValueError(f"chest state has {len(data['slots'])} slots, expected {CHEST_SIZE}")
        chest.slots = [ItemStack.from_list(s) for s in data["slots"]]
        return chest


class Furnace:
    """A furnace: slots [input, fuel, output] and the game's timers (AbstractFurnaceTileEntity.tick)."""

    kind = "furnace"

    def __init__(self) -> None:
        self.slots: Slots = [None, None, None]
        self.lit_time = 0
        """Burn ticks left of the current fuel item."""
        self.lit_duration = 0
        """Burn ticks the current fuel item gave (for the flame gauge)."""
        self.cook_progress = 0
        """Ticks the current input item has cooked."""
        self.cook_total = 0
        """Ticks the current input item needs (200)."""

    @property
    def lit(self) -> bool:
        return self.lit_time > 0

    def _can_burn(self) -> tuple[str, int, int] | None:
        source = self.slots[FURNACE_INPUT]
        recipe = smelting_result(source.item if source else None)
        if recipe is None:
            return None
        out, count, _ = recipe
        held = self.slots[FURNACE_OUTPUT]
        if held is None or (held.item == out and held.count + count <= held.max_size):
            return recipe
        return None

    def tick(self) -> None:
        """One game tick: burn fuel, cook the input, move finished items to the output."""
        if self.lit:
            self.lit_time -= 1
        fuel, source = self.slots[FURNACE_FUEL], self.slots[FURNACE_INPUT]
        if self.lit or (fuel is not None and source is not None):
            recipe = self._can_burn()
            if not self.lit and recipe is not None and fuel is not None:
                self.lit_time = self.lit_duration = fuel_ticks(fuel.item)
                if self.lit:
                    remainder = REMAINDERS.get(fuel.item)
                    rest = fuel.with_count(fuel.count - 1)
                    self.slots[FURNACE_FUEL] = rest or (ItemStack(remainder) if remainder else None)
            if self.lit and recipe is not None:
                self.cook_total = recipe[2]
                self.cook_progress += 1
                if self.cook_progress >= self.cook_total:
                    self.cook_progress = 0
                    self._finish(recipe)
            else:
                self.cook_progress = 0
        elif not self.lit and self.cook_progress > 0:
            self.cook_progress = max(0, self.cook_progress - 2)

    def _finish(self, recipe: tuple[str, int, int]) -> None:
        out, count, _ = recipe
        held = self.slots[FURNACE_OUTPUT]
        self.slots[FURNACE_OUTPUT] = ItemStack(out, count + (held.count if held else 0))
        source = self.slots[FURNACE_INPUT]
        assert source is not None
        self.slots[FURNACE_INPUT] = source.with_count(source.count - 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "slots": [None if s is None else s.to_list() for s in self.slots],
            "lit_time": self.lit_time,
            "lit_duration": self.lit_duration,
            "cook_progress": self.cook_progress,
            "cook_total": self.cook_total,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Furnace:
        furnace = cls()
        if len(data["slots"]) != 3:
            raise ValueError(
                f"furnace state has {len(data['slots'])} slots, expected 3 (input, fuel, output)"
            )
        furnace.slots = [ItemStack.from_list(s) for s in data["slots"]]
        for key in ("lit_time", "lit_duration", "cook_progress", "cook_total"):
            setattr(furnace, key, int(data[key]))
        return furnace


def container_from_dict(data: dict[str, Any]) -> Chest | Furnace:
    """Rebuild a Chest or Furnace from its `to_dict`."""
    kinds = {"chest": Chest, "furnace": Furnace}
    if data.get("kind") not in kinds:
        raise ValueError(f"container kind {data.get('kind')!r} is not one of {sorted(kinds)}")
    return kinds[data["kind"]].from_dict(data)
