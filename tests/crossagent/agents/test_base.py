"""Agents behind the rollout interface: the random floor and any callable."""

import re

import pytest

from crossagent.agents.base import RAW_KEYS, Agent, CallableAgent, RandomAgent
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import RawAction, format_action

# The raw action grammar (`format_action` in modeling_crossagent/action_spaces.py): <|raw|> then `no_op`, or parts joined by " and ":
# move(dx,dy) with integers, press(k1,k2,...) with known key names, click(left|right).
KEY = "|".join(re.escape(key) for key in RAW_KEYS)
PART = rf"(move\(-?\d+,-?\d+\)|press\(({KEY})(,({KEY}))*\)|click\((left|right)\))"
RAW_ACTION = re.compile(rf"<\|raw\|>(no_op|{PART}( and {PART})*)")


def test_raw_action_texts_the_random_agent_writes():
    """RandomAgent's texts are canonical raw actions: they parse as raw and format back to themselves."""
    agent = RandomAgent(seed=5, max_mouse=0)
    agent.reset(0, task="mine_block:oak_log", seed=1)
    texts = [agent.act([{}], ["t"], [[]])[0] for _ in range(100)]
    clicks = set()
    for text in texts:
        action = parse(text)
        assert isinstance(action, RawAction) and format_action(action) == text, text
        assert (action.dx, action.dy) == (0, 0) and "move(" not in text  # max_mouse=0: never moves
        clicks |= set(re.findall(r"click\((left|right)\)", text))
        pressed = re.search(r"press\(([^)]*)\)", text)
        if pressed:  # keys in the grammar's order
            keys = pressed.group(1).split(",")
            assert keys == sorted(keys, key=RAW_KEYS.index)
    assert clicks == {"left", "right"}  # mouse buttons are drawn too
    # with a mouse range, moves are written as move(dx,dy) and parse back to the same integers
    moving = RandomAgent(seed=5, max_mouse=3)
    moving.reset(0, task="mine_block:oak_log", seed=1)
    moves = [parse(moving.act([{}], ["t"], [[]])[0]) for _ in range(100)]
    assert len({(m.dx, m.dy) for m in moves}) > 10 and all(max(abs(m.dx), abs(m.dy)) <= 3 for m in moves)


def test_random_agent_emits_valid_varied_raw_actions():
    agent = RandomAgent(seed=3, max_mouse=20)
    assert isinstance(agent, Agent) and agent.name == "random"
    for slot in range(4):
        agent.reset(slot, task="mine_block:oak_log", seed=100 + slot)
    actions = [a for _ in range(50) for a in agent.act([{}] * 4, ["t"] * 4, [[]] * 4)]
    assert len(actions) == 200
    for action in actions:
        assert RAW_ACTION.fullmatch(action), action
        for dx, dy in re.findall(r"move\((-?\d+),(-?\d+)\)", action):
            assert abs(int(dx)) <= 20 and abs(int(dy)) <= 20
    assert len(set(actions)) > 150  # uniform over a huge space: almost never repeats
    # every key gets pressed about half the time (200 draws; 0.5 +- 0.15 is > 4 sigma)
    for key in ("w", "space", "left.shift", "9"):
        share = (
            sum(bool(re.search(rf"press\([^)]*(?<![\w.]){re.escape(key)}(?![\w.])", a)) for a in actions)
            / 200
        )
        assert 0.35 < share < 0.65, (key, share)


def test_random_agent_is_deterministic_per_episode_seed():
    first, second = RandomAgent(seed=7), RandomAgent(seed=7)
    first.reset(0, "a", seed=11)
    first.reset(1, "b", seed=22)
    # the same episodes in other slots and order give the same actions
    for slot in (0, 1, 3, 4):
        second.reset(slot, "c", seed=slot)
    second.reset(5, "b", seed=22)
    second.reset(2, "a", seed=11)
    run_first = [first.act([{}, {}], ["a", "b"], [[], []]) for _ in range(10)]
    run_second = [second.act([{}] * 6, ["x"] * 6, [[]] * 6) for _ in range(10)]
    assert [step[0] for step in run_first] == [step[2] for step in run_second]
    assert [step[1] for step in run_first] == [step[5] for step in run_second]
    other_seed = RandomAgent(seed=8)
    other_seed.reset(0, "a", seed=11)
    assert [other_seed.act([{}], ["a"], [[]])[0] for _ in range(10)] != [step[0] for step in run_first]


def test_random_agent_without_episode_seeds_is_still_reproducible():
    def trajectory():
        agent = RandomAgent(seed=1)
        agent.reset(0, "a")
        return [agent.act([{}], ["a"], [[]])[0] for _ in range(5)]

    assert trajectory() == trajectory()


def test_random_agent_needs_a_reset():
    with pytest.raises(RuntimeError, match="slot 0 was never reset"):
        RandomAgent().act([{}], ["a"], [[]])


def test_callable_agent_batched_and_per_world():
    seen = []
    batched = CallableAgent(lambda obs, tasks, hist: [f"<|skill|>mine {t}" for t in tasks], name="skills")
    assert isinstance(batched, Agent)
    assert batched.act([{}, {}], ["oak_log", "stone"], [[], []]) == [
        "<|skill|>mine oak_log",
        "<|skill|>mine stone",
    ]

    def per_world(observation, task, history):
        return "<|raw|>no_op" if history else "<|motion|>jump"

    agent = CallableAgent(
        per_world, batched=False, on_reset=lambda i, task, seed: seen.append((i, task, seed))
    )
    agent.reset(0, "a", seed=5)
    assert agent.name == "per_world" and seen == [(0, "a", 5)]
    assert agent.act([{}, {}], ["a", "b"], [[], ["<|motion|>jump"]]) == ["<|motion|>jump", "<|raw|>no_op"]


def test_callable_agent_checks_its_output():
    with pytest.raises(ValueError, match="returned 1 actions for 2 worlds"):
        CallableAgent(lambda o, t, h: ["<|raw|>no_op"], name="short").act([{}, {}], ["a", "b"], [[], []])
    with pytest.raises(TypeError, match="returned dict for world 0"):
        CallableAgent(lambda o, t, h: [{"forward": 1}]).act([{}], ["a"], [[]])
    with pytest.raises(TypeError, match="needs a callable"):
        CallableAgent("not a function")
