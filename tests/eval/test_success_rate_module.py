"""The `evaluate` metric module loads offline and gives exactly the plain function's result."""

import os
import random
from pathlib import Path

import evaluate
import pytest

from crossagent.evaluation.success_rate import compute_success_rate, episode_columns, metric_module_path
from crossagent.rollout.results import EpisodeResult
from modeling_crossagent.action_spaces import ACTION_SPACES

REPO = Path(__file__).resolve().parents[2]
CATEGORIES = ["mine_block", "kill_entity", "craft_item", "smelt_item", "interact_block"]


def random_records(count_tasks: int = 25, episodes: int = 3, seed: int = 0) -> list[EpisodeResult]:
    rng = random.Random(seed)
    records = []
    for task in range(count_tasks):
        category = CATEGORIES[task % 4]  # interact_block stays empty on purpose
        split = "in_domain" if task % 5 == 0 else ("ood_seen", "ood_unseen")[task % 2]
        for episode in range(episodes):
            success = rng.random() < 0.4
            crashed = rng.random() < 0.1
            records.append(
                EpisodeResult(
                    task_id=f"{category}:t{task}",
                    category=category,
                    split=split,
                    episode=episode,
                    seed=rng.randrange(-(2**31), 2**31),
                    success=success,
                    steps=rng.randrange(1, 200),
                    generated_tokens=rng.randrange(0, 3000),
                    # only some spaces: the module must treat the others as 0
                    calls_per_space={s: rng.randrange(0, 9) for s in rng.sample(ACTION_SPACES, 2)},
                    invalid_actions=rng.randrange(0, 3),
                    retries=1 if crashed else 0,
                    error="env crashed" if crashed else None,
                )
            )
    return records


@pytest.fixture(scope="module")
def metric():
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # set by tests/conftest.py: nothing may download
    return evaluate.load(metric_module_path())


def test_module_equals_plain_function(metric):
    records = random_records()
    expected = compute_success_rate(records, categories=CATEGORIES)
    assert metric.compute(**episode_columns(records), categories=CATEGORIES) == expected
    assert expected["asr"]["per_category"]["interact_block"]["rate"] is None
    assert expected["retries"]["episodes_with_error"] > 0


def test_module_accumulates_batches(metric):
    records = random_records(seed=1)
    columns = episode_columns(records)
    half = len(records) // 2
    metric.add_batch(**{k: v[:half] for k, v in columns.items()})
    metric.add_batch(**{k: v[half:] for k, v in columns.items()})
    assert metric.compute() == compute_success_rate(records)


def test_installed_module_loads_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    metric = evaluate.load(metric_module_path())
    records = random_records(count_tasks=4, episodes=2, seed=3)
    assert metric.compute(**episode_columns(records)) == compute_success_rate(records)


def test_relative_path_from_repo_root(monkeypatch):
    monkeypatch.chdir(REPO)
    metric = evaluate.load("eval/success_rate")
    records = random_records(count_tasks=4, episodes=2, seed=2)
    assert metric.compute(**episode_columns(records)) == compute_success_rate(records)


def test_missing_column_is_named(metric):
    columns = episode_columns(random_records(count_tasks=2))
    del columns["steps"]
    with pytest.raises(ValueError, match="record 0: field 'steps' is missing"):
        metric.compute(**columns)


def test_optional_columns_may_be_left_out(metric):
    records = random_records(count_tasks=3, episodes=2, seed=4)
    columns = episode_columns(records)
    for optional in ("invalid_actions", "retries", "error"):
        del columns[optional]
    plain = compute_success_rate([{k: v for k, v in r.to_dict().items() if k in columns} for r in records])
    assert metric.compute(**columns) == plain


def test_bad_value_reaches_the_plain_validation(metric):
    columns = episode_columns(random_records(count_tasks=2, episodes=2))
    columns["split"][1] = "validation"
    with pytest.raises(ValueError, match="record 1: field 'split' must be one of"):
        metric.compute(**columns)


def test_module_accepts_single_examples(metric):
    records = random_records(count_tasks=3, episodes=2, seed=3)
    for row in [r.to_dict() for r in records]:
        metric.add(**row)
    assert metric.compute() == compute_success_rate(records)
