"""The batched rollout loop on real MineSim worlds: batching, accounting, hooks, crash retries."""

import gymnasium as gym
import pytest

from crossagent.agents import CallableAgent, ExpertAgent, RandomAgent
from crossagent.envs.minesim_env import MineSimEnv
from crossagent.rollout import (
    NO_OP_TEXT,
    EpisodeSpec,
    RolloutConfig,
    RolloutHooks,
    count_text_tokens,
    episode_seed,
    run_rollout,
)
from crossagent.tasks import get_task

EXPERT_TASKS = [
    "mine_block:oak_log", "kill_entity:cow", "craft_item:stick", "smelt_item:cooked_cod", "interact_block:crafting_table",
]  # fmt: skip


def small_env():
    return MineSimEnv(width=32, height=32)


class CrashingEnv(gym.Wrapper):
    """A real MineSim env that raises from `step` on its `crash_at`-th tick (and on every later one
    when `forever`): an environment crash as the loop meets it."""

    def __init__(self, env, crash_at: int, forever: bool = False):
        super().__init__(env)
        self.crash_at, self.forever, self.ticks = crash_at, forever, 0

    def step(self, action):
        self.ticks += 1
        if self.ticks == self.crash_at or (self.forever and self.ticks >= self.crash_at):
            raise RuntimeError(f"simulated crash at tick {self.ticks}")
        return self.env.step(action)


def specs(task_ids, episodes=1):
    return [EpisodeSpec.of(get_task(task_id), e) for task_id in task_ids for e in range(episodes)]


def test_expert_succeeds_through_the_executors():
    outcomes = list(run_rollout(ExpertAgent(), specs(EXPERT_TASKS), RolloutConfig(num_envs=4), small_env))
    assert sorted(o.spec.task.id for o in outcomes) == sorted(EXPERT_TASKS)
    for outcome in outcomes:
        result = outcome.to_result()
        assert result.success, result
        assert 0 < result.steps < outcome.spec.task.max_ticks
        assert result.calls_per_space["grounding"] >= 1 and result.invalid_actions == 0
        assert result.generated_tokens > 0


def test_one_agent_call_per_round_for_every_world_and_accounting():
    calls = []

    def skill_then_garbage(observations, tasks, histories):
        calls.append(len(observations))
        return ["<|motion|>turn left" if len(calls) % 2 else "not an action"] * len(histories)

    task = get_task("mine_block:oak_log")
    outcomes = list(run_rollout(CallableAgent(skill_then_garbage), specs([task.id], episodes=3),
                                RolloutConfig(num_envs=3), small_env))  # fmt: skip
    # three worlds of one budget: every call serves all three (never one world per call)
    assert set(calls) == {3}
    for outcome in outcomes:
        assert not outcome.success and outcome.steps == task.max_ticks
        motion, invalid = outcome.calls_per_space["motion"], outcome.invalid_actions
        assert 4 * motion + invalid == task.max_ticks  # a motion is 4 ticks, an invalid output 1 no-op tick
        assert abs(motion - invalid) <= 1
        expected = motion * count_text_tokens("<|motion|>turn left") + invalid * count_text_tokens(
            "not an action"
        )
        assert outcome.generated_tokens == expected
        ledger = outcome.cost.to_dict()  # ticks are booked to the space whose executor ran them
        assert ledger["motion"]["ticks"] == 4 * motion and ledger["invalid"]["ticks"] == invalid
    assert len(calls) == outcomes[0].calls_per_space["motion"] + outcomes[0].invalid_actions


def test_histories_hold_the_executed_actions_and_hooks_see_every_decision_and_tick():
    seen_histories, decisions, ticks = [], [], []

    def agent(observations, tasks, histories):
        seen_histories.append([list(h) for h in histories])
        return ["<|raw|>press(w)", "oops"][len(seen_histories) % 2 : len(seen_histories) % 2 + 1] * len(
            histories
        )

    hooks = RolloutHooks(
        on_decision=decisions.append, on_tick=lambda slot, action, events: ticks.append(slot)
    )
    outcome = next(iter(run_rollout(CallableAgent(agent), specs(["mine_block:dirt"]),
                                    RolloutConfig(num_envs=1, history_length=2), small_env, hooks=hooks)))  # fmt: skip
    assert seen_histories[3] == [
        ["<|raw|>press(w)", NO_OP_TEXT]
    ]  # invalid -> the no-op that ran; last 2 only
    assert len(decisions) == outcome.steps == len(ticks)
    assert decisions[0].observation["image"].shape == (32, 32, 3)
    assert (
        {d.space for d in decisions} == {"raw", "invalid"} and decisions[0].error and not decisions[1].error
    )


def test_random_agent_runs_and_episode_seeds_are_stable():
    tasks = ["mine_block:sand", "craft_item:oak_planks", "kill_entity:chicken"]
    outcomes = list(
        run_rollout(RandomAgent(seed=1), specs(tasks, episodes=2), RolloutConfig(num_envs=4), small_env)
    )
    assert len(outcomes) == 6
    assert {o.spec.seed for o in outcomes} == {episode_seed(get_task(t), e) for t in tasks for e in range(2)}
    assert all(o.calls_per_space["raw"] == o.steps for o in outcomes)
    assert episode_seed(get_task(tasks[0]), 0) == get_task(tasks[0]).seed
    assert episode_seed(get_task(tasks[0]), 1) != episode_seed(get_task(tasks[0]), 2)


def test_env_crash_restarts_the_world_and_replays_the_episode():
    made = []

    def factory():  # the first env crashes on its 3rd tick, the replacements do not
        env = CrashingEnv(small_env(), crash_at=3 if not made else 10**9)
        made.append(env)
        return env

    outcomes = list(
        run_rollout(ExpertAgent(), specs(["mine_block:oak_log"]), RolloutConfig(num_envs=1), factory)
    )
    (result,) = [o.to_result() for o in outcomes]
    assert result.success and result.retries == 1
    assert "simulated crash at tick 3" in result.error and len(made) == 2


def test_env_that_keeps_crashing_gives_up_after_max_retries_and_the_run_goes_on():
    def factory():
        return CrashingEnv(small_env(), crash_at=2, forever=True)

    config = RolloutConfig(num_envs=1, max_retries=2)
    outcomes = list(
        run_rollout(ExpertAgent(), specs(["mine_block:oak_log", "mine_block:dirt"]), config, factory)
    )
    assert [o.spec.task.id for o in outcomes] == ["mine_block:oak_log", "mine_block:dirt"]
    for outcome in outcomes:
        assert not outcome.success and outcome.retries == 2 and "RuntimeError" in outcome.error


def test_bad_agent_output_count_is_an_error():
    agent = CallableAgent(lambda o, t, h: ["<|raw|>no_op"] * (len(o) + 1), name="extra")
    with pytest.raises(ValueError, match="returned 3 actions for 2 worlds"):
        list(run_rollout(agent, specs(["mine_block:dirt"], episodes=2), RolloutConfig(num_envs=2), small_env))
