"""The batched agent-environment loop: N worlds, one agent, one agent call per round for every world.

    outcomes = run_rollout(agent, [EpisodeSpec.of(task, 0) for task in tasks], RolloutConfig(num_envs=16))
    for outcome in outcomes:          # a generator: each episode as it finishes
        print(outcome.to_result())

A round: every active world needs a decision, so the agent is called ONCE with all their frames,
instructions and histories; each output is parsed and starts the executor of its space (an invalid
output starts a one-tick no-op and is counted). Then every world is stepped one raw tick at a time
from its own executor until that executor is done; a world whose executor is done waits (its world
does not advance) until the others are done too, so the next call again batches every world. A
world's episode ends at the task's first success event, its step budget or the env's `terminated`
(the player died), and the world is reset with the next pending episode at once. Waiting changes
nothing an agent sees (no world time passes), and it keeps the batch full. An environment crash (any exception from `reset` or `step`) replaces
that world with a fresh env and replays the episode from its start, at most `max_retries` times;
then the episode is recorded as failed with the error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from crossagent.envs import check_backend, make_env
from crossagent.executors.cost import INVALID, ActionCost
from crossagent.executors.dispatch import ExecutorSet, minesim_executors
from crossagent.rollout.records import DecisionRecord, EpisodeOutcome, EpisodeSpec, RolloutHooks
from crossagent.rollout.tokens import token_counts

logger = logging.getLogger(__name__)

NO_OP_TEXT = "<|raw|>no_op"
"""What enters the history in place of an invalid output: the no-op tick that was executed."""


@dataclass
class RolloutConfig:
    """How the loop runs."""

    num_envs: int = 16
    """Worlds stepped together (the agent's batch size)."""
    history_length: int = 8
    """Previous action texts given to the agent per world (keep >= the model's own history length)."""
    max_retries: int = 2
    """Restarts of an episode after environment crashes before it is recorded as failed."""
    frame_size: int = 128
    """Side of the square frames the default env renders."""
    env: str = "minesim"
    """The backend the default env factory builds (`crossagent.envs.BACKENDS`: minesim, minerl, crafter)."""


def default_env_factory(frame_size: int = 128, env: str = "minesim") -> Callable[[], Any]:
    """Envs of backend `env` rendering `frame_size` x `frame_size` frames (`crossagent.envs.make_env`)."""
    check_backend(env)  # an unknown name or a missing install fails here, before any world is built
    return functools.partial(make_env, env, frame_size=frame_size)


def default_executor_factory(env: Any, codebook: Any = None) -> ExecutorSet:
    """The env's own executors (`Env.executors`), latent with `codebook`; a bare MineSim env's otherwise."""
    unwrapped = env.unwrapped
    if hasattr(unwrapped, "executors"):
        return unwrapped.executors(codebook=codebook)
    return minesim_executors(unwrapped.sim, codebook=codebook)


def agent_executor_factory(agent: Any) -> Callable[[Any], ExecutorSet]:
    """`default_executor_factory` with the agent's latent codebook (`agent.latent_codebook`, if any)."""
    return functools.partial(default_executor_factory, codebook=getattr(agent, "latent_codebook", None))


class _World:
    """One world slot: its env, executors and the episode it is playing."""

    def __init__(self, slot: int, env: Any, executors: ExecutorSet):
        self.slot, self.env, self.executors = slot, env, executors
        self.spec: EpisodeSpec | None = None
        self.outcome: EpisodeOutcome | None = None
        self.observation: dict | None = None
        self.history: list[str] = []
        self.executor = None
        self.space: str | None = None
        """The action space of the running executor (INVALID for the no-op of an invalid output)."""

    def start(self, spec: EpisodeSpec, outcome: EpisodeOutcome) -> None:
        """Reset the env to the episode's task and seed (may raise: an env crash)."""
        self.spec, self.outcome, self.history, self.executor = spec, outcome, [], None
        self.observation, _ = self.env.reset(seed=spec.seed, options={"task": spec.task})


def run_rollout(
    agent: Any,
    episodes: Iterable[EpisodeSpec],
    config: RolloutConfig | None = None,
    env_factory: Callable[[], Any] | None = None,
    executor_factory: Callable[[Any], ExecutorSet] | None = None,
    hooks: RolloutHooks | None = None,
) -> Iterator[EpisodeOutcome]:
    """Play `episodes` with `agent` over `config.num_envs` worlds; yield each outcome as it finishes.

    `agent` follows `crossagent.agents.Agent` (`reset(slot, task, seed)`,
    `act(observations, tasks, histories) -> texts`); it may also give `last_token_counts` and
    `last_extras` (lists, one per output) after `act`, and `privileged = True` to find the world's
    MineSim in `observation["sim"]` (the scripted expert). `env_factory()` makes a gym-API env whose
    `reset(seed=, options={"task": task})` starts a task and whose `step` infos carry the tick's
    statistics `events`; `executor_factory(env)` gives the executors acting in it (default: the scripted
    executors, latent with the agent's `latent_codebook` when it has one).
    """
    config = config or RolloutConfig()
    if config.num_envs < 1:
        raise ValueError(f"num_envs must be >= 1, got {config.num_envs}")
    hooks = hooks or RolloutHooks()
    env_factory = env_factory or default_env_factory(config.frame_size, config.env)
    executor_factory = executor_factory or agent_executor_factory(agent)
    loop = _Loop(agent, config, env_factory, executor_factory, hooks)
    yield from loop.run(iter(episodes))


class _Loop:
    def __init__(self, agent, config: RolloutConfig, env_factory, executor_factory, hooks: RolloutHooks):
        self.agent, self.config, self.hooks = agent, config, hooks
        self.env_factory, self.executor_factory = env_factory, executor_factory
        self.privileged = bool(getattr(agent, "privileged", False))
        self.finished: list[EpisodeOutcome] = []

    def _new_world(self, slot: int) -> _World:
        env = self.env_factory()
        return _World(slot, env, self.executor_factory(env))

    def run(self, pending: Iterator[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        worlds: list[_World] = []
        for slot in range(self.config.num_envs):
            spec = next(pending, None)
            if spec is None:
                break
            world = self._new_world(slot)
            worlds.append(world)
            self._begin(world, spec, EpisodeOutcome(spec))
            if world.spec is None:  # gave up at once; take the next episode
                self._next(world, pending)
        active = [w for w in worlds if w.spec is not None]
        while active:
            self._decide(active)
            self._play(active, pending)
            yield from self.finished
            self.finished.clear()
            active = [w for w in worlds if w.spec is not None]

    # ----- episodes -----------------------------------------------------------------------------
    def _begin(self, world: _World, spec: EpisodeSpec, outcome: EpisodeOutcome) -> None:
        """Start an episode in a world, replacing crashed envs (bounded); gives up -> a failed outcome."""
        while True:
            try:
                world.start(spec, outcome)
                break
            except Exception as error:
                if not self._crashed(world, error):
                    return
        self.agent.reset(world.slot, spec.task, spec.seed)

    def _crashed(self, world: _World, error: Exception) -> bool:
        """Book an env crash; True when the episode is to be replayed in a fresh env."""
        outcome = world.outcome
        message = f"{type(error).__name__}: {error}"
        logger.warning("world %d crashed in %s episode %d: %s", world.slot, outcome.spec.task.id,
                       outcome.spec.episode, message)  # fmt: skip
        retries = outcome.retries + 1
        try:
            fresh = self._new_world(world.slot)
        except Exception as factory_error:  # a world that cannot be rebuilt ends the run
            raise RuntimeError(
                f"world {world.slot}: cannot recreate the env after a crash"
            ) from factory_error
        close = getattr(world.env, "close", None)
        if close is not None:
            try:
                close()
            except Exception:  # the crashed env may be broken beyond closing
                logger.debug("closing crashed env failed", exc_info=True)
        world.env, world.executors = fresh.env, fresh.executors
        if retries > self.config.max_retries:
            self._finish(world, EpisodeOutcome(outcome.spec, retries=retries - 1, error=message))
            return False
        world.outcome = EpisodeOutcome(outcome.spec, retries=retries, error=message)
        return True

    def _finish(self, world: _World, outcome: EpisodeOutcome) -> None:
        self.finished.append(outcome)
        if self.hooks.on_episode_end is not None:
            self.hooks.on_episode_end(outcome)
        world.spec = world.outcome = world.executor = None

    def _next(self, world: _World, pending: Iterator[EpisodeSpec]) -> None:
        spec = next(pending, None)
        if spec is not None:
            self._begin(world, spec, EpisodeOutcome(spec))
            if world.spec is None:  # gave up at once; try the next one
                self._next(world, pending)

    # ----- one round ----------------------------------------------------------------------------
    def _decide(self, worlds: list[_World]) -> None:
        """One batched agent call for every world; start each output's executor."""
        k = self.config.history_length
        observations = []
        for world in worlds:
            observation = world.observation
            if self.privileged:
                observation = {**observation, "sim": world.env.unwrapped.sim}
            observations.append(observation)
        histories = [world.history[-k:] if k > 0 else [] for world in worlds]
        texts = self.agent.act(observations, [w.spec.task for w in worlds], histories)
        if len(texts) != len(worlds):
            raise ValueError(f"agent returned {len(texts)} actions for {len(worlds)} worlds")
        tokens = token_counts(self.agent, texts)
        extras = getattr(self.agent, "last_extras", None)
        extras = extras if extras is not None and len(extras) == len(texts) else [{}] * len(texts)
        for world, observation, history, text, count, extra in zip(
            worlds, observations, histories, texts, tokens, extras
        ):
            started = world.executors.begin(text, world.observation)
            outcome = world.outcome
            outcome.cost.add(ActionCost(started.space, count, 0))
            world.history.append(NO_OP_TEXT if started.space == INVALID else text)
            world.executor, world.space = started.executor, started.space
            if self.hooks.on_decision is not None:
                record = DecisionRecord(world.slot, world.spec, outcome.steps, observation, history, text,
                                        started.space, started.error, count, dict(extra), world.env,
                                        outcome.retries)  # fmt: skip
                self.hooks.on_decision(record)

    def _play(self, worlds: list[_World], pending: Iterator[EpisodeSpec]) -> None:
        """Step every world from its executor until each needs a new decision or its episode ends."""
        running = worlds
        on_tick = self.hooks.on_tick
        while running:
            still = []
            for world in running:
                action = world.executor.next_tick(world.observation)
                if action is None:
                    world.executor = None
                    continue
                try:
                    world.observation, _, terminated, _, info = world.env.step(action)
                except Exception as error:
                    if self._crashed(world, error):
                        self._begin(world, world.outcome.spec, world.outcome)
                    if world.spec is None:
                        self._next(world, pending)
                    continue
                outcome = world.outcome
                outcome.steps += 1
                outcome.cost.add_ticks(world.space)
                events = info.get("events", ())
                if on_tick is not None:
                    on_tick(world.slot, action, events)
                task = world.spec.task
                outcome.success = any(task.success.matches(kind, name) for _, kind, name in events)
                if outcome.success or terminated or outcome.steps >= task.max_ticks:
                    self._finish(world, outcome)
                    self._next(world, pending)
                    continue
                still.append(world)
            running = still
