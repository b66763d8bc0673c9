"""`crossagent model init` writes a loadable model folder."""

import json

import pytest
from huggingface_hub import ModelCard
from transformers import AutoModel

from crossagent.cli import main


def test_model_init_writes_a_hub_folder(tmp_path, capsys):
    out = tmp_path / "tiny"
    assert main(["model", "init", "--preset", "tiny", "--output", str(out)]) == 0
    assert "parameters" in capsys.readouterr().out
    assert json.loads((out / "config.json").read_text())["auto_map"]["AutoModelForCausalLM"]
    assert (out / "model.safetensors").exists() and (out / "tokenizer.json").exists()
    assert main(["model", "init", "--output", str(out)]) == 2  # never overwrites


def test_model_init_writes_a_card(tmp_path, capsys):
    out = tmp_path / "tiny-init"
    assert (
        main(["model", "init", "--preset", "tiny", "--output", str(out), "--model-name", "me/tiny-init"]) == 0
    )
    card = ModelCard.load(out / "README.md")
    assert card.data.model_name == "me/tiny-init" and card.data.pipeline_tag == "image-text-to-text"
    assert card.data.library_name == "transformers" and "random-init" in card.data.tags
    count = sum(p.numel() for p in AutoModel.from_pretrained(out, trust_remote_code=True).parameters())
    assert "randomly initialised" in card.text and f"{count:,} parameters" in card.text
    assert "starting point of cold-start SFT" in card.text and "from_pretrained" in card.text


@pytest.mark.parametrize(
    "flag, mixture", [(["--pointer-head"], "gate"), (["--pointer-head", "grammar"], "grammar")]
)
def test_model_init_with_the_pointer_head_saves_a_model_that_loads_with_it(tmp_path, flag, mixture):
    out = tmp_path / "pointer"
    assert main(["model", "init", "--preset", "tiny", "--output", str(out), *flag]) == 0
    model = AutoModel.from_pretrained(out, trust_remote_code=True)
    assert model.config.pointer_head and model.pointer is not None
    assert model.config.pointer_mixture == mixture and (model.pointer.gate is None) == (mixture == "grammar")
    assert (out / "pointer.py").exists()
