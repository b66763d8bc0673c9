"""What the rollout loop takes (episode specs), what it reports per decision, and what it returns per episode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crossagent.executors.cost import CostLedger
from crossagent.rollout.results import EpisodeResult
from crossagent.tasks.seeding import task_seed
from modeling_crossagent.action_spaces import ACTION_SPACES


def episode_seed(task: Any, episode: int) -> int:
    """World seed of episode `episode` of a task: the task's own seed first, then derived ones.

    A pure function of (task id, episode), so a resumed or re-batched run replays the same worlds.
    """
    return int(task.seed) if episode == 0 else task_seed(task.id, f"episode-{episode}")


EVAL_SEED_HORIZON = 64
"""Evaluation episodes per task (0..63) whose world seeds training worlds must avoid (the paper evaluates 8)."""


def training_world_seed(task: Any, world: int, field: str = "first_world") -> int:
    """World seed of training world `world` of a task: its scene seed + `world` (what the data build and
    multi-turn RL play). ValueError naming `field` when that seed is one of the task's first
    `EVAL_SEED_HORIZON` evaluation seeds: no evaluation episode may replay a world training saw."""
    seed = int(task.scene["seed"]) + world
    evaluation = {episode_seed(task, k): k for k in range(EVAL_SEED_HORIZON)}
    if seed in evaluation:
        raise ValueError(
            f"{field}: training world {world} of {task.id} is world seed {seed}, the seed of its evaluation "
            f"episode {evaluation[seed]}; training must not share worlds with the evaluation (use worlds >= 1)"
        )
    return seed


@dataclass(frozen=True)
class EpisodeSpec:
    """One episode to play."""

    task: Any
    """A `crossagent.tasks.Task` (id, category, split, instruction, scene, max_ticks, success)."""
    episode: int
    """Index among the task's episodes (0..K-1)."""
    seed: int
    """World seed (see `episode_seed`)."""

    @classmethod
    def of(cls, task: Any, episode: int) -> EpisodeSpec:
        return cls(task, episode, episode_seed(task, episode))


@dataclass
class DecisionRecord:
    """One agent decision of one world, handed to `RolloutHooks.on_decision` (data building, RL)."""

    slot: int
    """World slot (0..num_envs-1)."""
    spec: EpisodeSpec
    tick: int
    """Ticks the episode had played when the decision was taken."""
    observation: dict
    """The observation the agent saw (`image` is the frame)."""
    history: list[str]
    """The action texts shown to the agent (the last `history_length`)."""
    text: str
    """What the agent wrote."""
    space: str
    """The action space it parsed to, or `invalid`."""
    error: str
    """Why it was invalid ('' when valid)."""
    tokens: int
    """Tokens generated for it."""
    extra: dict = field(default_factory=dict)
    """Whatever the agent reported for this output in `last_extras` (e.g. prompt ids, logprobs)."""
    env: Any = None
    """The world's env (e.g. `env.get_state()` for exact replay); valid during the callback only."""
    attempt: int = 0
    """How many times the episode was restarted after an env crash before this decision (a replay's
    decisions come again from tick 0: a consumer keeping an episode's decisions drops the earlier ones)."""


@dataclass
class EpisodeOutcome:
    """The accounting of one finished episode."""

    spec: EpisodeSpec
    success: bool = False
    steps: int = 0
    """Ticks played (up to and including the success tick, or the budget)."""
    cost: CostLedger = field(default_factory=CostLedger)
    """Calls, generated tokens and executed ticks per action space (INVALID for invalid outputs)."""
    retries: int = 0
    """Times the episode was restarted after an environment crash."""
    error: str | None = None
    """The last environment error when the episode had to be retried (or gave up)."""

    @property
    def generated_tokens(self) -> int:
        return self.cost.tokens

    @property
    def calls_per_space(self) -> dict[str, int]:
        """Valid agent calls per action space (invalid ones are in `invalid_actions`)."""
        return {space: self.cost.calls(space) for space in ACTION_SPACES}

    @property
    def invalid_actions(self) -> int:
        return self.cost.invalid

    def to_result(self) -> EpisodeResult:
        task = self.spec.task
        return EpisodeResult(
            task_id=task.id,
            category=task.category,
            split=task.split,
            episode=self.spec.episode,
            seed=self.spec.seed,
            success=self.success,
            steps=self.steps,
            generated_tokens=self.generated_tokens,
            calls_per_space=dict(self.calls_per_space),
            invalid_actions=self.invalid_actions,
            retries=self.retries,
            error=self.error,
        )


@dataclass
class RolloutHooks:
    """Optional callbacks: how data building and RL reuse the loop without copying it."""

    on_decision: Callable[[DecisionRecord], None] | None = None
    """After each agent decision, before its executor's first tick."""
    on_tick: Callable[[int, dict, list], None] | None = None
    """After each raw tick: (slot, the env action, the statistics events of that tick)."""
    on_episode_end: Callable[[EpisodeOutcome], None] | None = None
    """When an episode ends (also yielded by `run_rollout`)."""
