"""Issue 21 for SFT: nothing overwritten, a finished run is not trained further, an incomplete checkpoint
is skipped, and a resumed run reports the whole run."""

import json
import logging
import pathlib

import pytest

from crossagent.training.sft import train_sft


def test_a_finished_model_folder_is_not_overwritten(sft_config, tmp_path):
    out = tmp_path / "out"
    train_sft(sft_config(output_dir=str(out), dataset_test_split=""))
    before = (out / "model.safetensors").read_bytes()
    with pytest.raises(ValueError, match=r"already holds a finished model .*--overwrite_output_dir"):
        train_sft(sft_config(output_dir=str(out), dataset_test_split="", seed=1))
    assert (out / "model.safetensors").read_bytes() == before
    summary = train_sft(sft_config(output_dir=str(out), dataset_test_split="", overwrite_output_dir=True))
    assert summary["global_step"] == 2


def test_an_output_dir_that_is_a_file_is_refused(sft_config, tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(ValueError, match="is an existing file"):
        train_sft(sft_config(output_dir=str(path)))


def test_resuming_a_finished_run_is_a_no_op(sft_config, tmp_path, caplog):
    out = tmp_path / "out"
    train_sft(sft_config(output_dir=str(out), dataset_test_split=""))  # 2 steps, checkpoint-2
    before = (out / "model.safetensors").read_bytes()
    with caplog.at_level(logging.WARNING, logger="crossagent.training.sft"):
        summary = train_sft(
            sft_config(output_dir=str(out), dataset_test_split="", resume_from_checkpoint="latest")
        )
    assert summary["global_step"] == 2 and summary["already_finished"]  # the old code trained step 3
    assert "already finished (step 2 of 2" in caplog.text
    assert (out / "model.safetensors").read_bytes() == before
    assert json.loads((out / "sft_run.json").read_text())["training"]["global_step"] == 2


def test_resume_skips_an_incomplete_checkpoint(sft_config, tmp_path, caplog):
    out = tmp_path / "out"
    train_sft(sft_config(output_dir=str(out), dataset_test_split="", max_steps=4))  # checkpoint-2, -4
    weights = out / "checkpoint-4" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])  # a save killed half-way
    with caplog.at_level(logging.INFO, logger="crossagent.training.sft"):
        summary = train_sft(
            sft_config(
                output_dir=str(out), dataset_test_split="", max_steps=4, resume_from_checkpoint="latest"
            )
        )
    assert pathlib.Path(summary["resumed_from"]).name == "checkpoint-2" and summary["global_step"] == 4
    assert "skipping incomplete checkpoint" in caplog.text and "checkpoint-4" in caplog.text
    (out / "checkpoint-4" / "trainer_state.json").write_text("{")
    explicit = str(out / "checkpoint-4")
    args = sft_config(
        output_dir=str(out), dataset_test_split="", max_steps=6, resume_from_checkpoint=explicit
    )
    with pytest.raises(ValueError, match=r"incomplete: trainer_state\.json unreadable"):
        train_sft(args)
