"""`crossagent model init` writes a loadable model folder."""

import json

from crossagent.cli import main


def test_model_init_writes_a_hub_folder(tmp_path, capsys):
    out = tmp_path / "tiny"
    assert main(["model", "init", "--preset", "tiny", "--output", str(out)]) == 0
    assert "parameters" in capsys.readouterr().out
    assert json.loads((out / "config.json").read_text())["auto_map"]["AutoModelForCausalLM"]
    assert (out / "model.safetensors").exists() and (out / "tokenizer.json").exists()
    assert main(["model", "init", "--output", str(out)]) == 2  # never overwrites
