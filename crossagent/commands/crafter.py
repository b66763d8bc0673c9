"""`crossagent crafter eval`: an agent on Crafter, with Crafter's score next to our task success rate."""

from __future__ import annotations

import argparse
import pathlib

from crossagent.tasks.crafter import CRAFTER_EPISODE_LENGTH, CRAFTER_SPLITS, DEFAULT_CRAFTER_TICKS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("crafter", help="evaluate agents on Crafter (needs crossagent[crafter])")
    actions = parser.add_subparsers(dest="crafter_command", metavar="ACTION", required=True)
    evaluate = actions.add_parser(
        "eval", help="Crafter score (its own protocol) and success rate on its 22 achievement tasks"
    )
    evaluate.add_argument("--agent", default="random",
                          help="random (uniform over the 17 actions), scripted, or a saved model folder")  # fmt: skip
    evaluate.add_argument("--episodes", type=int, default=20, help="score episodes (0: skip the score)")
    evaluate.add_argument("--episode-length", type=int, default=CRAFTER_EPISODE_LENGTH)
    evaluate.add_argument(
        "--task-episodes", type=int, default=0, help="episodes per achievement task (0: skip)"
    )
    evaluate.add_argument("--task-ticks", type=int, default=DEFAULT_CRAFTER_TICKS)
    evaluate.add_argument("--split", choices=tuple(CRAFTER_SPLITS), default=None)
    evaluate.add_argument("--num-envs", type=int, default=8)
    evaluate.add_argument("--frame-size", type=int, default=64)
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument(
        "--max-new-tokens", type=int, default=None, help="a model's token limit per decision"
    )
    evaluate.add_argument("--output-dir", type=pathlib.Path, default=pathlib.Path("outputs/crafter-eval"))
    evaluate.set_defaults(func=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    from crossagent.envs import check_backend
    from crossagent.evaluation.crafter import REPORT_FILE, CrafterEvalConfig, evaluate_crafter

    check_backend("crafter")
    config = CrafterEvalConfig(
        episodes=args.episodes, episode_length=args.episode_length, task_episodes=args.task_episodes,
        task_ticks=args.task_ticks, split=args.split, num_envs=args.num_envs, frame_size=args.frame_size,
        seed=args.seed, output_dir=args.output_dir,
    )  # fmt: skip
    kwargs = {} if args.max_new_tokens is None else {"max_new_tokens": args.max_new_tokens}
    report = evaluate_crafter(args.agent, config, **kwargs)
    if "score" in report:
        score = report["score"]
        print(f"{report['agent']}: Crafter score {score['crafter_score']:.2f}% over {score['episodes']} episodes "
              f"(mean length {score['mean_episode_length']:.0f} steps); published: random 1.6%, human experts 50.5%")  # fmt: skip
    if "tasks" in report:
        tasks = report["tasks"]
        splits = ", ".join(f"{name} {rate:.1f}%" for name, rate in tasks["per_split"].items())
        print(f"{report['agent']}: task success {tasks['success_rate']:.1f}% ({splits})")
    print(f"report: {args.output_dir / REPORT_FILE}")
    return 0
