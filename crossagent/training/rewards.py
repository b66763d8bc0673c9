"""The single-turn RL reward: parsed action equivalence on the decision's restored world state.

    reward = EquivalenceReward(processor, codebook=LatentCodebook.load(...), image_size=64)
    reward(completion_ids=[[...], ...], state=[b"...", ...], raw_action=["<|raw|>click(left)", ...])

A candidate action of ANY space scores 1 when the first raw tick it leads to from the decision's exact
world state (`MineSim.set_state(row["state"])`, then `to_raw`) equals the expert's ground-truth raw tick
by the project's one equivalence rule (`equivalent_ticks`: same buttons, camera within the tolerance);
whatever its surface form. It scores 0 otherwise, and 0 when:

- the text does not parse (invalid output), or names a latent code the codebook does not have;
- its executor refuses it at the start (a skill whose target is not in view, a skill in a GUI, a grounding
  point off the named object). A refused action does nothing *by accident*: on a row whose ground truth is
  itself a no-op (the expert waiting for the furnace), such an answer would otherwise be rewarded exactly
  like the deliberate wait. With this rule a no-op ground truth is matched only by an answer that parses
  and runs: raw `no_op`, a latent code whose chunk starts still, a `look for` whose target is already in
  view. What is left to exploit, a constant `no_op`, is measured (`benchmarks/strl_reward_hacking.py`) and
  the RL rows keep one wait per run of consecutive waits (`crossagent/training/strl_data.py`).

TRL calls reward functions with the dataset's columns as keyword arguments; the candidate is read from
`completion_ids`, decoded by the processor with the action tokens kept (TRL's `completions` text is decoded
with `skip_special_tokens=True`, which erases `<|grounding|>`, `<|latent_3|>`, points, ...).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch

from crossagent.executors.base import FAILED, no_op_env
from crossagent.executors.cost import INVALID
from crossagent.executors.dispatch import minesim_executors
from crossagent.executors.equivalence import CAMERA_TOLERANCE_DEGREES, equivalent_ticks
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ActionParseError, RawAction

logger = logging.getLogger(__name__)

MAX_CAMERA_TOLERANCE_DEGREES = 15.0
"""Largest camera tolerance accepted: beyond it most turns of the expert would count as any other turn
(the measured table in `crossagent/executors/equivalence.py` already loses 29% of targets at 4.5)."""


def check_camera_tolerance(value: float, field: str = "camera_tolerance") -> float:
    """The tolerance, if in [0, MAX_CAMERA_TOLERANCE_DEGREES]; else a ValueError naming the field."""
    if not isinstance(value, int | float) or not 0.0 <= float(value) <= MAX_CAMERA_TOLERANCE_DEGREES:
        raise ValueError(
            f"{field}={value!r} is out of range: the camera tolerance is in degrees per axis, in "
            f"[0, {MAX_CAMERA_TOLERANCE_DEGREES}] (the measured default is {CAMERA_TOLERANCE_DEGREES})."
        )
    return float(value)


class EquivalenceReward:
    """A TRL reward function (see the module docstring); one MineSim is reused for every state."""

    def __init__(
        self,
        processor=None,
        codebook=None,
        image_size: int = 64,
        camera_tolerance: float = CAMERA_TOLERANCE_DEGREES,
    ) -> None:
        self.processor = processor
        """Decodes `completion_ids` (action tokens kept); None: only `score`/text candidates."""
        self.codebook = codebook
        """The dataset's latent codebook (None: latent answers are invalid)."""
        self.camera_tolerance = check_camera_tolerance(camera_tolerance)
        self.image_size = image_size
        self.__name__ = "equivalence"  # TRL logs each reward function under its __name__
        self._env = None

    @property
    def env(self):
        if self._env is None:  # built on first use: TRL may deep-copy or pickle the function before
            from crossagent.envs.minesim_env import MineSimEnv

            self._env = MineSimEnv(width=self.image_size, height=self.image_size)
        return self._env

    def decode(self, completion_ids: Sequence[Sequence[int]]) -> list[str]:
        """Generated token ids -> action texts with the action tokens kept (the processor's decoding)."""
        if self.processor is None:
            raise ValueError("EquivalenceReward needs the processor to decode completion_ids")
        pad = self.processor.tokenizer.pad_token_id
        width = max((len(ids) for ids in completion_ids), default=0)
        batch = torch.full((len(completion_ids), max(width, 1)), pad, dtype=torch.long)
        for i, ids in enumerate(completion_ids):
            batch[i, : len(ids)] = torch.as_tensor(list(ids), dtype=torch.long)
        return self.processor.decode_actions(batch)

    def first_tick(self, text: str, state: bytes):
        """(space, first env tick) of `text` from `state`; space is INVALID (tick None) when it does not
        parse or its executor refuses it."""
        codes = self.codebook.num_codes if self.codebook is not None else 0
        try:
            action = parse(text, num_latent_codes=max(codes, 1))
        except ActionParseError:
            return INVALID, None
        if action.space == "latent" and self.codebook is None:
            return INVALID, None
        observation = self.env.set_state(state)
        executors = minesim_executors(self.env.sim, codebook=self.codebook)
        started = executors.begin(action, observation)
        if started.space == INVALID or started.executor.status == FAILED:
            return INVALID, None
        tick = started.executor.next_tick(observation)
        if tick is None and started.executor.status == FAILED:
            return INVALID, None
        return started.space, tick if tick is not None else no_op_env()

    def score(self, text: str, state: bytes, raw_action: str) -> float:
        """1.0 when `text` leads from `state` to a tick equivalent to `raw_action`'s, else 0.0."""
        if state is None:
            raise ValueError(
                "row has no `state`: build the mixed data with --record-states for single-turn RL"
            )
        truth = parse(raw_action)
        if not isinstance(truth, RawAction):
            raise ValueError(f"raw_action {raw_action!r} is a {truth.space} action, not a raw tick")
        space, tick = self.first_tick(text, state)
        if space == INVALID:
            return 0.0
        return float(equivalent_ticks(tick, truth, self.camera_tolerance))

    def __call__(
        self,
        prompts=None,
        completions=None,
        completion_ids: Sequence[Sequence[int]] | None = None,
        state: Sequence[bytes] | None = None,
        raw_action: Sequence[str] | None = None,
        texts: Sequence[str] | None = None,
        **_,
    ) -> list[float]:
        """TRL's reward-function call: one reward per completion (texts may be given instead of ids)."""
        if state is None or raw_action is None:
            raise ValueError("EquivalenceReward needs the dataset columns `state` and `raw_action`")
        if texts is None:
            texts = self.decode(completion_ids)
        return [self.score(t, s, r) for t, s, r in zip(texts, state, raw_action)]
