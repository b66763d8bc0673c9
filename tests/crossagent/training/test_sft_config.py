import pytest

from crossagent.presets import get_preset
from crossagent.training.sft_config import load_sft_config, save_sft_config


def test_presets_load_and_differ():
    tiny = load_sft_config("tiny", dataset="d")
    small = load_sft_config("small", dataset="d")
    assert tiny.preset == "tiny" and small.preset == "small"
    assert (
        small.per_device_batch_size
        == get_preset("small").sft["per_device_batch_size"]
        != tiny.per_device_batch_size
    )
    assert tiny.spaces == ("raw", "motion", "grounding", "skill", "latent")
    assert load_sft_config("tiny", dataset="d", action_spaces="raw").spaces == ("raw",)


def test_yaml_round_trip_and_overrides(tmp_path):
    path = tmp_path / "run.yaml"
    save_sft_config(load_sft_config("small", dataset="d", learning_rate=5e-4), path)
    loaded = load_sft_config(path, max_steps=7)
    assert loaded.preset == "small" and loaded.learning_rate == 5e-4 and loaded.max_steps == 7


@pytest.mark.parametrize(
    ("config", "overrides", "message"),
    [
        ("huge", {"dataset": "d"}, "neither a preset"),
        ("tiny", {"dataset": "d", "preset": "huge"}, "preset='huge' is unknown"),
        ("tiny", {"dataset": "d", "action_spaces": "keyboard"}, "action_spaces='keyboard' is unknown"),
        ("tiny", {}, "dataset is empty"),
        ("tiny", {"dataset": "d", "per_device_batch_size": 0}, "per_device_batch_size=0"),
        ("tiny", {"dataset": "d", "max_steps": 0}, "max_steps=0"),
        ("tiny", {"dataset": "d", "history_length": -1}, "history_length=-1 must be >= 0"),
    ],
)
def test_bad_config_names_the_field(config, overrides, message):
    with pytest.raises(ValueError, match=message):
        load_sft_config(config, **overrides)


def test_yaml_with_unknown_field_or_preset(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("preset: tiny\ndataset: d\nlearning_rat: 0.1\n")
    with pytest.raises(ValueError, match=r"learning_rat"):
        load_sft_config(path)
    path.write_text("preset: medium\ndataset: d\n")
    with pytest.raises(ValueError, match="preset='medium' is unknown"):
        load_sft_config(path)


def test_batch_layout():
    config = load_sft_config("tiny", dataset="d", per_device_batch_size=4, global_batch_size=16)
    assert config.batch_layout(world_size=2) == (4, 2)
    assert config.batch_layout(world_size=4) == (4, 1)
    with pytest.raises(ValueError, match=r"global_batch_size=16 is not divisible .* = 12"):
        config.batch_layout(world_size=3)
    explicit = load_sft_config(
        "tiny", dataset="d", per_device_batch_size=4, global_batch_size=16, gradient_accumulation_steps=4
    )
    with pytest.raises(ValueError, match=r"global_batch_size=16 != .* = 32"):
        explicit.batch_layout(world_size=2)
    assert load_sft_config("tiny", dataset="d", gradient_accumulation_steps=3).batch_layout(5) == (8, 3)
