"""A tiny synthetic mixed-action dataset, built once per session (the tiny model folder: tests/conftest.py)."""

import pytest

from crossagent.datasets.build import build_mixed
from crossagent.datasets.config import MixedBuildConfig
from crossagent.training.sft_config import sft_arguments
from crossagent.training.synthetic_data import write_synthetic_dataset


@pytest.fixture(autouse=True)
def one_thread(one_torch_thread):
    """Every training test runs on one torch thread (`one_torch_thread`, tests/conftest.py)."""


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory):
    """2 train episodes x 2 steps x 5 spaces = 20 train rows, 10 validation rows."""
    return write_synthetic_dataset(
        tmp_path_factory.mktemp("data") / "mixed", train_episodes=2, validation_episodes=1, steps=2
    )


@pytest.fixture
def sft_config(base_model_dir, dataset_dir, tmp_path):
    """A fast config: tiny model from disk, batch 2, 2 steps; tests override fields."""

    def make(**overrides):
        values = dict(
            dataset_name=str(dataset_dir),
            model_name_or_path=str(base_model_dir),
            output_dir=str(tmp_path / "out"),
            per_device_train_batch_size=2,
            max_steps=2,
            save_steps=2,
            logging_steps=1,
            warmup_steps=0,
            max_eval_rows=10,
        )
        return sft_arguments("tiny", **{**values, **overrides})

    return make


@pytest.fixture(scope="session")
def states_dataset(tmp_path_factory):
    """Two expert episodes each of a mine and a smelt task (furnace waits), states recorded."""
    folder = tmp_path_factory.mktemp("strl") / "mixed"
    config = MixedBuildConfig(
        tasks="mine_block:oak_log,smelt_item:cooked_cod", episodes_per_task=2,
        validation_fraction=0.25, record_states=True, workers=1, num_codes=8,
    )  # fmt: skip
    build_mixed(config, folder, progress=False)
    return folder
