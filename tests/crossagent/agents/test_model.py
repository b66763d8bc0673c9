"""The model agent: batched greedy decoding with the cached system prefix equals `generate`."""

import numpy as np
import pytest
import torch

from crossagent.agents.model import GrammarStop, ModelAgent
from crossagent.models.presets import build_model
from crossagent.tasks import get_task
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ActionParseError

TASKS = ["mine_block:dirt", "craft_item:stick", "kill_entity:cow"]


@pytest.fixture(scope="module")
def tiny():
    return build_model("tiny", seed=0)  # a seed whose untrained rows start with different tokens


def batch(n=6):
    rng = np.random.default_rng(0)
    observations = [{"image": rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)} for _ in range(n)]
    tasks = [get_task(TASKS[i % len(TASKS)]) for i in range(n)]
    histories = [["<|raw|>no_op", "<|motion|>jump"][: i % 3] for i in range(n)]
    return observations, tasks, histories


@pytest.mark.parametrize("constrained", [False, True])
def test_prefix_cached_greedy_equals_generate(tiny, constrained):
    model, processor = tiny
    agent = ModelAgent(model, processor, constrained=constrained, max_new_tokens=10, stop_invalid=False)
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


def test_outputs_that_cannot_start_an_action_stop_early(tiny):
    model, processor = tiny
    observations, tasks, histories = batch()
    full = ModelAgent(model, processor, max_new_tokens=10, stop_invalid=False)
    early = ModelAgent(model, processor, max_new_tokens=10)
    full_texts, early_texts = (
        full.act(observations, tasks, histories),
        early.act(observations, tasks, histories),
    )
    for full_text, early_text, full_count, early_count in zip(
        full_texts, early_texts, full.last_token_counts, early.last_token_counts
    ):
        if parse_or_none(full_text) is not None:  # valid outputs are untouched
            assert (early_text, early_count) == (full_text, full_count)
        else:  # invalid ones end sooner and stay invalid
            assert parse_or_none(early_text) is None and full_text.startswith(early_text)
            assert early_count <= full_count
    assert sum(early.last_token_counts) < sum(full.last_token_counts)  # the untrained model writes garbage


def test_grammar_stop_cuts_exactly_where_no_action_can_follow(tiny):
    _, processor = tiny
    tokenizer = processor.tokenizer
    dead = GrammarStop(processor.action_logits_processor())
    encode = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    alive = ["<|skill|>", "<|raw|>move(1,2)", "<|raw|>move(1,2) and click(left)<|end|>", "<|motion|>move"]
    for text in [*alive, "<|end|>", ""]:
        assert not dead(encode(text)), text
    gone = ["312", "mine oak_log", "<|object_ref_start|>", "<|raw|>move(1,2)x", "<|skill|><|raw|>"]
    for text in gone:
        assert dead(encode(text)), text
    only_skill = GrammarStop(processor.action_logits_processor(["skill"]))
    assert only_skill(encode("<|raw|>")) and not only_skill(encode("<|skill|>"))


def parse_or_none(text):
    try:
        return parse(text)
    except ActionParseError:
        return None


def test_stopped_rows_keep_their_tokens_and_the_rest_go_on(tiny):
    """A row stopped by `stop_row` keeps its tokens so far and leaves the batch; the others go on to the
    end and match `generate` (the untrained model repeats tokens, so this checks the bookkeeping of
    the rows, not the pruned cache's contents)."""
    model, processor = tiny
    observations, tasks, histories = batch()
    inputs = processor.prepare_act_inputs(
        [o["image"] for o in observations], [t.instruction for t in tasks], histories
    )
    with torch.no_grad():
        sequences = model.generate(**inputs, max_new_tokens=8, min_new_tokens=8, do_sample=False)
    expected = sequences[:, inputs["input_ids"].shape[1] :].tolist()
    stop_first = {expected[0][0]}  # rows starting like row 0 stop after one token
    assert any(row[0] not in stop_first for row in expected)  # and some rows go on
    rows = ModelAgent(model, processor)._decoder.generate(
        inputs["input_ids"], inputs["attention_mask"], inputs["pixel_values"], 8,
        stop_row=lambda tokens: tokens[0] in stop_first,
    )  # fmt: skip
    eos = processor.tokenizer.eos_token_id
    for row, reference in zip(rows, expected):
        end = reference.index(eos) + 1 if eos in reference else 8
        assert row == (reference[:1] if reference[0] in stop_first else reference[:end])
