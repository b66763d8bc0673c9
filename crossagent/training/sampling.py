"""Answers of a model on decision states, each scored by the equivalence reward.

    candidates = sample_candidates(model, processor, rows, reward, k=4)            # sampled, per state
    greedy = sample_candidates(model, processor, rows, reward, k=1, do_sample=False)

One batched `generate` per `batch_size` states, with the very prompt `model.act` sends
(`processor.prepare_act_inputs`). Used by the rejection-sampling warm-up, the relabelling and the
held-out score (`equivalence_report`). A candidate's `tokens` count is the generated tokens up to and
including the end token: the token cost the rollout books for it.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tqdm import tqdm

from crossagent.executors.cost import INVALID
from crossagent.training.rewards import EquivalenceReward
from crossagent.training.sft_collator import frame_array
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ACTION_SPACES, ActionParseError


@dataclass(frozen=True)
class Candidate:
    """One answer of the model on one decision state."""

    text: str
    """The action text (action tokens kept)."""
    tokens: int
    """Generated tokens, end token included."""
    space: str
    """The action's space, or INVALID when it does not parse."""
    reward: float
    """The equivalence reward (1.0: equivalent to the expert's tick)."""


def space_of(text: str, num_latent_codes: int) -> str:
    try:
        return parse(text, num_latent_codes=max(num_latent_codes, 1)).space
    except ActionParseError:
        return INVALID


def _lengths(generated: torch.Tensor, eos_id: int) -> list[int]:
    lengths = []
    for row in generated.tolist():
        lengths.append(row.index(eos_id) + 1 if eos_id in row else len(row))
    return lengths


@torch.inference_mode()
def sample_candidates(
    model,
    processor,
    rows: Sequence[dict],
    reward: EquivalenceReward,
    k: int = 4,
    do_sample: bool = True,
    temperature: float = 1.0,
    max_new_tokens: int = 24,
    batch_size: int = 16,
    spaces: Sequence[str] = ACTION_SPACES,
    progress: bool = True,
    seed: int | None = 0,
) -> list[list[Candidate]]:
    """`k` answers per row (a dict with image, instruction, history, state, raw_action), scored; sampling
    starts from torch's generator seeded with `seed` (None: as it is), so a rerun draws the same answers."""
    model.eval()
    if do_sample and seed is not None:
        torch.manual_seed(seed)
    codes = processor.num_latent_codes
    eos = processor.tokenizer.eos_token_id
    out: list[list[Candidate]] = []
    bar = tqdm(
        total=len(rows), desc="sampling answers" if do_sample else "greedy answers", disable=not progress
    )
    for start in range(0, len(rows), batch_size):
        batch = [rows[i] for i in range(start, min(start + batch_size, len(rows)))]
        inputs = processor.prepare_act_inputs(
            [frame_array(row["image"]) for row in batch],
            [row["instruction"] for row in batch],
            [row["history"] for row in batch],
            spaces=list(spaces),
        ).to(model.device)
        sampling = dict(do_sample=True, temperature=temperature, top_k=0, top_p=1.0) if do_sample else {}
        sequences = model.generate(
            **inputs, max_new_tokens=max_new_tokens, num_return_sequences=k,
            **({"do_sample": False} if not do_sample else sampling),
        )  # fmt: skip
        generated = sequences[:, inputs["input_ids"].shape[1] :]
        texts = processor.decode_actions(generated)
        lengths = _lengths(generated, eos)
        for i, row in enumerate(batch):
            out.append(
                [
                    Candidate(
                        text=texts[i * k + j],
                        tokens=lengths[i * k + j],
                        space=space_of(texts[i * k + j], codes),
                        reward=reward.score(texts[i * k + j], row["state"], row["raw_action"]),
                    )
                    for j in range(k)
                ]
            )
        bar.update(len(batch))
    bar.close()
    return out


def equivalence_report(rows: Sequence[dict], candidates: Sequence[Sequence[Candidate]]) -> dict:
    """Equivalence rate, tokens per decision and the answers' space shares per category (first answer of
    each row: the greedy one when sampled with k=1)."""
    firsts = [c[0] for c in candidates]
    by_category: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    rate_by_category: dict[str, list[float]] = collections.defaultdict(list)
    for row, candidate in zip(rows, firsts):
        by_category[row["category"]][candidate.space] += 1
        rate_by_category[row["category"]].append(candidate.reward)
    spaces = (*ACTION_SPACES, INVALID)
    return {
        "states": len(firsts),
        "equivalence_rate": round(sum(c.reward for c in firsts) / max(len(firsts), 1), 4),
        "tokens_per_decision": round(sum(c.tokens for c in firsts) / max(len(firsts), 1), 2),
        "space_share": {s: round(sum(c.space == s for c in firsts) / max(len(firsts), 1), 4) for s in spaces},
        "per_category": {
            category: {
                "states": sum(counter.values()),
                "equivalence_rate": round(sum(rate_by_category[category]) / sum(counter.values()), 4),
                "space_share": {
                    s: round(counter[s] / sum(counter.values()), 4) for s in spaces if counter[s]
                },
            }
            for category, counter in sorted(by_category.items())
        },
    }


def constant_candidates(rows: Sequence[dict], reward: EquivalenceReward, text_of) -> list[list[Candidate]]:
    """One fixed answer per row (`text_of(row)`), scored like a model's: the reward-hacking baselines."""
    codes = reward.codebook.num_codes if reward.codebook is not None else 0
    out = []
    for row in rows:
        text = text_of(row)
        out.append(
            [Candidate(text, 0, space_of(text, codes), reward.score(text, row["state"], row["raw_action"]))]
        )
    return out
