"""`load_agent`: an agent from what a user names on the command line or passes in code."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from crossagent.agents.base import Agent, CallableAgent, RandomAgent

BUILTIN_AGENTS = ("expert", "random")
"""Agents named by a word; any other string or path names a saved model folder."""


def model_folder(spec: str | os.PathLike | Agent | Callable) -> Path | None:
    """The saved model folder `spec` names, or None when it names no folder (a built-in, an Agent, a callable)."""
    if isinstance(spec, Agent) or callable(spec) or str(spec) in BUILTIN_AGENTS:
        return None
    return Path(spec)


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

    return ModelAgent.from_folder(model_folder(spec), **model_kwargs)
