"""load_agent: names, agents and callables pass through; a folder that is no saved model is refused clearly."""

import json

import pytest

from crossagent.agents import CallableAgent, ExpertAgent, RandomAgent, load_agent
from crossagent.agents.model import NotAModelFolderError, check_model_folder


def test_named_agents_and_callables():
    assert isinstance(load_agent("expert"), ExpertAgent)
    assert isinstance(load_agent("random"), RandomAgent)
    agent = RandomAgent(seed=3)
    assert load_agent(agent) is agent
    wrapped = load_agent(lambda observations, tasks, histories: ["<|raw|>no_op"] * len(observations))
    assert isinstance(wrapped, CallableAgent)


def test_agent_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(NotAModelFolderError, match="no such folder"):
        load_agent(tmp_path / "missing")
    with pytest.raises(NotAModelFolderError, match=r"no config\.json"):
        load_agent(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(NotAModelFolderError, match="model_type 'llama', not 'crossagent'"):
        check_model_folder(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "crossagent"}))
    with pytest.raises(NotAModelFolderError, match=r"no \*\.safetensors weights"):
        check_model_folder(tmp_path)
