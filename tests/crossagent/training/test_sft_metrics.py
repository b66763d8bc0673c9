"""The metric on models whose answers are known: an oracle that echoes the next input token (teacher
forcing makes that the label), the same oracle with one grounding coordinate token changed, and a random
tiny model."""

import pytest
import torch
from datasets import load_dataset
from torch import nn

from crossagent.training.sft_collator import ActionSFTCollator
from crossagent.training.sft_metrics import majority_actions, teacher_forced_accuracy
from modeling_crossagent.action_spaces import ACTION_SPACES
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.processing_crossagent import CrossAgentProcessor


class EchoNextToken(nn.Module):
    """logits[t] puts all mass on input_ids[t + 1]; `corrupt(ids, logits)` may change some answers."""

    def __init__(self, vocab_size, corrupt=None):
        super().__init__()
        self.vocab_size, self.corrupt = vocab_size, corrupt
        self.anchor = nn.Parameter(torch.zeros(()))  # gives the module a device

    @property
    def device(self):
        return self.anchor.device

    def forward(self, input_ids, **kwargs):
        logits = torch.zeros(*input_ids.shape, self.vocab_size)
        logits[:, :-1].scatter_(-1, input_ids[:, 1:, None], 1.0)
        if self.corrupt is not None:
            self.corrupt(input_ids, logits)
        return type("Out", (), {"logits": logits})()


@pytest.fixture(scope="module")
def setup(base_model_dir, dataset_dir):
    processor = CrossAgentProcessor.from_pretrained(base_model_dir, trust_remote_code=True)
    validation = load_dataset(str(dataset_dir), "mixed", split="validation")
    majority = majority_actions(load_dataset(str(dataset_dir), "mixed", split="train"))
    return processor, ActionSFTCollator(processor, ACTION_SPACES), validation, majority


def test_oracle_scores_one_everywhere(setup):
    processor, collator, validation, majority = setup
    metrics = teacher_forced_accuracy(
        EchoNextToken(len(processor.tokenizer)), collator, validation, 4, majority
    )
    assert set(metrics) == {*ACTION_SPACES, "all"}
    for space in [*ACTION_SPACES, "all"]:
        for name in (
            "space",
            "exact",
            "exact_given_space",
            "parse_equivalent",
            "equivalent_given_space",
            "token",
        ):
            assert metrics[space][name] == 1.0, (space, name)
    assert metrics["all"]["rows"] == len(validation) == 10
    assert metrics["grounding"]["majority_exact"] == 0.0  # points never repeat


def test_a_wrong_coordinate_breaks_grounding_only(setup):
    processor, collator, validation, majority = setup
    tokenizer = processor.tokenizer
    point_start = tokenizer.convert_tokens_to_ids("<|point_start|>")
    other = tokenizer.convert_tokens_to_ids("(")

    def corrupt(input_ids, logits):
        # The token after <|point_start|> is "(": predict ")" there instead, so the point is malformed.
        for row, col in (input_ids[:, 1:] == point_start).nonzero().tolist():
            logits[row, col + 1] = 0
            logits[row, col + 1, tokenizer.convert_tokens_to_ids(")")] = 1
        assert other  # the token exists in the vocabulary

    metrics = teacher_forced_accuracy(
        EchoNextToken(len(tokenizer), corrupt), collator, validation, 4, majority
    )
    grounding = metrics["grounding"]
    assert grounding["space"] == 1.0
    assert grounding["exact"] == grounding["exact_given_space"] == grounding["parse_equivalent"] == 0.0
    assert grounding["equivalent_given_space"] == 0.0
    assert 0.5 < grounding["token"] < 1.0
    assert all(metrics[s]["exact"] == 1.0 for s in ("raw", "motion", "skill", "latent"))


def test_a_wrong_space_token_fails_parse_equivalent_but_not_the_given_space_columns(setup):
    """Every raw row answered with <|skill|> instead of <|raw|>, body right: by hand, on the 2 raw rows,
    space 0, exact 0, exact given space 1, parse-equivalent (own output `<|skill|>move(...)...`) 0,
    equivalent given space 1, token (n-1)/n; other spaces untouched."""
    processor, collator, validation, majority = setup
    tokenizer = processor.tokenizer
    raw, skill = (tokenizer.convert_tokens_to_ids(t) for t in ("<|raw|>", "<|skill|>"))

    def corrupt(input_ids, logits):
        for row, col in (input_ids[:, 1:] == raw).nonzero().tolist():
            logits[row, col] = 0  # logits[col] predicts input_ids[col + 1]
            logits[row, col, skill] = 1

    metrics = teacher_forced_accuracy(
        EchoNextToken(len(tokenizer), corrupt), collator, validation, 4, majority
    )
    scores = metrics["raw"]
    assert scores["rows"] == 2
    assert scores["space"] == scores["exact"] == scores["parse_equivalent"] == 0.0
    assert scores["exact_given_space"] == scores["equivalent_given_space"] == 1.0
    lengths = [
        len(collator([r])["labels"][0][collator([r])["labels"][0] != -100])
        for r in validation
        if r["action_space"] == "raw"
    ]
    assert scores["token"] == pytest.approx((sum(lengths) - 2) / sum(lengths))
    assert all(metrics[s]["parse_equivalent"] == 1.0 for s in ("motion", "grounding", "skill", "latent"))
    assert metrics["all"]["parse_equivalent"] == pytest.approx(8 / 10)


def test_random_model_is_not_accurate(setup, base_model_dir):
    _, collator, validation, majority = setup
    model = CrossAgentForActions.from_pretrained(base_model_dir, trust_remote_code=True)
    metrics = teacher_forced_accuracy(model, collator, validation, 5, majority)
    assert metrics["all"]["exact"] == 0.0 and metrics["all"]["token"] < 0.2


def test_metric_uses_the_shared_equivalence_rule():
    """parse_equivalent is `equivalent_actions`: 4 mouse units and 40 frame units, no more."""
    from crossagent.training.sft_metrics import _parse_equivalent

    assert _parse_equivalent("<|raw|>move(34,0) and click(left)", "<|raw|>move(30,0) and click(left)")
    assert not _parse_equivalent("<|raw|>move(35,0) and click(left)", "<|raw|>move(30,0) and click(left)")
    grounding = (
        "<|grounding|>Mine <|object_ref_start|>stone<|object_ref_end|><|point_start|>({},{})<|point_end|>"
    )
    assert _parse_equivalent(grounding.format(524, 532), grounding.format(500, 500))  # distance 40
    assert not _parse_equivalent(grounding.format(525, 532), grounding.format(500, 500))  # 40.3
    assert not _parse_equivalent("<|raw|>move(", "<|raw|>move(30,0)")
