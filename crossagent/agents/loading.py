"""`load_agent`: an agent from what a user names on the command line or passes in code."""

from __future__ import annotations

import os
from collections.abc import Callable

from crossagent.agents.base import Agent, CallableAgent, RandomAgent


def load_agent(spec: str | os.PathLike | Agent | Callable, **model_kwargs) -> Agent:
    """`expert`, `random`, a saved model folder, an Agent, or a batched callable `fn(obs, tasks, histories)`."""
    if isinstance(spec, Agent):
        return spec
    if callable(spec):
        return CallableAgent(spec)
    if str(spec) == "expert":
        from crossagent.agents.expert import ExpertAgent

        return ExpertAgent()
    if str(spec) == "random":
        return RandomAgent()
    from crossagent.agents.model import ModelAgent  # imports torch: only when a model is asked for

    return ModelAgent.from_folder(spec, **model_kwargs)
