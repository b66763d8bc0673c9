"""Where GUI slots sit, in Minecraft's GUI pixels (176-wide panels, 18-pixel slot pitch) mapped to the
resolution-independent frame [0, 1000]^2 (origin top left) at 5 frame units per GUI pixel, centred.

Slot order is the game's menu slot order (CraftingMenu, FurnaceMenu, ChestMenu); the player
inventory screen leaves out armour and off-hand (MineSim has neither).
"""

from __future__ import annotations

from dataclasses import dataclass

Rect = tuple[int, int, int, int]

SCALE = 5
"""Frame units per GUI pixel."""
FRAME = 1000
PANEL_WIDTH = 176
PANEL_HEIGHT = {"inventory": 166, "crafting_table": 166, "furnace": 166, "chest": 168}
ITEM_PIXELS = 16


@dataclass(frozen=True)
class Slot:
    """One clickable slot of a screen."""

    index: int
    """Menu slot index (what `GuiScreen.click` takes)."""
    section: str
    """'result' | 'craft' | 'input' | 'fuel' | 'output' | 'container' | 'main' | 'hotbar'."""
    store: str
    """Backing list: 'inventory' (player slots), 'grid' (crafting grid), 'container', or 'result'."""
    ref: int
    """Index into the backing list."""
    rect: Rect
    """Item area (x0, y0, x1, y1) in the [0, 1000] frame; clicks also land on its 1-pixel border."""


def panel_rect(kind: str) -> Rect:
    """The screen's background panel in the frame."""
    w, h = PANEL_WIDTH * SCALE, PANEL_HEIGHT[kind] * SCALE
    x0, y0 = (FRAME - w) // 2, (FRAME - h) // 2
    return (x0, y0, x0 + w, y0 + h)


def _rect(kind: str, px: int, py: int) -> Rect:
    x0, y0, _, _ = panel_rect(kind)
    return (
        x0 + px * SCALE,
        y0 + py * SCALE,
        x0 + (px + ITEM_PIXELS) * SCALE,
        y0 + (py + ITEM_PIXELS) * SCALE,
    )


def _player_slots(kind: str, first: int, main_y: int) -> list[Slot]:
    """27 main slots (inventory 9-35) then the hotbar (inventory 0-8) 58 pixels below the main grid."""
    slots = []
    for row in range(3):
        for col in range(9):
            ref = 9 + row * 9 + col
            slots.append(
                Slot(
                    first + len(slots), "main", "inventory", ref, _rect(kind, 8 + col * 18, main_y + row * 18)
                )
            )
    for col in range(9):
        slots.append(
            Slot(first + len(slots), "hotbar", "inventory", col, _rect(kind, 8 + col * 18, main_y + 58))
        )
    return slots


def layout(kind: str) -> list[Slot]:
    """All slots of a screen kind, in menu slot order."""
    if kind == "inventory":
        slots = [Slot(0, "result", "result", 0, _rect(kind, 154, 28))]
        slots += [
            Slot(1 + i, "craft", "grid", i, _rect(kind, 98 + (i % 2) * 18, 18 + (i // 2) * 18))
            for i in range(4)
        ]
        return slots + _player_slots(kind, len(slots), 84)
    if kind == "crafting_table":
        slots = [Slot(0, "result", "result", 0, _rect(kind, 124, 35))]
        slots += [
            Slot(1 + i, "craft", "grid", i, _rect(kind, 30 + (i % 3) * 18, 17 + (i // 3) * 18))
            for i in range(9)
        ]
        return slots + _player_slots(kind, len(slots), 84)
    if kind == "furnace":
        slots = [
            Slot(0, "input", "container", 0, _rect(kind, 56, 17)),
            Slot(1, "fuel", "container", 1, _rect(kind, 56, 53)),
            Slot(2, "output", "container", 2, _rect(kind, 116, 35)),
        ]
        return slots + _player_slots(kind, len(slots), 84)
    if kind == "chest":
        slots = [
            Slot(i, "container", "container", i, _rect(kind, 8 + (i % 9) * 18, 18 + (i // 9) * 18))
            for i in range(27)
        ]
        return slots + _player_slots(kind, len(slots), 85)
    raise ValueError(f"GUI kind {kind!r} is not one of inventory, crafting_table, furnace, chest")


LAYOUTS: dict[str, list[Slot]] = {kind: layout(kind) for kind in PANEL_HEIGHT}
"""Slots per screen kind (computed once)."""
