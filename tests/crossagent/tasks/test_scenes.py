import random

import pytest

from crossagent.sim.data import stack_size
from crossagent.tasks.scenes import scatter_stacks
from crossagent.tasks.seeding import task_rng, task_seed


def test_scatter_splits_into_legal_stacks():
    stacks = scatter_stacks(
        random.Random(0), [("stick", 130), ("ender_pearl", 17), ("bucket", 1)], stack_size
    )
    by_item = {}
    for entry in stacks:
        by_item.setdefault(entry["item"], []).append(entry["count"])
    assert sorted(by_item["stick"]) == [2, 64, 64]
    assert sorted(by_item["ender_pearl"]) == [1, 16]
    assert by_item["bucket"] == [1]
    assert len({entry["slot"] for entry in stacks}) == len(stacks)


def test_scatter_rejects_what_does_not_fit():
    with pytest.raises(ValueError, match="do not fit"):
        scatter_stacks(random.Random(0), [("water_bucket", 37)], stack_size)


def test_seeds_come_from_sha256_not_hash():
    assert task_seed("mine_block:oak_log") == task_seed("mine_block:oak_log")
    assert task_seed("mine_block:oak_log") != task_seed("mine_block:oak_log", "scene")
    assert 0 <= task_seed("mine_block:oak_log") < 2**63
    assert task_rng("x").random() == task_rng("x").random()
