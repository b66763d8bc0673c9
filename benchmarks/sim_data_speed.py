"""Speed of MineSim's data and item-logic layer; prints JSON.

    PYTHONPATH=. python benchmarks/sim_data_speed.py

Target: `import crossagent.sim.data` < 0.5 s (a fresh process, measured as the median of 5).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time


def import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import crossagent.sim.data; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(5)
    ]
    return statistics.median(runs)


def per_second(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    from crossagent.sim.containers import Furnace
    from crossagent.sim.data import break_ticks, match_recipe
    from crossagent.sim.gui import GuiScreen
    from crossagent.sim.inventory import Inventory, ItemStack

    pickaxe = ["oak_planks"] * 3 + [None, "stick", None, None, "stick", None]
    inv = Inventory()
    inv.set_slot(0, ItemStack("dirt", 64))
    screen = GuiScreen("crafting_table", inv)
    hotbar0 = next(s.index for s in screen.slots if s.section == "hotbar")

    def click_pair() -> None:
        screen.click(hotbar0)
        screen.click(hotbar0)

    furnace = Furnace()

    def furnace_tick() -> None:
        if furnace.slots[0] is None:
            furnace.slots[:3] = [ItemStack("iron_ore", 64), ItemStack("coal", 64), None]
        furnace.tick()

    result = {
        "import_crossagent_sim_data_s": round(import_seconds(), 3),
        "match_recipe_3x3_per_s": round(per_second(lambda: match_recipe(pickaxe, 3), 20000)),
        "break_ticks_per_s": round(per_second(lambda: break_ticks("stone", "iron_pickaxe"), 200000)),
        "gui_clicks_per_s": round(2 * per_second(click_pair, 20000)),
        "furnace_ticks_per_s": round(per_second(furnace_tick, 100000)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
