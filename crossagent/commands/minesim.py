"""`crossagent minesim-frames`: render a few MineSim views (biomes with mobs, mining, GUIs) to PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from crossagent.files import atomic_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("minesim-frames", help="save sample MineSim frames as PNG")
    parser.add_argument("--out", default="docs/images", help="folder for the PNG files")
    parser.add_argument("--size", type=int, default=128, help="frame width and height in pixels")
    parser.add_argument("--upscale", type=int, default=4, help="pixel repeat factor for viewing")
    parser.set_defaults(func=run)


def save_png(frame: np.ndarray, path: Path, upscale: int) -> None:
    """Write an upscaled frame as PNG through a temporary file (no half-written images)."""
    import matplotlib.pyplot as plt

    big = np.kron(frame, np.ones((upscale, upscale, 1), np.uint8))
    with atomic_path(path) as tmp:
        plt.imsave(tmp, big, format="png")


def start_in_biome(seed: int, biome: str) -> tuple[float, float]:
    """A dry column of `biome` nearest the world centre (ValueError if the seed has none)."""
    from crossagent.sim.world import BIOMES, generate

    world = generate(seed)
    sx, _, sz = world.blocks.shape
    xs, zs = np.meshgrid(np.arange(sx), np.arange(sz), indexing="ij")
    ok = (world.biome == BIOMES.index(biome)) & (world.surface >= world.config.sea_level)
    ok[:8, :] = ok[-8:, :] = ok[:, :8] = ok[:, -8:] = False
    if not ok.any():
        raise ValueError(f"seed {seed} has no {biome} column away from the edge")
    dist = np.where(ok, (xs - sx / 2) ** 2 + (zs - sz / 2) ** 2, np.inf)
    x, z = np.unravel_index(int(np.argmin(dist)), dist.shape)
    return float(x) + 0.5, float(z) + 0.5


def frames(size: int) -> dict[str, np.ndarray]:
    """Named sample frames; every view is built from a scene spec and raw actions only."""
    from crossagent.sim.scene import BlockAt, BlocksInView, InventoryEntry, MobGroup, SceneSpec
    from crossagent.sim.sim import MineSim

    sim = MineSim(size, size)
    tools = [InventoryEntry("iron_pickaxe", 1), InventoryEntry("iron_sword", 1), InventoryEntry("bread", 7)]
    out: dict[str, np.ndarray] = {}
    views = {
        "forest": (3, "forest", [MobGroup("cow", 2, 4, 7), MobGroup("zombie", 1, 6, 9)], 6000),
        "taiga": (29, "taiga", [MobGroup("sheep", 2, 4, 8), MobGroup("wolf", 1, 5, 9)], 6000),
        "desert": (28, "desert", [MobGroup("husk", 1, 4, 7), MobGroup("rabbit", 1, 3, 6)], 6000),
        "birch_forest_dusk": (
            19,
            "birch_forest",
            [MobGroup("horse", 1, 4, 8), MobGroup("creeper", 1, 4, 7)],
            12500,
        ),
    }
    for name, (seed, biome, mobs, time_of_day) in views.items():
        scene = SceneSpec(seed=seed, start=start_in_biome(seed, biome), mobs=mobs, inventory=tools,
                          time_of_day=time_of_day, pitch=5.0, clearing=2)  # fmt: skip
        sim.reset(scene)
        out[f"world_{name}"] = sim.render().copy()
    sim.reset(SceneSpec(seed=4, blocks=[BlockAt("diamond_ore", 0, 0, 2)], blocks_in_view=[BlocksInView("iron_ore", 2)],
                        inventory=tools))  # fmt: skip
    from crossagent.sim.data.blocks import break_ticks

    for _ in range(break_ticks("diamond_ore", "iron_pickaxe") * 2 // 3):  # the crack darkens the block
        sim.step({"attack": 1})
    out["mining_diamond_ore"] = sim.render().copy()
    sim.reset(SceneSpec(seed=5, blocks=[BlockAt("crafting_table", 0, 0, 2)],
                        inventory=[InventoryEntry("oak_planks", 7, 0), InventoryEntry("stick", 4, 1), *tools]))  # fmt: skip
    sim.step({"use": 1})
    _click(sim, _hotbar(sim, 0))
    for cell in (1, 2, 3, 5):
        _click(sim, cell, "use")
    _click(sim, _hotbar(sim, 1))
    _click(sim, 8, "use")
    _move(sim, *_centre(sim.gui.slots[0].rect))
    out["gui_crafting_table"] = sim.render().copy()
    sim.reset(SceneSpec(seed=5, blocks=[BlockAt("furnace", 0, 0, 2)],
                        inventory=[InventoryEntry("iron_ore", 5, 0), InventoryEntry("coal", 3, 1)]))  # fmt: skip
    sim.step({"use": 1})
    _click(sim, _hotbar(sim, 0))
    _click(sim, 0)
    _click(sim, _hotbar(sim, 1))
    _click(sim, 1)
    for _ in range(290):
        sim.step({})
    out["gui_furnace"] = sim.render().copy()
    small = MineSim(64, 64)
    small.reset(
        SceneSpec(seed=3, start=start_in_biome(3, "forest"), mobs=[MobGroup("pig", 2, 3, 6)], pitch=5.0)
    )
    out["world_forest_64px"] = small.render().copy()
    return out


def _centre(rect) -> tuple[float, float]:
    return (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2


def _hotbar(sim, ref: int) -> int:
    return next(s.index for s in sim.gui.slots if s.section == "hotbar" and s.ref == ref)


def _move(sim, x: float, y: float) -> None:
    cx, cy = sim.gui.cursor_pos
    sim.step({"camera": [(y - cy) * 0.15, (x - cx) * 0.15]})


def _click(sim, index: int, button: str = "attack") -> None:
    _move(sim, *_centre(sim.gui.slots[index].rect))
    sim.step({button: 1})
    sim.step({})


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames(args.size).items():
        path = out / f"minesim_{name}.png"
        save_png(frame, path, args.upscale)
        print(f"wrote {path} ({frame.shape[1]}x{frame.shape[0]}, shown x{args.upscale})")
    return 0
