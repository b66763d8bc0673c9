"""Greedy action equivalence on held-out decision states: models against constant-answer baselines.

    python benchmarks/strl_equivalence.py --dataset outputs/mixed --models outputs/m_mix outputs/strl outputs/m_cs2
    python benchmarks/strl_equivalence.py --dataset outputs/mixed --split validation --max-rows 256 --log outputs/strl/strl_log.json --plot docs/images/strl_reward.png

Prints one JSON object. For every decision state of the split (one per decision, runs of furnace waits
collapsed: `crossagent/training/strl_data.py`), each model answers greedily; the answer is scored by the
STRL reward (`EquivalenceReward`: replay from the decision's world state, first raw tick equivalent to the
expert's). The reward must not be hackable, so the same states are scored for constant answers:

- `garbage`: a text that does not parse;
- `no_op`: `<|raw|>no_op` everywhere (right on every wait);
- `constant_skill`: the most frequent skill label of the split, everywhere;
- `task_skill`: the row's own task skill (`<|skill|>mine oak_log` on every oak_log state: what a model
  that always writes its task's skill, as CrossAgent after cold-start SFT does, would score).

With `--log` (a run's `strl_log.json`), also the per-step GRPO reward summary, and `--plot` draws it.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.relabel import image_size_of, source_codebook
from crossagent.training.rewards import EquivalenceReward
from crossagent.training.sampling import constant_candidates, equivalence_report, sample_candidates
from crossagent.training.strl_data import load_decision_rows


def skill_of(row: dict, labels: dict) -> str:
    return labels.get((row["episode"], row["step"]), "<|skill|>look for nothing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, help="mixed-action dataset built with --record-states")
    parser.add_argument("--split", default="validation", help="held-out split (whole episodes)")
    parser.add_argument("--max-rows", type=int, default=None, help="decision states (random; None: all)")
    parser.add_argument("--models", nargs="*", default=[], help="model folders to score greedily")
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--log", help="a run's strl_log.json: summarise the GRPO steps")
    parser.add_argument("--plot", help="PNG path for the per-step reward plot (needs --log)")
    args = parser.parse_args()

    from datasets import load_dataset

    start = time.perf_counter()
    rows_ds = load_decision_rows(args.dataset, args.split, args.max_rows)
    rows = [rows_ds[i] for i in range(len(rows_ds))]
    mixed = load_dataset(args.dataset, "mixed", split=args.split).filter(
        lambda s: s == "skill", input_columns="action_space"
    )
    skills = {(e, s): a for e, s, a in zip(mixed["episode"], mixed["step"], mixed["action"])}
    most_common_skill = collections.Counter(skills.values()).most_common(1)[0][0]
    task_skill = {}
    for (episode, _step), text in sorted(skills.items()):
        task_skill.setdefault(episode, collections.Counter())[text] += 1
    reward = EquivalenceReward(None, source_codebook(args.dataset), image_size_of(args.dataset))
    result: dict = {"dataset": args.dataset, "split": args.split, "states": len(rows)}
    result["wait_states"] = sum(r["raw_action"] == "<|raw|>no_op" for r in rows)
    baselines = {
        "garbage": lambda row: "the quick brown fox",
        "no_op": lambda row: "<|raw|>no_op",
        "constant_skill": lambda row: most_common_skill,
        "task_skill": lambda row: task_skill[row["episode"]].most_common(1)[0][0],
    }
    result["constant_answers"] = {
        name: {"answer": text_of(rows[0]) if name != "task_skill" else "per task",
               **equivalence_report(rows, constant_candidates(rows, reward, text_of))}
        for name, text_of in baselines.items()
    }  # fmt: skip
    result["models"] = {}
    for folder in args.models:
        from transformers import AutoModel, AutoProcessor

        model = AutoModel.from_pretrained(folder, trust_remote_code=True)
        processor = AutoProcessor.from_pretrained(folder, trust_remote_code=True)
        reward.processor = processor
        greedy = sample_candidates(model, processor, rows, reward, k=1, do_sample=False,
                                   max_new_tokens=args.max_new_tokens, progress=False)  # fmt: skip
        result["models"][folder] = equivalence_report(rows, greedy)
    if args.log:
        with open(args.log) as handle:
            steps = json.load(handle)
        result["grpo"] = {
            "steps": len(steps),
            "reward_first_5": round(sum(s["reward"] for s in steps[:5]) / max(1, len(steps[:5])), 4),
            "reward_last_5": round(sum(s["reward"] for s in steps[-5:]) / max(1, len(steps[-5:])), 4),
            "mean_group_reward_std": round(sum(s["group_reward_std"] for s in steps) / max(1, len(steps)), 4),
            "mean_zero_spread_groups": round(
                sum(s["zero_spread_groups"] for s in steps) / max(1, len(steps)), 4
            ),
        }
        if args.plot:
            from crossagent.training.strl_plot import plot_reward_curve

            plot_reward_curve(steps, args.plot)
            result["grpo"]["plot"] = args.plot
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
