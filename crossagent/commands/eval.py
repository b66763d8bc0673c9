"""`crossagent eval`: run an agent over the task suite (resumable) and write its report."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

from crossagent.commands import positive_int
from crossagent.tasks.splits import SPLITS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate an agent on the task suite: success rate per category and split, resumable",
        description=(
            "Run an agent (a saved model folder, 'expert' or 'random') on the tasks, K episodes each, many "
            "worlds in parallel with batched agent calls. Episodes are appended to <output-dir>/results.jsonl "
            "as they finish; rerunning the same command resumes a killed run. Writes eval_info.json, PNG "
            "plots, results_table.md and model_index.yaml into --output-dir."
        ),
    )
    parser.add_argument("--agent", required=True, help="model folder, 'expert' or 'random'")
    parser.add_argument(
        "--tasks", nargs="+", default=[], metavar="FILTER",
        help="task ids, shell patterns ('craft_item:*') or categories (default: all 800+ tasks)",
    )  # fmt: skip
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default=None,
        help="in_domain (the 30 RL tasks), ood_seen (targets in the SFT data) or ood_unseen (in no action data)",
    )
    parser.add_argument("--episodes", type=int, default=8, help="episodes per task (default 8)")
    parser.add_argument("--num-envs", type=int, default=64, help="worlds stepped together (default 64)")
    parser.add_argument("--output-dir", type=pathlib.Path, default=pathlib.Path("outputs/eval"))
    parser.add_argument(
        "--results", type=pathlib.Path, default=None, help="results file (default in output dir)"
    )
    parser.add_argument("--max-retries", type=int, default=2, help="restarts of an episode after env crashes")
    parser.add_argument(
        "--frame-size", type=positive_int, default=None, help="frame side (default: the model's)"
    )
    parser.add_argument("--constrained", action="store_true", help="model agent: constrained decoding")
    parser.add_argument(
        "--max-new-tokens", type=positive_int, default=48, help="model agent: tokens per action at most"
    )
    parser.add_argument(
        "--full-invalid-outputs", action="store_true",
        help="model agent: generate invalid outputs to --max-new-tokens instead of stopping once they "
        "cannot start an action (same episodes, only the token count of invalid outputs differs)",
    )  # fmt: skip
    parser.add_argument(
        "--threads", type=int, default=1,
        help="torch threads (default 1: the worlds step on one core, and extra threads spin-wait "
        "when the cores are shared, which made model calls 10x slower here)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=None,
        help="worker processes, one torch thread and --num-envs worlds each (default: one per core, at "
        "most 2); 1 runs in this process. Results do not depend on it",
    )  # fmt: skip
    parser.add_argument(
        "--trust-remote-code", action="store_true",
        help="model agent: load a folder whose .py files differ from the installed modeling_crossagent (its "
        "code runs here); without it such a folder is refused",
    )  # fmt: skip
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crossagent.agents.model import NotAModelFolderError
    from crossagent.evaluation.parallel import default_workers
    from crossagent.evaluation.runner import EvalConfig, run_evaluation, select_eval_tasks
    from crossagent.tasks.suite import UnknownTaskError

    workers = default_workers() if args.workers is None else args.workers
    if args.episodes < 1 or args.num_envs < 1 or args.max_retries < 0 or workers < 1:
        print("error: --episodes, --num-envs and --workers must be >= 1, --max-retries >= 0", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(max(1, args.threads))
    config = EvalConfig(
        tasks=args.tasks,
        split=args.split,
        episodes_per_task=args.episodes,
        num_envs=args.num_envs,
        output_dir=args.output_dir,
        results_path=args.results,
        max_retries=args.max_retries,
        frame_size=args.frame_size,
        progress=not args.no_progress,
        workers=workers,
    )
    try:
        tasks = select_eval_tasks(config.tasks, config.split)
        agent_kwargs = dict(
            constrained=args.constrained, max_new_tokens=args.max_new_tokens,
            stop_invalid=not args.full_invalid_outputs, trust_remote_code=args.trust_remote_code,
        )  # fmt: skip
        paths = run_evaluation(args.agent, config, tasks=tasks, agent_kwargs=agent_kwargs)
    except (UnknownTaskError, NotAModelFolderError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    overall = json.loads(paths["eval_info"].read_text())["overall"]
    low, high = overall["pc_success_ci95"]
    print(
        f"{overall['n_episodes']} episodes: success {overall['pc_success']:.1f}% (95% CI {low:.1f}-{high:.1f}), "
        f"finished tasks {overall['pc_finished_tasks']:.1f}%"
    )
    print(f"report: {paths['eval_info'].parent}")
    return 0
