"""Relabelling: the stated pick rule, the written D_strl folder (schema, card), and its clear errors."""

from __future__ import annotations

import collections

import pytest
from datasets import load_dataset

from crossagent.training.relabel import pick, relabel, relabelled_rows, write_relabelled
from crossagent.training.sampling import Candidate
from crossagent.training.strl_data import load_decision_rows


def C(text, tokens, space, reward=1.0):
    return Candidate(text, tokens, space, reward)


def test_pick_fewest_tokens_then_most_frequent_space_then_text():
    counts = collections.Counter({"skill": 5, "grounding": 2})
    assert pick([C("<|raw|>no_op", 3, "raw", 0.0)], counts) is None  # nothing equivalent: no row
    short = C("<|skill|>mine dirt", 4, "skill")
    assert pick([C("<|raw|>attack", 9, "raw"), short, C("x", 2, "invalid", 0.0)], counts) == short
    tie = [C("<|grounding|>Mine ...", 4, "grounding"), C("<|skill|>mine dirt", 4, "skill")]
    assert pick(tie, counts).space == "skill"  # the space most frequent among kept answers wins ties
    same = [C("<|skill|>mine b", 4, "skill"), C("<|skill|>mine a", 4, "skill")]
    assert pick(same, counts).text == "<|skill|>mine a"


def test_relabelled_folder_has_the_schema_and_the_space_distribution_per_category(states_dataset, tmp_path):
    rows = load_decision_rows(str(states_dataset), "train")
    rows = [rows[i] for i in range(len(rows))]
    # Hand-built answers: the expert's raw tick on even states (equivalent), garbage on odd ones.
    candidates = [
        [C(r["raw_action"], 5, "raw", 1.0), C("junk", 2, "invalid", 0.0)] if i % 2 == 0 else [C("junk", 2, "invalid", 0.0)]
        for i, r in enumerate(rows)
    ]  # fmt: skip
    by_space, counts = relabelled_rows(rows, candidates, keep="one")
    assert counts == {"raw": (len(rows) + 1) // 2}
    out = write_relabelled(tmp_path / "d_strl", {s: {"train": r, "validation": r[:1]} for s, r in by_space.items()},
                           None, {"k": 2}, description="test")  # fmt: skip
    data = load_dataset(str(out), "mixed", split="train")
    assert len(data) == counts["raw"] and set(data["action_space"]) == {"raw"}
    assert all(state is not None for state in data["state"]) and data[0]["id"].endswith("/raw")
    card = (out / "README.md").read_text()
    assert "config_name: mixed" in card and "raw" in card and "mine_block" in card


def test_relabel_with_a_model_that_is_never_equivalent_is_a_clear_error(
    states_dataset, base_model_dir, tmp_path
):
    with pytest.raises(ValueError, match=r"no sampled answer .* is equivalent"):
        relabel(str(base_model_dir), str(states_dataset), str(tmp_path / "d"), k=1, splits=("validation",),
                max_rows=2, max_new_tokens=4, progress=False)  # fmt: skip
    assert not (tmp_path / "d").exists()


def test_sampling_is_seeded(states_dataset, base_model_dir):
    from transformers import AutoModel, AutoProcessor

    from crossagent.training.rewards import EquivalenceReward
    from crossagent.training.sampling import sample_candidates

    rows = load_decision_rows(str(states_dataset), "train")
    rows = [rows[i] for i in range(2)]
    model = AutoModel.from_pretrained(base_model_dir, trust_remote_code=True)
    processor = AutoProcessor.from_pretrained(base_model_dir, trust_remote_code=True)
    reward = EquivalenceReward(processor, image_size=64)

    def texts(seed):
        drawn = sample_candidates(
            model, processor, rows, reward, k=3, max_new_tokens=6, progress=False, seed=seed
        )
        return [c.text for cs in drawn for c in cs]

    assert texts(0) == texts(0) and texts(0) != texts(1)
