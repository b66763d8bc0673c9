"""Perception questions about one MineSim frame, answered from the renderer's ground truth.

    views = world_views(sim, scene_rng)           # frames + per-pixel object maps of one scene
    rows = frame_questions(view, rng, row_id)     # point / locate / identify / count rows of one frame
    rows = gui_questions(sim, frame, rng, row_id) # gui rows of a frame with a screen open

Answers use the grounding action's own tokens, so that what pretraining teaches is what a grounding
action writes: `<|object_ref_start|>oak_log<|object_ref_end|><|point_start|>(412,530)<|point_end|>`,
points in the resolution-independent [0, 1000]^2 frame (origin top left). Every row keeps the ground
truth its answer is scored against (`crossagent.evaluation.perception`): the mask of the pixels that
belong to the named object (a point is right when it lands on one) and the visible centroid of each of
its instances (the distance is reported beside).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from crossagent.sim.labels import CODES, NAMES, SKY, ObjectMap, hud_mask
from modeling_crossagent.action_spaces import (
    OBJECT_REF_END,
    OBJECT_REF_START,
    POINT_END,
    POINT_MAX,
    POINT_START,
)
from modeling_crossagent.processing_crossagent import check_frame

CONFIGS: tuple[str, ...] = ("point", "locate", "identify", "gui", "count")
"""The dataset's configs, one per kind of question."""

NOT_VISIBLE = "not visible"
EMPTY_SLOT = "empty"
MIN_PIXELS = 3
"""An object counts as visible when at least this many pixels of it show (outside the HUD)."""
GRID_ROWS, GRID_COLS = ("top", "middle", "bottom"), ("left", "centre", "right")
"""The 3x3 cells of `locate`, named `top left` ... `bottom right` (the middle one is `middle centre`)."""
CELLS: tuple[str, ...] = tuple(f"{r} {c}" for r in GRID_ROWS for c in GRID_COLS)
OBJECT_GRID = 16
"""Side of the grid of `cell_objects`: the object most of each of the frame's 16x16 cells shows (4x4 pixels
at 64x64, fine enough that a small target owns cells of its own)."""


def check_object(name: str, field: str = "object") -> str:
    """A name the renderer can draw (a block, a mob, `sky`) or an item name (GUI questions)."""
    from crossagent.sim.data.items import ITEMS

    if not isinstance(name, str) or (name not in CODES and name not in ITEMS):
        raise ValueError(
            f"{field}={name!r} is not a MineSim object: use a block, mob or item name of minecraft-data "
            f"1.16.5 (e.g. 'oak_log', 'cow', 'stick') or {SKY!r}."
        )
    return name


def object_ref(name: str) -> str:
    return f"{OBJECT_REF_START}{name}{OBJECT_REF_END}"


def point_text(point: tuple[int, int]) -> str:
    return f"{POINT_START}({point[0]},{point[1]}){POINT_END}"


def pixel_to_point(row: float, col: float, height: int, width: int) -> tuple[int, int]:
    """The [0, 1000]^2 point at the centre of pixel (row, col)."""
    return (
        min(POINT_MAX, round((col + 0.5) * POINT_MAX / width)),
        min(POINT_MAX, round((row + 0.5) * POINT_MAX / height)),
    )


def point_to_pixel(point: tuple[int, int], height: int, width: int) -> tuple[int, int]:
    """The (row, col) of the pixel under the [0, 1000]^2 point (the renderer's projection)."""
    x, y = point
    return min(height - 1, int(y * height / POINT_MAX)), min(width - 1, int(x * width / POINT_MAX))


def grid_cell(point: tuple[float, float]) -> str:
    """The `locate` cell name of a [0, 1000]^2 point."""
    col = min(2, int(point[0] * 3 / POINT_MAX))
    row = min(2, int(point[1] * 3 / POINT_MAX))
    return f"{GRID_ROWS[row]} {GRID_COLS[col]}"


def pack_mask(mask: np.ndarray) -> bytes:
    return np.packbits(mask.astype(bool).reshape(-1)).tobytes()


def unpack_mask(data: bytes, height: int, width: int) -> np.ndarray:
    return (
        np.unpackbits(np.frombuffer(data, np.uint8), count=height * width).reshape(height, width).astype(bool)
    )


@dataclass(frozen=True)
class View:
    """One world frame and what is at each of its pixels."""

    frame: np.ndarray
    """(H, W, 3) uint8."""
    labels: ObjectMap
    """The renderer's per-pixel ground truth (HUD pixels are marked `hud`)."""
    placed: tuple[str, ...]
    """Names the scene placed on purpose (blocks in view, mobs): the questions favour them."""


