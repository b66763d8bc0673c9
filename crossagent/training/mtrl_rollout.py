"""Whole episodes played by a sampling model, every turn kept: what multi-turn RL trains on.

    agent = SamplingAgent(model, processor, spaces=None, temperature=1.0, max_new_tokens=24)
    episodes = play_episodes(agent, [EpisodeSpec(task, i, seed) for i in range(4)], num_envs=64)
    episodes[0].success, episodes[0].tokens, episodes[0].turns[3].completion_ids

The episodes are played by the project's batched loop (`crossagent.rollout.run_rollout`: every active
world's decision in one `generate` call, finished worlds refilled at once), so a group of G episodes of
one (task, world) and all the other groups of a step run together. The model samples (temperature, no
top-k / top-p cut): the worlds and executors are deterministic for a seed, so the G episodes of a group
differ only by what the model sampled. Each turn keeps what the loss needs to score it again: the frame
the model saw, the history shown, the generated ids (end token included) and their sampling
log-probabilities. An env crash replays its episode from the start (`RolloutConfig.max_retries`); the
turns of the crashed attempt are dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from crossagent.agents.model import ModelAgent, padded_rows
from crossagent.rollout.loop import RolloutConfig, run_rollout
from crossagent.rollout.records import DecisionRecord, EpisodeOutcome, EpisodeSpec, RolloutHooks


@dataclasses.dataclass
class Turn:
    """One decision of an episode, as the loss needs it."""

    frame: np.ndarray
    """The uint8 frame the model saw."""
    history: list[str]
    """The previous action texts shown in the prompt."""
    completion_ids: list[int]
    """The generated token ids, end token included (what the rollout booked as the turn's token cost)."""
    logps: list[float]
    """Log-probability of each generated id under the sampling distribution (temperature applied)."""
    space: str
    """The space the output parsed to, or `invalid`."""


@dataclasses.dataclass
class PlayedEpisode:
    """One finished episode and its turns."""

    spec: EpisodeSpec
    outcome: EpisodeOutcome
    turns: list[Turn]

    @property
    def success(self) -> bool:
        return self.outcome.success

    @property
    def tokens(self) -> int:
        """Tokens generated over the whole episode."""
        return self.outcome.generated_tokens

    @property
    def gave_up(self) -> bool:
        """The env kept crashing and the loop recorded the episode as failed without playing it out (a
        replayed episode that then finished keeps its last error but has ticks)."""
        return self.outcome.error is not None and self.outcome.steps == 0


class SamplingAgent(ModelAgent):
    """A `ModelAgent` that samples and reports, per output, its ids and log-probs (`last_extras`)."""

    def __init__(self, model: Any, processor: Any, spaces=None, temperature: float = 1.0,
                 max_new_tokens: int = 24, latent_codebook: Any = None, name: str = "mtrl") -> None:  # fmt: skip
        super().__init__(model, processor, name=name, spaces=list(spaces) if spaces else None,
                         max_new_tokens=max_new_tokens, do_sample=True, latent_codebook=latent_codebook)  # fmt: skip
        self.temperature = temperature
        self.last_extras: list[dict] | None = None

    @torch.inference_mode()
    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        processor = self.processor
        inputs = processor.prepare_act_inputs(
            [o["image"] for o in observations], [t.instruction for t in tasks], histories, spaces=self.spaces
        ).to(self.model.device)
        # The greedy path's decoder, sampling: the shared system prefix once, finished rows leave the batch.
        rows = self._decoder.generate(
            inputs["input_ids"], inputs["attention_mask"], inputs["pixel_values"], self.max_new_tokens,
            temperature=self.temperature,
        )  # fmt: skip
        self.last_token_counts = [len(row) for row in rows]
        self.last_extras = [
            {"completion_ids": row, "logps": logps} for row, logps in zip(rows, self._decoder.last_logps)
        ]
        return processor.decode_actions(padded_rows(rows, processor.tokenizer.pad_token_id))


def play_episodes(
    agent: SamplingAgent,
    specs: Sequence[EpisodeSpec],
    num_envs: int = 64,
    frame_size: int | None = None,
    history_length: int | None = None,
    env: str = "minesim",
) -> list[PlayedEpisode]:
    """Play `specs` (their `episode` fields must be distinct: they key the turns) and return them in order."""
    keys = [spec.episode for spec in specs]
    if len(set(keys)) != len(keys):
        raise ValueError(
            "play_episodes: the specs' `episode` fields must be distinct (they key each episode's turns)"
        )
    turns: dict[int, list[Turn]] = {key: [] for key in keys}
    attempts: dict[int, int] = dict.fromkeys(keys, 0)

    def on_decision(record: DecisionRecord) -> None:
        key = record.spec.episode
        if record.attempt != attempts[key]:  # the env crashed: the episode restarted from tick 0
            attempts[key], turns[key] = record.attempt, []
        turns[key].append(
            Turn(
                frame=np.array(record.observation["image"], dtype=np.uint8, copy=True),
                history=list(record.history),
                completion_ids=record.extra["completion_ids"],
                logps=record.extra["logps"],
                space=record.space,
            )
        )

    processor_history = agent.processor.history_length
    config = RolloutConfig(
        num_envs=max(1, min(num_envs, len(specs))),
        history_length=processor_history if history_length is None else history_length,
        frame_size=frame_size or agent.frame_size or 128,
        env=env,
    )
    outcomes = {
        outcome.spec.episode: outcome
        for outcome in run_rollout(agent, specs, config, hooks=RolloutHooks(on_decision=on_decision))
    }
    return [PlayedEpisode(spec, outcomes[spec.episode], turns[spec.episode]) for spec in specs]
