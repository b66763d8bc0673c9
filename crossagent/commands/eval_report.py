"""`crossagent eval-report`: reports and the comparison table from one or more results files."""

from __future__ import annotations

import argparse
import pathlib
import re

from crossagent.files import write_text_atomic


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval-report",
        help="write eval_info.json, plots and the comparison table from evaluation results files",
        description=(
            "Read the per-episode results files of `crossagent eval` (one per agent), write a report "
            "folder per agent (eval_info.json, PNG plots, results_table.md, model_index.yaml) and "
            "comparison.md with one row per agent."
        ),
    )
    parser.add_argument("results", nargs="+", type=pathlib.Path, help="results .jsonl files, one per agent")
    parser.add_argument("--output-dir", type=pathlib.Path, required=True, help="where the reports go")
    parser.add_argument(
        "--categories",
        nargs="+",
        default=None,
        help="categories to list even without episodes (default: those present, in the paper's order)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crossagent.evaluation.report import markdown_table, write_report
    from crossagent.evaluation.results import read_results
    from crossagent.evaluation.success_rate import compute_success_rate

    metrics_by_agent = {}
    for path in args.results:
        if not path.is_file():
            raise SystemExit(f"eval-report: results file {path} does not exist")
        try:
            header, results, partial = read_results(path)
        except ValueError as error:
            raise SystemExit(f"eval-report: {error}") from None
        agent = header.get("agent") or path.stem
        if agent in metrics_by_agent:  # two runs of one agent: tell the rows apart by file
            agent = f"{agent} ({path.stem})"
        if partial:
            print(f"{path}: ignoring a partial last line (interrupted run; resume it to finish)")
        expected = header.get("num_tasks", 0) * header.get("episodes_per_task", 0)
        if len(results) < expected:
            print(f"{path}: {len(results)} of {expected} episodes finished; the report covers those only")
        folder = args.output_dir / re.sub(r"[^\w.-]+", "_", agent)
        write_report(folder, results, agent, categories=args.categories)
        metrics_by_agent[agent] = compute_success_rate(results, categories=args.categories)
        print(f"{agent}: {len(results)} episodes -> {folder}")
    table = markdown_table(metrics_by_agent, args.categories)
    write_text_atomic(args.output_dir / "comparison.md", table)
    print(table)
    return 0
