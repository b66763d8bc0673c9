"""SFT arguments: TRL's dataclasses and flags, a preset's defaults under the YAML file and the command line."""

import pytest
import yaml

from crossagent.presets import get_preset
from crossagent.training.sft_config import (
    DECODER_LORA_TARGETS,
    lora_config,
    parse_sft_arguments,
    sft_arguments,
)


def test_presets_set_the_defaults_and_differ():
    tiny = sft_arguments("tiny", dataset_name="d")
    small = sft_arguments("small", dataset_name="d")
    assert tiny.training.preset == "tiny" and small.training.preset == "small"
    small_batch = get_preset("small").sft["per_device_train_batch_size"]
    assert (
        small.training.per_device_train_batch_size == small_batch != tiny.training.per_device_train_batch_size
    )
    assert small.script.max_eval_rows == get_preset("small").sft["max_eval_rows"]  # routed to the script args
    assert tiny.script.spaces == ("raw", "motion", "grounding", "skill", "latent")
    assert sft_arguments("tiny", dataset_name="d", dataset_config="raw").script.spaces == ("raw",)
    # Defaults changed from TRL's for a small model trained from scratch on a CPU.
    assert tiny.training.activation_checkpointing is False and tiny.training.max_length is None
    assert tiny.training.learning_rate == get_preset("tiny").sft["learning_rate"] != 2e-5


def test_trl_flags_yaml_and_preset_in_order(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(
        yaml.safe_dump({"preset": "small", "dataset_name": "d", "learning_rate": 5e-4, "seed": 3})
    )
    script, training, model = parse_sft_arguments(
        ["--config", str(path), "--seed", "7", "--num_train_epochs", "2", "--report_to", "none",
         "--logging_steps", "5", "--dataset_config", "motion", "--use_peft", "--lora_r", "4"]
    )  # fmt: skip
    assert training.preset == "small" and training.per_device_train_batch_size == 32  # the YAML's preset
    assert training.learning_rate == 5e-4 and training.seed == 7  # YAML, then the command line wins
    assert training.num_train_epochs == 2 and training.logging_steps == 5
    assert script.dataset_name == "d" and script.dataset_config == "motion"
    assert model.use_peft and model.lora_r == 4
    tiny = parse_sft_arguments(["--dataset_name", "d", "--preset", "tiny"]).training
    assert tiny.per_device_train_batch_size == get_preset("tiny").sft["per_device_train_batch_size"]


def test_lora_targets_the_decoder_unless_asked():
    _, _, model = parse_sft_arguments(["--dataset_name", "d", "--use_peft", "--lora_r", "8"])
    config = lora_config(model)
    assert config.target_modules == DECODER_LORA_TARGETS and config.r == 8
    assert str(config.task_type).endswith("CAUSAL_LM")
    _, _, chosen = parse_sft_arguments(
        ["--dataset_name", "d", "--use_peft", "--lora_target_modules", "q_proj", "v_proj"]
    )
    assert set(lora_config(chosen).target_modules) == {"q_proj", "v_proj"}
    assert lora_config(sft_arguments("tiny", dataset_name="d").model) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"preset": "huge", "dataset_name": "d"}, "preset='huge' is unknown"),
        ({"dataset_name": "d", "dataset_config": "keyboard"}, "dataset_config='keyboard' is unknown"),
        ({}, "dataset_name is empty"),
        ({"dataset_name": "d", "max_steps": 0}, "max_steps=0"),
        ({"dataset_name": "d", "history_length": -1}, "history_length=-1 must be >= 0"),
        ({"dataset_name": "d", "max_eval_rows": 0}, "max_eval_rows=0"),
        ({"dataset_name": "d", "learning_rat": 0.1}, "'learning_rat' \\(did you mean 'learning_rate'\\?\\)"),
        ({"dataset_name": "d", "report_to": "tensorboard"}, "the tensorboard package is not installed"),
        ({"dataset_name": "d", "report_to": "nonsense"}, "report_to='nonsense' is not an integration"),
    ],
)
def test_bad_arguments_name_the_field(fields, message):
    with pytest.raises(ValueError, match=message):
        sft_arguments(**fields)


def test_batch_layout():
    training = sft_arguments(
        "tiny", dataset_name="d", per_device_train_batch_size=4, global_batch_size=16
    ).training
    assert training.batch_layout(world_size=2) == (4, 2)
    assert training.batch_layout(world_size=4) == (4, 1)
    with pytest.raises(ValueError, match=r"global_batch_size=16 is not divisible .* = 12"):
        training.batch_layout(world_size=3)
    explicit = sft_arguments(
        "tiny",
        dataset_name="d",
        per_device_train_batch_size=4,
        global_batch_size=16,
        gradient_accumulation_steps=4,
    ).training
    with pytest.raises(ValueError, match=r"global_batch_size=16 != .* = 32"):
        explicit.batch_layout(world_size=2)
    assert sft_arguments("tiny", dataset_name="d", gradient_accumulation_steps=3).training.batch_layout(
        5
    ) == (8, 3)
