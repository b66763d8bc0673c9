"""The one preset table: every part of every preset builds the checked config of the layer that reads it."""

import pytest

from crossagent.datasets.config import preset_config
from crossagent.models.presets import build_config
from crossagent.models.tokenizer import build_tokenizer
from crossagent.pipeline import PipelineConfig
from crossagent.presets import PRESETS, get_preset
from crossagent.training.sft_config import sft_arguments
from crossagent.training.strl_config import strl_arguments


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_part_of_a_preset_builds_its_config(name):
    preset = get_preset(name)
    assert preset.name == name
    config = build_config(preset.model, build_tokenizer())
    data = preset_config(name)
    assert data.image_size == preset.model.image_size == config.vision_config.image_size
    script, training, _ = sft_arguments(name, dataset_name="d")
    assert all(getattr(training, f, getattr(script, f, None)) == value for f, value in preset.sft.items())
    plan = PipelineConfig(preset=name).plan
    assert "crossagent" in plan.sft_models
    for model_name, spaces in plan.sft_models.items():
        fields = {**plan.sft_overrides, **plan.sft_model_overrides.get(model_name, {})}
        sft_arguments(
            name, dataset_name="d", dataset_config=spaces, **fields
        )  # every job field is an SFT field
    script, training = strl_arguments(name, dataset_name="d", model_name_or_path="m")
    assert all(getattr(training, f, getattr(script, f, None)) == value for f, value in preset.strl.items())
    assert training.generation_batch_size % training.num_generations == 0  # whole groups per step
    if plan.strl_from is not None:
        strl_arguments(name, dataset_name="d", model_name_or_path="m", **plan.strl_overrides)
        sft_arguments(name, dataset_name="d", **{**plan.sft_overrides, **plan.relabel_sft_overrides})


def test_an_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match="preset='huge' is unknown; choose one of tiny, small"):
        get_preset("huge")
