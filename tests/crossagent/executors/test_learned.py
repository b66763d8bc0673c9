"""A (tiny, randomly initialised) torch policy runs behind the same Executor interface."""

import torch
from torch import nn

from crossagent.executors.base import Executor
from crossagent.executors.learned import LearnedPolicyExecutor
from crossagent.executors.raw import env_to_raw
from modeling_crossagent.action_spaces import BUTTONS, GroundingAction, RawAction


class TinyPolicy(nn.Module):
    """Frame -> button logits and a camera move; stops after `horizon` ticks."""

    def __init__(self, horizon=5):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8 + 2, len(BUTTONS) + 2))
        self.horizon = horizon

    def reset(self, action, observation):
        self.goal = torch.tensor(action.point, dtype=torch.float32) / 1000
        self.steps = 0

    def forward(self, observation):
        if self.steps == self.horizon:
            return None
        self.steps += 1
        out = self.net[1](torch.cat([self.net[0](observation["pov"][None]), self.goal[None]], 1))[0]
        buttons = frozenset(b for b, logit in zip(BUTTONS, out[: len(BUTTONS)]) if logit > 0)
        dx, dy = (int(v) for v in (out[len(BUTTONS) :] * 100).round().clamp(-1200, 1200))
        return RawAction(buttons, dx, dy)


def test_learned_policy_fits_the_executor_interface():
    torch.manual_seed(0)
    executor = LearnedPolicyExecutor(TinyPolicy(horizon=5), space="grounding", max_ticks=10)
    assert isinstance(executor, Executor)
    observation = {"pov": torch.rand(3, 8, 8)}
    executor.start(GroundingAction("Mine", "oak_log", (500, 500)), observation)
    ticks = []
    while (tick := executor.next_tick(observation)) is not None:
        ticks.append(env_to_raw(tick))
    assert len(ticks) == 5 and executor.status == "done"


def test_the_cap_stops_a_policy_that_never_ends():
    executor = LearnedPolicyExecutor(TinyPolicy(horizon=100), space="grounding", max_ticks=3)
    observation = {"pov": torch.rand(3, 8, 8)}
    executor.start(GroundingAction("Kill", "zombie", (10, 990)), observation)
    assert sum(1 for _ in iter(lambda: executor.next_tick(observation), None)) == 3
    assert executor.status == "timeout"
