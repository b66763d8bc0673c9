"""Perception accuracy of a model on held-out frames (unseen world seeds), beside the trivial baselines.

    python benchmarks/perception.py --model outputs/pipeline-tiny/models/base --data outputs/pipeline-tiny/data/perception

Prints JSON: per config (point, locate, identify, gui, count) the accuracy and, per kind of question, the
model's rate beside the centre guess (point (500, 500); cell `middle centre`) and the majority answer of
the train split. A point is right when the pixel under it belongs to the named object; `within_50` is the
share within 50/1000 of a visible centroid of it, `median_distance` the median distance,
`x_correlation` / `y_correlation` the correlation of the written x (y) with the answer's. With `--patches`,
also `patches`: the share of image tokens whose output names the object of their patch (the dense target
of `--dense_object_labels`), beside always naming the commonest one. With `--pointer`, also `pointer`: how
often the head trained by `--point_attention_weight` looks hardest at the answer's patch from the output
that writes x, beside always choosing the commonest patch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a CrossAgent model folder (e.g. the pretrained base)")
    parser.add_argument("--data", required=True, help="a perception dataset folder")
    parser.add_argument("--split", default="test", help="held-out split (default: test, unseen worlds)")
    parser.add_argument("--max-rows", type=int, default=200, help="rows per config (the first ones)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--patches", action="store_true",
        help="also score the dense target: how often each image token's output names its patch's object "
        "(point rows; meaningful for a base pretrained with --dense_object_labels)",
    )  # fmt: skip
    parser.add_argument(
        "--pointer", action="store_true",
        help="also score the pointer head: how often it looks hardest at the answer's patch (point rows; "
        "meaningful for a base pretrained with --point_attention_weight)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    import torch

    from crossagent.datasets.perception import CONFIGS
    from crossagent.evaluation.perception import majority_answers, perception_report
    from crossagent.training.pretrain import held_out_rows, load_train_rows
    from modeling_crossagent.modeling_crossagent import CrossAgentForActions
    from modeling_crossagent.processing_crossagent import CrossAgentProcessor

    torch.set_num_threads(args.threads)
    model = CrossAgentForActions.from_pretrained(args.model, trust_remote_code=True)
    processor = CrossAgentProcessor.from_pretrained(args.model, trust_remote_code=True)
    train = load_train_rows(args.data, CONFIGS).select_columns(["kind", "action"])
    rows = held_out_rows(args.data, CONFIGS, args.split, args.max_rows)
    start = time.perf_counter()
    report = perception_report(model, processor, rows, majority_answers(train), args.batch_size)
    if args.patches:
        from crossagent.training.perception_collator import patch_naming_accuracy

        report["patches"] = patch_naming_accuracy(
            model, processor, [r for r in rows if r["config"] == "point"]
        )
    if args.pointer:
        from crossagent.training.perception_collator import pointer_accuracy

        report["pointer"] = pointer_accuracy(model, processor, [r for r in rows if r["config"] == "point"])
    print(json.dumps({
        "model": args.model, "data": args.data, "split": args.split, "rows": len(rows),
        "seconds": round(time.perf_counter() - start, 1), "configs": report,
    }, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
