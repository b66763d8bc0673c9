"""Latent answers run: a saved model folder's codebook reaches the rollout's latent executor."""

import dataclasses
import json
import logging
import pathlib
import shutil

import numpy as np
import pytest

from crossagent.agents.model import ModelAgent
from crossagent.evaluation.runner import RESULTS_FILE, EvalConfig, run_evaluation
from crossagent.executors.latent import CODEBOOK_FILE, LatentCodebook, tick_vector
from crossagent.executors.raw import raw_to_env
from crossagent.rollout import RolloutHooks
from crossagent.tasks import get_task
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import NUM_LATENT_CODES, LatentAction, RawAction

TICKS = 12
"""The episode's budget: three latent chunks of 4 ticks."""


def codebook() -> LatentCodebook:
    """NUM_LATENT_CODES distinct 4-tick chunks, so every code the model may write decodes."""
    chunks = []
    for k in range(NUM_LATENT_CODES):
        first = RawAction(frozenset({"attack"}) if k % 2 else frozenset(), dx=5 * (k - 32), dy=k % 3)
        chunks.append([tick_vector(first)] + [tick_vector(RawAction(dx=k))] * 3)
    return LatentCodebook(np.stack(chunks))


@pytest.fixture
def model_folder(base_model_dir, tmp_path):
    """A real tiny CrossAgent model folder (as SFT writes one, without a codebook: tests add one)."""
    return pathlib.Path(shutil.copytree(base_model_dir, tmp_path / "model"))


def evaluate(folder, output_dir):
    """One short evaluation episode, the model forced (constrained decoding) to answer in latent."""
    decisions, ticks = [], []
    hooks = RolloutHooks(
        on_decision=lambda record: decisions.append((len(ticks), record.text, record.space)),
        on_tick=lambda slot, action, events: ticks.append(action),
    )
    task = dataclasses.replace(get_task("mine_block:dirt"), max_ticks=TICKS)
    config = EvalConfig(episodes_per_task=1, num_envs=1, output_dir=output_dir, progress=False)
    kwargs = {"spaces": ["latent"], "constrained": True, "max_new_tokens": 8}
    run_evaluation(str(folder), config, tasks=[task], hooks=hooks, agent_kwargs=kwargs)
    lines = (pathlib.Path(output_dir) / RESULTS_FILE).read_text().splitlines()
    (result,) = [record for record in map(json.loads, lines) if "task_id" in record]
    return decisions, ticks, result


def test_a_latent_answer_executes_its_codebook_chunk(model_folder, tmp_path):
    book = codebook()
    book.save(model_folder / CODEBOOK_FILE)
    agent = ModelAgent.from_folder(model_folder)
    assert np.array_equal(agent.latent_codebook.centroids, book.centroids)
    decisions, ticks, result = evaluate(model_folder, tmp_path / "eval")
    assert len(decisions) == TICKS // book.chunk_length and len(ticks) == TICKS
    for start, text, space in decisions:
        action = parse(text)
        assert isinstance(action, LatentAction) and space == "latent"
        executed = ticks[start : start + book.chunk_length]
        expected = [raw_to_env(tick) for tick in book.decode(action.index)]
        for got, want in zip(executed, expected, strict=True):
            assert got.keys() == want.keys()
            assert all(np.array_equal(got[key], want[key]) for key in want)
    calls = {space: n for space, n in result["calls_per_space"].items() if n}
    assert result["invalid_actions"] == 0 and calls == {"latent": len(decisions)}


def test_without_a_codebook_latent_answers_are_invalid_and_warned_once(model_folder, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="crossagent.executors.latent"):
        decisions, ticks, result = evaluate(model_folder, tmp_path / "eval")
        assert ModelAgent.from_folder(model_folder, spaces=["latent"]).latent_codebook is None
    warnings = [r for r in caplog.records if CODEBOOK_FILE in r.getMessage()]
    assert len(warnings) == 1 and "invalid" in warnings[0].getMessage()
    assert all(space == "invalid" for _, _, space in decisions)
    assert result["invalid_actions"] == len(decisions) == len(ticks) == TICKS  # one no-op tick each
