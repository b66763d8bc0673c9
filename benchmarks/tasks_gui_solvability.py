"""How fast the scripted GUI plan solves every craft and smelt task in MineSim's GUI logic; prints JSON.

PYTHONPATH=. python benchmarks/tasks_gui_solvability.py
"""

from __future__ import annotations

import json
import statistics
import time

from crossagent.tasks import select_tasks
from crossagent.tasks.gui_solver import TICKS_PER_CLICK, solve_in_gui


def main() -> None:
    report = {"ticks_per_click": TICKS_PER_CLICK}
    for category in ("craft_item", "smelt_item"):
        start = time.perf_counter()
        ticks = [solve_in_gui(task)[0] for task in select_tasks(category=category)]
        solved = [t for t in ticks if t is not None]
        report[category] = {
            "tasks": len(ticks),
            "solved": len(solved),
            "mean_ticks": round(statistics.mean(solved), 1),
            "max_ticks": max(solved),
            "seconds": round(time.perf_counter() - start, 2),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
