"""`crossagent tasks list|show`: print the task suite."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

from crossagent.tasks.splits import SPLITS
from crossagent.tasks.task import CATEGORIES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tasks", help="list and show the 800+ task suite")
    actions = parser.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)

    list_parser = actions.add_parser("list", help="one line per task: id, split, budget, instruction")
    list_parser.add_argument(
        "pattern", nargs="?", default=None, help="shell pattern on ids, e.g. 'craft_item:*'"
    )
    list_parser.add_argument("--category", choices=CATEGORIES, default=None)
    list_parser.add_argument("--split", choices=SPLITS, default=None)
    list_parser.set_defaults(func=run_list)

    show_parser = actions.add_parser("show", help="every field of one task")
    show_parser.add_argument("task_id", help="e.g. mine_block:oak_log")
    show_parser.set_defaults(func=run_show)

    check_parser = actions.add_parser(
        "check",
        help="play every task with the evaluation's expert and random agents (texts through the parser and "
        "executors, as `crossagent eval`); success per category; exits 1 when the expert solves under 98%% "
        "overall or under 95%% in any category",
    )
    check_parser.add_argument("pattern", nargs="?", default=None, help="shell pattern on ids (default: all)")
    check_parser.add_argument("--category", choices=CATEGORIES, default=None)
    check_parser.add_argument("--split", choices=SPLITS, default=None)
    check_parser.add_argument("--seed", type=int, default=0, help="seed of the random agent")
    check_parser.add_argument("--no-random", action="store_true", help="skip the random-agent baseline")
    check_parser.add_argument(
        "--worlds",
        type=int,
        default=1,
        help="play each task on this many world seeds: its own, then the next ones (robustness)",
    )
    check_parser.add_argument(
        "--num-envs", type=int, default=8, help="worlds stepped together in the rollout (default 8)"
    )
    check_parser.add_argument(
        "--controllers",
        action="store_true",
        help="diagnostic instead: the expert's controllers on the simulator directly (how the SFT data is "
        "played), not through the parser and executors; no random agent; same bar",
    )
    check_parser.add_argument("--json", type=pathlib.Path, default=None, help="also write the results here")
    check_parser.set_defaults(func=run_check)


def run_list(args: argparse.Namespace) -> int:
    from crossagent.tasks import select_tasks

    tasks = select_tasks(args.pattern, category=args.category, split=args.split)
    width = max((len(task.id) for task in tasks), default=2)
    for task in tasks:
        print(f"{task.id:{width}s}  {task.split:5s}  {task.max_ticks:4d}  {task.instruction}")
    counts = {category: sum(task.category == category for task in tasks) for category in CATEGORIES}
    summary = ", ".join(f"{category} {n}" for category, n in counts.items() if n)
    print(f"{len(tasks)} tasks" + (f" ({summary})" if summary else ""))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from crossagent.tasks import UnknownTaskError, get_task

    try:
        task = get_task(args.task_id)
    except UnknownTaskError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"id            {task.id}")
    print(f"category      {task.category}")
    print(f"target        {task.target}")
    print(f"split         {task.split}")
    print(f"seed          {task.seed}")
    print(f"max_ticks     {task.max_ticks}")
    print(f"success       first {task.success.kind} event for {task.success.name}")
    print("instructions")
    for text in task.instructions:
        print(f"  - {text}")
    print("scene")
    print(json.dumps(task.scene, indent=2))
    print("hints")
    print(json.dumps(task.hints, indent=2))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from crossagent.evaluation.check import (
        check_controllers,
        check_tasks,
        failures_of,
        format_table,
        results_json,
    )
    from crossagent.files import write_json_atomic
    from crossagent.sim.sim import MineSim
    from crossagent.tasks import select_tasks

    tasks = select_tasks(args.pattern, category=args.category, split=args.split)
    if not tasks:
        print("error: no task matches; see `crossagent tasks list`", file=sys.stderr)
        return 2
    if args.worlds < 1 or args.num_envs < 1:
        print("error: --worlds and --num-envs must be at least 1", file=sys.stderr)
        return 2
    if args.controllers:
        results = check_controllers(tasks, lambda: MineSim(width=64, height=64), worlds=args.worlds)
    else:
        results = check_tasks(
            tasks, seed=args.seed, random_agent=not args.no_random, worlds=args.worlds, num_envs=args.num_envs
        )
    random_shown = not (args.no_random or args.controllers)
    print(format_table(results, random_agent=random_shown))
    for result in results:
        if result.failures:
            shown = ", ".join(result.failures[:10]) + (" ..." if len(result.failures) > 10 else "")
            print(f"expert failed {len(result.failures)} {result.category}: {shown}")
    if args.json is not None:
        write_json_atomic(args.json, results_json(results, "controllers" if args.controllers else "rollout"))
        print(f"wrote {args.json}")
    failed = failures_of(results)
    for reason in failed:
        print(f"below the bar: {reason}")
    return 1 if failed else 0
