"""The model agent: batched greedy decoding with the cached system prefix equals `generate`."""

import numpy as np
import pytest
import torch

from crossagent.evaluation.model_agent import ModelAgent
from crossagent.models.presets import build_model
from crossagent.tasks import get_task

TASKS = ["mine_block:dirt", "craft_item:stick", "kill_entity:cow"]


@pytest.fixture(scope="module")
def tiny():
    return build_model("tiny", seed=1)


def batch(n=6):
    rng = np.random.default_rng(0)
    observations = [{"image": rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)} for _ in range(n)]
    tasks = [get_task(TASKS[i % len(TASKS)]) for i in range(n)]
    histories = [["<|raw|>no_op", "<|motion|>jump"][: i % 3] for i in range(n)]
    return observations, tasks, histories


@pytest.mark.parametrize("constrained", [False, True])
def test_prefix_cached_greedy_equals_generate(tiny, constrained):
    model, processor = tiny
    agent = ModelAgent(model, processor, constrained=constrained, max_new_tokens=10)
    observations, tasks, histories = batch()
    texts = agent.act(observations, tasks, histories)
    inputs = processor.prepare_act_inputs(
        [o["image"] for o in observations], [t.instruction for t in tasks], histories
    )
    constraint = [processor.action_logits_processor(None)] if constrained else []
    with torch.no_grad():
        sequences = model.generate(**inputs, max_new_tokens=10, do_sample=False, logits_processor=constraint)
    generated = sequences[:, inputs["input_ids"].shape[1] :]
    assert texts == processor.decode_actions(generated)
    eos = processor.tokenizer.eos_token_id
    expected = [row.index(eos) + 1 if eos in row else len(row) for row in generated.tolist()]
    assert agent.last_token_counts == expected
    assert agent.frame_size == 64 and agent.name == "model"
