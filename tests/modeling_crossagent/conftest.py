"""A tiny CrossAgent model and its processor, built locally once per test session."""

import copy

import pytest
import torch

from crossagent.models.presets import build_model
from crossagent.models.tokenizer import build_tokenizer

# Tiny models on a 2-core machine shared with other jobs: two torch threads wait on each other and
# run these tests ~8x slower than one (benchmarks/act_speed.py measured it); "tests stay on one thread".
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tokenizer():
    return build_tokenizer()


@pytest.fixture(scope="session")
def tiny_pair(tokenizer):
    return build_model("tiny", tokenizer=tokenizer)


@pytest.fixture
def tiny(tiny_pair):
    """A private copy, so a test may train or resize it."""
    model, processor = copy.deepcopy(tiny_pair)
    return model.eval(), processor
