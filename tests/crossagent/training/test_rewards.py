"""EquivalenceReward on real MineSim decision states of expert episodes, in every action space."""

from __future__ import annotations

import functools

import pytest

from crossagent.executors.equivalence import CAMERA_TOLERANCE_DEGREES
from crossagent.executors.latent import LatentCodebook, episode_chunks
from crossagent.sim.sim import MineSim
from crossagent.tasks import get_task
from crossagent.tasks.expert import run_expert
from crossagent.tasks.labels import assign_latent
from crossagent.training.rewards import EquivalenceReward, check_camera_tolerance
from modeling_crossagent.action_spaces import RawAction, format_action

SIZE = 32


@functools.cache
def _episode(task_id: str):
    """An expert episode of `task_id` with the state at every decision, latent labels assigned."""
    episode = run_expert(get_task(task_id), MineSim(width=SIZE, height=SIZE), record_states=True)
    return episode


@functools.cache
def _codebook() -> LatentCodebook:
    episodes = [_episode(t) for t in ("mine_block:oak_log", "smelt_item:cooked_cod")]
    chunks = episode_chunks([e.raw_ticks for e in episodes], 4, stride=1)
    codebook = LatentCodebook.fit(chunks, 16, seed=0)
    for episode in episodes:
        assign_latent(episode.decisions, episode.raw_ticks, codebook)
    return codebook


@pytest.fixture(scope="module")
def reward():
    return EquivalenceReward(codebook=_codebook(), image_size=SIZE)


def _rows(task_id: str):
    _codebook()
    episode = _episode(task_id)
    assert episode.success
    return [(d, s, format_action(d.raw)) for d, s in zip(episode.decisions, episode.states)]


def test_every_label_of_the_expert_scores_one_on_its_own_row(reward):
    """The expert's labels lead to its raw tick: grounding (the expert acts through it), raw, latent."""
    scored = {"raw": [], "grounding": [], "latent": []}
    for task_id in ("mine_block:oak_log", "smelt_item:cooked_cod"):
        for decision, state, truth in _rows(task_id):
            texts = decision.texts()
            for space in scored:
                if texts[space] is not None and not (space == "latent" and decision.raw.is_no_op):
                    scored[space].append(reward.score(texts[space], state, truth))
    assert scored["raw"] and all(scored["raw"])
    assert len(scored["grounding"]) >= 3 and all(scored["grounding"])
    assert sum(scored["latent"]) >= 1  # a code's first tick is a cluster centre: close, not always equal


def test_skill_in_the_world_is_equivalent_when_it_does_what_the_expert_does(reward):
    rows = [(d, s, t) for d, s, t in _rows("mine_block:oak_log") if d.grounding is not None]
    _decision, state, truth = rows[0]
    assert reward.score("<|skill|>mine oak_log", state, truth) == 1.0
    assert reward.score("<|skill|>mine diamond_ore", state, truth) == 0.0  # not in view: refused


def test_not_equivalent_answers_score_zero(reward):
    _decision, state, truth = next(r for r in _rows("mine_block:oak_log") if not r[0].raw.is_no_op)
    other = RawAction(frozenset({"jump", "sneak"}), dx=200, dy=0)
    assert reward.score(format_action(other), state, truth) == 0.0
    assert reward.score("<|motion|>jump, turn left", state, truth) == 0.0


@pytest.mark.parametrize(
    "garbage", ["", "hello", "<|raw|>", "<|raw|>move(1,", "<|grounding|>Mine", "<|latent_999|>"]
)
def test_invalid_output_scores_zero_everywhere(reward, garbage):
    for _, state, truth in _rows("mine_block:oak_log")[:3] + _rows("smelt_item:cooked_cod")[-3:]:
        assert reward.score(garbage, state, truth) == 0.0


def test_a_no_op_ground_truth_rewards_only_a_deliberate_wait(reward):
    waits = [(d, s, t) for d, s, t in _rows("smelt_item:cooked_cod") if d.raw.is_no_op]
    assert waits, "the smelt episode has furnace waits"
    _decision, state, truth = waits[-1]
    assert truth == "<|raw|>no_op"
    assert reward.score("<|raw|>no_op", state, truth) == 1.0
    assert reward.score("<|raw|>click(left)", state, truth) == 0.0
    # Answers that do nothing because they cannot run are not waits: garbage, a skill in a GUI.
    assert reward.score("garbage", state, truth) == 0.0
    assert reward.score("<|skill|>smelt cooked_cod", state, truth) == 0.0
    assert reward.score("<|grounding|>Mine <|object_ref_start|>oak_log<|object_ref_end|>"
                        "<|point_start|>(500,500)<|point_end|>", state, truth) == 0.0  # fmt: skip


def test_call_decodes_completion_ids_with_action_tokens(base_model_dir):
    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(base_model_dir, trust_remote_code=True)
    reward = EquivalenceReward(processor, codebook=_codebook(), image_size=SIZE)
    decision, state, truth = next(r for r in _rows("mine_block:oak_log") if r[0].grounding is not None)
    texts = [decision.texts()["grounding"], "<|raw|>no_op", "junk"]
    ids = [processor.tokenizer(t, add_special_tokens=False)["input_ids"] + [processor.tokenizer.eos_token_id]
           for t in texts]  # fmt: skip
    # TRL's own text would have lost the space token: the reward must not depend on it.
    rewards = reward(prompts=None, completions=["x"] * 3, completion_ids=ids, state=[state] * 3,
                     raw_action=[truth] * 3)  # fmt: skip
    assert rewards[0] == 1.0 and rewards[2] == 0.0
    assert rewards[1] == float(truth == "<|raw|>no_op")


def test_bad_inputs_are_clear_errors(reward):
    with pytest.raises(ValueError, match="camera_tolerance"):
        check_camera_tolerance(-1.0)
    with pytest.raises(ValueError, match="camera_tolerance"):
        EquivalenceReward(camera_tolerance=90.0)
    assert check_camera_tolerance(CAMERA_TOLERANCE_DEGREES) == CAMERA_TOLERANCE_DEGREES
    with pytest.raises(ValueError, match="record-states"):
        reward.score("<|raw|>no_op", None, "<|raw|>no_op")
