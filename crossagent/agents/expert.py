"""The scripted expert as an agent: the upper bound of the benchmark.

At each decision it asks `crossagent.tasks.expert.ScriptedExpert` for the next step from the world's
privileged state (it reads the MineSim the rollout puts in `observation["sim"]`) and writes it as
model text: its grounding label when it has one (`Mine|Kill|Use` in the world, `Pick|Place|Click`
in a GUI), else the raw tick it leads to (a camera turn toward an unseen target, a no-op while the
furnace cooks). The rollout then runs that text through the same executors as any agent's.
"""

from __future__ import annotations

from typing import Any

from crossagent.executors.base import no_op_env
from crossagent.executors.raw import env_to_raw
from crossagent.tasks.expert import ScriptedExpert
from modeling_crossagent.action_spaces import format_action


class ExpertAgent:
    """Privileged scripted agent (see the module docstring)."""

    privileged = True
    """The rollout passes each world's MineSim as `observation["sim"]`."""

    def __init__(self, name: str = "expert") -> None:
        self.name = name
        self._experts: dict[str, ScriptedExpert] = {}
        # ScriptedExpert keeps no state between decisions: one per task id serves every slot.

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        if task.id not in self._experts:
            self._experts[task.id] = ScriptedExpert(task)

    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        texts = []
        for observation, task in zip(observations, tasks):
            if "sim" not in observation:
                raise ValueError("ExpertAgent needs observation['sim'] (run it through crossagent.rollout)")
            expert = self._experts.get(task.id) or ScriptedExpert(task)
            decision, source, _ = expert.decide(observation["sim"])
            if decision.grounding is not None:
                texts.append(format_action(decision.grounding))
            else:
                texts.append(format_action(env_to_raw(source() or no_op_env())))
        return texts
