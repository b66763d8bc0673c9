"""Dense numpy lookup tables that the numba kernels of the world engine read.

The data layer (`crossagent.sim.data`) describes blocks and items as dataclasses; numba cannot read
those, so this module flattens the facts the engine needs into arrays indexed by block or item id:
how a ray and a body treat a block (`BLOCK_KIND`, `BLOCK_SOLID`), its colour, and a deterministic
icon per item (two colours and a 4x4 bit pattern) for the hotbar and GUI screens.
"""

from __future__ import annotations

import hashlib

import numpy as np

from crossagent.sim.data.blocks import BLOCKS, block_id
from crossagent.sim.data.items import ITEMS, ITEMS_BY_ID, item_info

KIND_AIR, KIND_OPAQUE, KIND_WATER, KIND_PLANT = 0, 1, 2, 3
"""How a ray treats a block: passes through, stops, tints and passes, or hits a smaller inner box."""

_FLUIDS = {"water", "lava"}


def _kind(info) -> int:
    if info.id == 0 or info.name in {"air", "cave_air", "void_air"}:
        return KIND_AIR
    if info.name in _FLUIDS:
        return KIND_WATER
    if not info.solid:
        return KIND_PLANT
    return KIND_OPAQUE


NUM_BLOCKS = max(info.id for info in BLOCKS) + 1
BLOCK_KIND = np.zeros(NUM_BLOCKS, np.uint8)
BLOCK_SOLID = np.zeros(NUM_BLOCKS, np.bool_)
BLOCK_RGB = np.zeros((NUM_BLOCKS, 3), np.float32)
for _info in BLOCKS:
    BLOCK_KIND[_info.id] = _kind(_info)
    BLOCK_SOLID[_info.id] = bool(_info.solid) and _info.name not in _FLUIDS
    BLOCK_RGB[_info.id] = _info.color
BLOCK_NAMES: list[str] = [""] * NUM_BLOCKS
for _info in BLOCKS:
    BLOCK_NAMES[_info.id] = _info.name


def _icon(name: str, base: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A distinct, deterministic icon: the item colour, a hashed accent colour and a 4x4 pattern."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    bits = np.unpackbits(np.frombuffer(digest[:2], np.uint8))
    accent = np.array([digest[2], digest[3], digest[4]], np.float32) * 0.6 + np.array(base, np.float32) * 0.2
    # A solid core keeps the icon's main colour readable at 3x3 pixels.
    bits[[5, 6, 9, 10]] = 1
    return np.array(base, np.float32), accent, bits.astype(np.uint8)


NUM_ITEMS = max(ITEMS_BY_ID) + 1
ICON_MAIN = np.zeros((NUM_ITEMS, 3), np.float32)
ICON_ACCENT = np.zeros((NUM_ITEMS, 3), np.float32)
ICON_BITS = np.zeros((NUM_ITEMS, 16), np.uint8)
for _info in ITEMS.values():
    ICON_MAIN[_info.id], ICON_ACCENT[_info.id], ICON_BITS[_info.id] = _icon(_info.name, tuple(_info.color))


def item_index(name: str | None) -> int:
    """Icon-table index (the item id) of an item name, -1 for an empty slot; ValueError if unknown."""
    return -1 if name is None else item_info(name).id


__all__ = ["block_id"]
