"""Fixtures: a small hand-made suite of episode records whose metrics the tests compute by hand.

    task                  category     split  successes (episodes 0..3)   per episode
    mine_block:oak_log    mine_block   train  T T F T  -> 3/4            calls raw 3 + skill 1, 30 tokens
    mine_block:stone      mine_block   test   F F F F  -> 0/4            calls raw 3 + skill 1, 30 tokens
    craft_item:stick      craft_item   test   T F F F  -> 1/4            calls grounding 2 + raw 2, 50 tokens
    kill_entity:zombie    kill_entity  train  T T T T  -> 4/4            calls motion 5, 10 tokens

A success takes 40 steps, a failure the 200-step budget with 1 invalid action. Episode 1 of
`craft_item:stick` was retried twice after an environment crash.
"""

from __future__ import annotations

import pytest

from crossagent.rollout.results import EpisodeResult

TABLE = {
    "mine_block:oak_log": ("mine_block", "in_domain", [True, True, False, True], {"raw": 3, "skill": 1}, 30),
    "mine_block:stone": ("mine_block", "ood_seen", [False, False, False, False], {"raw": 3, "skill": 1}, 30),
    "craft_item:stick": (
        "craft_item",
        "ood_unseen",
        [True, False, False, False],
        {"grounding": 2, "raw": 2},
        50,
    ),
    "kill_entity:zombie": ("kill_entity", "in_domain", [True, True, True, True], {"motion": 5}, 10),
}


def episode(task_id: str, index: int) -> EpisodeResult:
    category, split, successes, calls, tokens = TABLE[task_id]
    success = successes[index]
    crashed = task_id == "craft_item:stick" and index == 1
    return EpisodeResult(
        task_id=task_id,
        category=category,
        split=split,
        episode=index,
        seed=1000 * list(TABLE).index(task_id) + index,
        success=success,
        steps=40 if success else 200,
        generated_tokens=tokens,
        calls_per_space=dict(calls),
        invalid_actions=0 if success else 1,
        retries=2 if crashed else 0,
        error="env crashed: simulated" if crashed else None,
    )


def all_episodes() -> list[EpisodeResult]:
    return [episode(task_id, index) for task_id in TABLE for index in range(4)]


@pytest.fixture
def records() -> list[EpisodeResult]:
    """The 16 episodes of TABLE, task-major."""
    return all_episodes()


@pytest.fixture
def make_episode():
    """`make_episode(task_id, index)` -> that episode of TABLE (what a runner would produce)."""
    return episode
