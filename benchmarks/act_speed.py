"""Speed of `CrossAgentForActions.act()`: parameter counts and tokens/s at batch 1 and batch 32.

    python benchmarks/act_speed.py                   # tiny preset, CPU
    python benchmarks/act_speed.py --preset small --device cuda

Prints one JSON object. Tokens/s counts generated tokens (new_tokens per decision, forced with
min_new_tokens so every run generates the same number); actions/s is decisions per second. The
constrained rows let the model stop at the end of an action, so they report actions/s only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import torch
from tqdm import tqdm

from crossagent.models.presets import PRESETS, build_model
from crossagent.models.tokenizer import build_tokenizer


def count_parameters(model) -> dict[str, int]:
    parts = {
        "vision_tower": model.model.vision_tower,
        "projector": model.model.projector,
        "language_model": model.model.language_model,
    }
    counts = {name: sum(p.numel() for p in part.parameters()) for name, part in parts.items()}
    counts["total"] = sum(p.numel() for p in model.parameters())  # lm_head is tied to the embeddings
    return counts


def time_act(model, processor, batch: int, repeats: int, image_size: int, **act_kwargs) -> float:
    frames = np.random.default_rng(0).integers(0, 256, (batch, image_size, image_size, 3), dtype=np.uint8)
    instructions = ["mine oak_log"] * batch
    histories = [["<|motion|>move forward", "<|skill|>mine oak_log"]] * batch
    model.act(processor, frames, instructions, histories, **act_kwargs)  # warm-up (and constraint masks)
    start = time.perf_counter()
    for _ in tqdm(range(repeats), desc=f"act batch {batch}", leave=False):
        model.act(processor, frames, instructions, histories, **act_kwargs)
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--new-tokens", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    tokenizer = build_tokenizer()
    counts = {name: count_parameters(build_model(name, tokenizer)[0]) for name in sorted(PRESETS)}
    model, processor = build_model(args.preset, tokenizer)
    model.to(args.device).eval()
    image_size = PRESETS[args.preset].image_size
    rows = []
    for batch in args.batches:
        seconds = time_act(
            model, processor, batch, args.repeats, image_size,
            max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens,
        )  # fmt: skip
        constrained = time_act(model, processor, batch, args.repeats, image_size, constrained=True)
        rows.append(
            {
                "batch": batch,
                "seconds_per_call": round(seconds, 4),
                "tokens_per_s": round(batch * args.new_tokens / seconds, 1),
                "actions_per_s": round(batch / seconds, 2),
                "constrained_actions_per_s": round(batch / constrained, 2),
            }
        )
    prompt_tokens = processor.prepare_act_inputs(
        np.zeros((1, image_size, image_size, 3), np.uint8), ["mine oak_log"], [["<|motion|>move forward"]]
    )["input_ids"].shape[1]
    result = {
        "preset": args.preset,
        "device": args.device,
        "torch_threads": torch.get_num_threads(),
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),  # other processes share these cores
        "parameters": counts,
        "vocab_size": len(tokenizer),
        "prompt_tokens": prompt_tokens,
        "new_tokens": args.new_tokens,
        "act": rows,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
