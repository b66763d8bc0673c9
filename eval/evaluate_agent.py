"""Evaluate an agent on the CrossAgent task suite (a thin entry point; the logic is crossagent.evaluation.runner).

    python eval/evaluate_agent.py --agent outputs/sft --tasks 'craft_item:*' --split test --episodes 8

Same options as `crossagent eval` (see `--help`).
"""

import sys

from crossagent.cli import main

if __name__ == "__main__":
    sys.exit(main(["eval", *sys.argv[1:]]))