@dataclass(frozen=True)
class Instance:
    """One visible instance of an object: its pixels and their centroid."""

    name: str
    pixels: int
    centroid: tuple[int, int]
    """Visible centroid in [0, 1000]^2."""
    anchor: tuple[int, int]
    """The instance's own pixel nearest its centroid, in [0, 1000]^2: the point the answer gives (the
    centroid of a concave or partly hidden object may lie on something else)."""


def visible_objects(labels: ObjectMap) -> dict[str, list[Instance]]:
    """Name -> its visible instances (at least MIN_PIXELS each), largest first; sky left out."""
    height, width = labels.codes.shape
    shown = ~hud_mask(height, width)
    found: dict[str, list[Instance]] = {}
    ids, counts = np.unique(labels.instances[shown & (labels.instances >= 0)], return_counts=True)
    for instance, count in zip(ids.tolist(), counts.tolist()):
        if count < MIN_PIXELS:
            continue
        rows, cols = np.nonzero((labels.instances == instance) & shown)
        name = NAMES[int(labels.codes[rows[0], cols[0]])]
        r, c = rows.mean(), cols.mean()
        nearest = int(np.argmin((rows - r) ** 2 + (cols - c) ** 2))
        found.setdefault(name, []).append(
            Instance(name, count, pixel_to_point(r, c, height, width),
                     pixel_to_point(rows[nearest], cols[nearest], height, width))
        )  # fmt: skip
    for instances in found.values():
        instances.sort(key=lambda i: -i.pixels)
    return found


def cell_objects(labels: ObjectMap, grid: int = OBJECT_GRID) -> list[str]:
    """The name most pixels of each cell of a `grid` x `grid` split of the frame show (row-major; HUD pixels
    left out, `""` for a cell the HUD covers): the dense target of `PerceptionCollator`."""
    height, width = labels.codes.shape
    if height % grid or width % grid:
        raise ValueError(f"cell_objects: a {width}x{height} frame does not split into {grid}x{grid} cells.")
    shown = ~hud_mask(height, width)
    names = []
    for rows in np.split(np.arange(height), grid):
        for cols in np.split(np.arange(width), grid):
            codes = labels.codes[np.ix_(rows, cols)][shown[np.ix_(rows, cols)]]
            names.append(NAMES[int(np.bincount(codes).argmax())] if codes.size else "")
    return names


def object_mask(labels: ObjectMap, name: str) -> np.ndarray:
    """The pixels (outside the HUD) that show object `name`."""
    height, width = labels.codes.shape
    return (labels.codes == CODES[name]) & ~hud_mask(height, width)


def _row(row_id: str, config: str, kind: str, frame: np.ndarray, question: str, answer: str, obj: str = "",
         mask: np.ndarray | None = None, centroids=(), answer_point=None) -> dict:  # fmt: skip
    if obj and obj != EMPTY_SLOT:
        check_object(obj)
    return {
        "id": row_id,
        "config": config,
        "kind": kind,
        "image": check_frame(frame, "image"),
        "instruction": question,
        "history": [],
        "action_space": "perception",
        "action": answer,
        "object": obj,
        "mask": b"" if mask is None else pack_mask(mask),
        "centroids": [list(c) for c in centroids],
        "answer_point": list(answer_point) if answer_point else [],
        "cell_objects": [],
    }


def _choose_object(visible: dict[str, list[Instance]], placed, rng: random.Random) -> str:
    """A visible object to ask about: one the scene placed (mostly), else any visible one."""
    favoured = [name for name in placed if name in visible]
    if favoured and rng.random() < 0.7:
        return rng.choice(favoured)
    return rng.choice(sorted(visible))


def point_row(view: View, rng: random.Random, row_id: str, absent_pool) -> dict | None:
    """`Point to the X`: the point on X's largest visible instance nearest its centroid, or `not visible`."""
    visible = visible_objects(view.labels)
    absent = [n for n in absent_pool if n not in visible]
    if not visible or (absent and rng.random() < 0.15):
        name = check_object(rng.choice(absent))
        return _row(row_id, "point", "not_visible", view.frame, f"Point to the {name}",
                    f"{object_ref(name)} {NOT_VISIBLE}", name)  # fmt: skip
    name = _choose_object(visible, view.placed, rng)
    target = visible[name][0]
    return _row(row_id, "point", "point", view.frame, f"Point to the {name}",
                object_ref(name) + point_text(target.anchor), name, object_mask(view.labels, name),
                [i.centroid for i in visible[name]], target.anchor)  # fmt: skip


