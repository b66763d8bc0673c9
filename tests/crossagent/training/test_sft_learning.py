"""SFT learns for real: the skill baseline reads the instruction and answers the held-out episodes right."""

import pytest

from crossagent.training.sft import train_sft
from crossagent.training.sft_config import sft_arguments
from crossagent.training.synthetic_data import write_synthetic_dataset


@pytest.mark.slow  # ~2-3 min on 2 busy cores: 72 optimizer steps from a random model
def test_skill_baseline_learns_held_out_episodes(tmp_path):
    data = write_synthetic_dataset(tmp_path / "data", train_episodes=24, validation_episodes=3, steps=4)
    config = sft_arguments(
        "tiny", dataset_name=str(data), dataset_config="skill", output_dir=str(tmp_path / "out"),
        num_train_epochs=6, logging_steps=100, save_steps=1000,
    )  # fmt: skip
    metrics = train_sft(config)["metrics"]["skill"]
    assert metrics["rows"] == 12
    assert metrics["exact"] >= 0.9 and metrics["exact"] > metrics["majority_exact"]
