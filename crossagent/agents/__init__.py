"""Agents: what the rollout asks for one action text per world, for evaluation, data building and RL.

base.py             the Agent protocol (one batched `act` for many worlds), RandomAgent, CallableAgent
expert.py           ExpertAgent: the privileged scripted expert, the benchmark's upper bound
model.py            ModelAgent: a saved CrossAgentForActions folder, one batched `generate` per round
prefix_decoding.py  PrefixCachedDecoder: greedy decoding with the shared system prefix computed once
loading.py          load_agent: `expert`, `random`, a model folder, an Agent or a callable;
                    model_folder: the folder a spec names, if any

The model agent's names (ModelAgent, PrefixCachedDecoder, ...) import torch, so they load on first use.
"""

from crossagent.agents.base import Agent, CallableAgent, RandomAgent
from crossagent.agents.expert import ExpertAgent
from crossagent.agents.loading import load_agent, model_folder

_MODEL_NAMES = ("ModelAgent", "NotAModelFolderError", "check_model_folder")


def __getattr__(name: str):
    if name in _MODEL_NAMES:
        from crossagent.agents import model

        return getattr(model, name)
    if name == "PrefixCachedDecoder":
        from crossagent.agents.prefix_decoding import PrefixCachedDecoder

        return PrefixCachedDecoder
    raise AttributeError(f"module 'crossagent.agents' has no attribute {name!r}")


__all__ = [
    "Agent", "CallableAgent", "ExpertAgent", "ModelAgent", "NotAModelFolderError", "PrefixCachedDecoder",
    "RandomAgent", "check_model_folder", "load_agent", "model_folder",
]  # fmt: skip