def locate_row(view: View, rng: random.Random, row_id: str) -> dict | None:
    """`Where is the X?`: the 3x3 cell of the visible centroid of X's largest instance."""
    visible = visible_objects(view.labels)
    if not visible:
        return None
    name = _choose_object(visible, view.placed, rng)
    target = visible[name][0]
    return _row(row_id, "locate", "locate", view.frame, f"Which part of the frame holds the {name}?",
                f"{object_ref(name)} {grid_cell(target.centroid)}", name, object_mask(view.labels, name),
                [i.centroid for i in visible[name]])  # fmt: skip


def identify_row(view: View, rng: random.Random, row_id: str) -> dict:
    """`What is at (x,y)?`: the object drawn at a pixel (half the time a pixel of a placed object)."""
    height, width = view.labels.codes.shape
    shown = ~hud_mask(height, width)
    placed_codes = [CODES[n] for n in view.placed if n in CODES]
    candidates = np.argwhere(shown & np.isin(view.labels.codes, placed_codes))
    if len(candidates) == 0 or rng.random() < 0.5:
        candidates = np.argwhere(shown)
    r, c = candidates[rng.randrange(len(candidates))]
    name = view.labels.name_at(r, c)
    point = pixel_to_point(r, c, height, width)
    return _row(row_id, "identify", "identify", view.frame, f"What is at {point_text(point)}?",
                object_ref(name), name, view.labels.codes == CODES[name], answer_point=point)  # fmt: skip


def count_row(view: View, rng: random.Random, row_id: str, mob_pool) -> dict:
    """`How many X are visible?` for a mob kind (one the scene spawned, else another: often 0)."""
    visible = visible_objects(view.labels)
    mobs = [n for n in view.placed if n in mob_pool]
    name = rng.choice(mobs) if mobs and rng.random() < 0.8 else rng.choice(mob_pool)
    count = len(visible.get(name, []))
    return _row(row_id, "count", "count", view.frame, f"How many {name} are visible?", str(count), name,
                centroids=[i.centroid for i in visible.get(name, [])])  # fmt: skip


def gui_rows(sim, frame: np.ndarray, rng: random.Random, row_id: str) -> list[dict]:
    """Three questions about an open screen: point to the slot holding X, name the item in a slot, read
    the player's inventory (its non-empty slots in menu order, `item count`)."""
    gui = sim.gui
    height, width = frame.shape[:2]
    stacks = sim.gui_stacks()
    rows = []
    filled = [k for k, s in enumerate(stacks) if s is not None]
    if filled:
        item = stacks[rng.choice(filled)].item
        holding = [k for k in filled if stacks[k].item == item]
        mask = np.zeros((height, width), bool)
        for k in holding:
            x0, y0, x1, y1 = sim.renderer.to_pixels([gui.slots[k].rect])[0]
            mask[y0:y1, x0:x1] = True
        x0, y0, x1, y1 = gui.slots[holding[0]].rect
        centre = ((x0 + x1) // 2, (y0 + y1) // 2)
        centres = [((gui.slots[k].rect[0] + gui.slots[k].rect[2]) // 2,
                    (gui.slots[k].rect[1] + gui.slots[k].rect[3]) // 2) for k in holding]  # fmt: skip
        rows.append(_row(f"{row_id}-slot", "gui", "gui_point", frame, f"Point to the slot holding {item}",
                         object_ref(item) + point_text(centre), item, mask, centres, centre))  # fmt: skip
    k = rng.choice(filled) if filled and rng.random() < 0.7 else rng.randrange(len(gui.slots))
    x0, y0, x1, y1 = gui.slots[k].rect
    centre = ((x0 + x1) // 2, (y0 + y1) // 2)
    name = stacks[k].item if stacks[k] is not None else EMPTY_SLOT
    answer = object_ref(name) if stacks[k] is not None else EMPTY_SLOT
    rows.append(_row(f"{row_id}-name", "gui", "gui_name", frame, f"What is in the slot at {point_text(centre)}?",
                     answer, name, answer_point=centre))  # fmt: skip
    player = [s for slot, s in zip(gui.slots, stacks) if slot.store == "inventory" and s is not None]
    listing = ", ".join(f"{s.item} {s.count}" for s in player) or EMPTY_SLOT
    rows.append(_row(f"{row_id}-read", "gui", "gui_read", frame, "Read the inventory", listing))
    return rows


def checked_frame(frame, image_size: int) -> np.ndarray:
    """A (image_size, image_size, 3) uint8 frame, else a clear error naming `image`."""
    frame = check_frame(frame, "image")
    if frame.shape[:2] != (image_size, image_size):
        raise ValueError(
            f"image must be {image_size}x{image_size} (the model's image_size), got {frame.shape[1]}x{frame.shape[0]}."
        )
    return frame
