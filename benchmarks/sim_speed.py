"""MineSim speed on one core: env steps/s with random actions at 64x64 and 128x128 (rendering
included), reset time, and the same for Crafter when the `crafter` extra is installed. Prints JSON.

Each rate is given per CPU-second of this process (`process_time`, pinned to one core), which is what
one core delivers even when other jobs share the machine, and per wall-clock second.

    PYTHONPATH=. python benchmarks/sim_speed.py [--steps 3000] [--resets 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np

from crossagent.envs.minesim_env import MineSimEnv
from crossagent.sim.scene import BlocksInView, InventoryEntry, MobGroup, SceneSpec

SCENE = SceneSpec(
    seed=0,
    blocks_in_view=[BlocksInView("oak_log", 3), BlocksInView("stone", 2)],
    mobs=[MobGroup("cow", 1), MobGroup("zombie", 1, 6, 10)],
    inventory=[InventoryEntry("wooden_pickaxe", 1), InventoryEntry("oak_planks", 8)],
)
MOVE_KEYS = ("forward", "back", "left", "right", "jump", "sneak", "sprint", "attack")


def random_actions(n: int, seed: int) -> list[dict]:
    """Random raw actions: movement keys and attack at 30 %, use 5 %, ESC 5 %, the inventory key 0.5 %,
    a hotbar key 1 %, camera N(0, 5 degrees): screens open now and then and close within ~20 ticks."""
    rng = np.random.default_rng(seed)
    actions = []
    for _ in range(n):
        action = {k: int(rng.random() < 0.3) for k in MOVE_KEYS}
        action["use"] = int(rng.random() < 0.05)
        action["inventory"] = int(rng.random() < 0.005)
        action["ESC"] = int(rng.random() < 0.05)
        if rng.random() < 0.01:
            action[f"hotbar.{rng.integers(1, 10)}"] = 1
        action["camera"] = [float(rng.normal(0, 5)), float(rng.normal(0, 5))]
        actions.append(action)
    return actions


class Clock:
    """Wall and CPU time of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def rates(n: int, clock: Clock) -> dict:
    return {"per_cpu_s": round(n / clock.cpu, 1), "per_wall_s": round(n / clock.wall, 1)}


def minesim_steps_per_second(size: int, steps: int) -> dict:
    env = MineSimEnv(width=size, height=size)
    actions = random_actions(steps, seed=size)
    env.reset(seed=0, options={"task": SCENE})
    for action in actions[:200]:  # warm-up (numba functions load from the cache)
        env.step(action)
    env.reset(seed=0, options={"task": SCENE})
    gui_steps = 0
    with Clock() as clock:
        for i, action in enumerate(actions):
            _, _, terminated, truncated, _ = env.step(action)
            gui_steps += env.sim.gui is not None
            if terminated or truncated:
                env.reset(seed=i, options={"task": SCENE})
    return {**rates(steps, clock), "gui_fraction": round(gui_steps / steps, 3)}


def minesim_reset_ms(resets: int) -> dict:
    """Median reset time over new seeds (each generates a world), CPU and wall milliseconds."""
    env = MineSimEnv(width=64, height=64)
    env.reset(seed=0, options={"task": SCENE})
    cpu, wall = [], []
    for seed in range(1, resets + 1):
        with Clock() as clock:
            env.reset(seed=seed, options={"task": SCENE})
        cpu.append(clock.cpu)
        wall.append(clock.wall)
    same = []
    for _ in range(resets):  # the same seed again: the generated world comes from the cache
        with Clock() as clock:
            env.reset(seed=resets, options={"task": SCENE})
        same.append(clock.cpu)
    return {
        "cpu_ms": round(1000 * statistics.median(cpu), 2),
        "wall_ms": round(1000 * statistics.median(wall), 2),
        "same_seed_cpu_ms": round(1000 * statistics.median(same), 2),
    }


def crafter_numbers(size: int, steps: int, resets: int) -> dict | None:
    try:
        import crafter
    except ImportError:
        return None
    env = crafter.Env(size=(size, size), seed=0)
    env.reset()
    rng = np.random.default_rng(0)
    actions = rng.integers(0, env.action_space.n, steps)
    with Clock() as clock:
        for action in actions:
            _, _, done, _ = env.step(int(action))
            if done:
                env.reset()
    cpu = []
    for _ in range(resets):
        with Clock() as reset_clock:
            env.reset()
        cpu.append(reset_clock.cpu)
    return {"steps_64": rates(steps, clock), "reset_cpu_ms": round(1000 * statistics.median(cpu), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--resets", type=int, default=50)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    sps64 = minesim_steps_per_second(64, args.steps)
    sps128 = minesim_steps_per_second(128, args.steps)
    reset = minesim_reset_ms(args.resets)
    crafter64 = crafter_numbers(64, args.steps, max(3, args.resets // 10))
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, pinned to one; load average {os.getloadavg()[0]:.1f}",
        "steps": args.steps,
        "minesim": {"steps_64": sps64, "steps_128": sps128, "reset": reset},
        "crafter": crafter64,
        "ratio_to_crafter_64": None
        if crafter64 is None
        else round(sps64["per_cpu_s"] / crafter64["steps_64"]["per_cpu_s"], 2),
        "targets": {
            "steps_per_s_64": 2000,
            "steps_per_s_128": 1000,
            "reset_ms": 20,
            "ratio_to_crafter_64": 2.0,
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
