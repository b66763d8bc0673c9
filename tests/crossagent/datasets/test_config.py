import dataclasses

import pytest

from crossagent.datasets.config import MixedBuildConfig, preset_config
from crossagent.presets import PRESETS


def test_presets_render_at_the_model_presets_image_size():
    for name, preset in PRESETS.items():
        assert preset_config(name).image_size == preset.model.image_size


def test_preset_overrides_and_bad_values():
    assert preset_config("tiny", split_seed=3).split_seed == 3
    with pytest.raises(ValueError, match="preset='huge'"):
        preset_config("huge")
    for field, value, message in [
        ("episodes_per_task", 0, "at least 1"),
        ("validation_fraction", 1.0, r"\[0, 1\)"),
        ("image_size", 8, "16x16"),
    ]:
        with pytest.raises(ValueError, match=message):
            MixedBuildConfig(**{field: value})


def test_workers_do_not_count_as_a_data_setting():
    config = MixedBuildConfig()
    assert "workers" not in config.content_settings()
    assert dataclasses.replace(config, workers=7).content_settings() == config.content_settings()


def test_dense_raw_is_on_by_default_and_switchable_off_on_the_command_line():
    import argparse

    from crossagent.datasets.config import add_config_arguments, command_line, config_from_args

    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    assert config_from_args(parser.parse_args([])).dense_raw is True
    off = config_from_args(parser.parse_args(["--no-dense-raw"]))
    assert off.dense_raw is False
    assert "--no-dense-raw" in command_line(off) and "--no-dense-raw" not in command_line(MixedBuildConfig())
    again = command_line(off).split()[4:]  # after `python script --output-dir DIR`
    assert config_from_args(parser.parse_args([a.strip("'") for a in again])) == off
