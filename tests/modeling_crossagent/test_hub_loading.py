"""save_pretrained -> load with the Auto classes in a subprocess where the project is not importable."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

ISOLATED_LOAD = Path(__file__).with_name("isolated_load.py")
CODE_FILES = {
    "configuration_crossagent.py",
    "modeling_crossagent.py",
    "processing_crossagent.py",
    "action_spaces.py",
    "action_parsing.py",
}


@pytest.fixture(scope="module")
def saved(tiny_pair, tmp_path_factory):
    model, processor = tiny_pair
    folder = tmp_path_factory.mktemp("saved")
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def test_saved_folder_has_auto_map_code_and_safetensors_only(saved):
    config = json.loads((saved / "config.json").read_text())
    assert config["auto_map"] == {
        "AutoConfig": "configuration_crossagent.CrossAgentConfig",
        "AutoModel": "modeling_crossagent.CrossAgentForActions",
        "AutoModelForCausalLM": "modeling_crossagent.CrossAgentForActions",
        "AutoModelForImageTextToText": "modeling_crossagent.CrossAgentForActions",
        "AutoProcessor": "processing_crossagent.CrossAgentProcessor",
    }
    names = {p.name for p in saved.iterdir()}
    assert names >= CODE_FILES | {"model.safetensors", "tokenizer.json", "processor_config.json"}
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth", ".pkl", ".pickle"))]
    for code in CODE_FILES:  # flat: only sibling (relative) imports of the project
        tree = ast.parse((saved / code).read_text())
        absolute = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
        absolute |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not [m for m in absolute if m.split(".")[0] in ("crossagent", "modeling_crossagent")], code


def test_isolated_subprocess_loads_same_logits_and_tokens(tiny_pair, saved, tmp_path):
    model, processor = tiny_pair
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["HF_HOME"] = str(tmp_path / "hf_home")  # fresh dynamic-module cache
    env["OMP_NUM_THREADS"] = "1"  # as the parent (see conftest.py)
    run = subprocess.run(
        [sys.executable, "-I", str(ISOLATED_LOAD), str(saved), str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    got = load_file(tmp_path / "outputs.safetensors")
    assert (
        report["model_class"]
        == report["causal_class"]
        == report["image_text_class"]
        == "CrossAgentForActions"
    )
    assert report["processor_class"] == "CrossAgentProcessor"
    assert report["model_module"].startswith("transformers_modules.")  # the copied code, not ours
    assert report["attn_text"] == report["attn_vision"] == "sdpa"

    frames = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)
    instructions = ["mine oak_log", "kill zombie"]
    histories = [["<|motion|>move forward", "<|raw|>move(3,-2)"], []]
    inputs = processor.prepare_act_inputs(frames, instructions, histories)
    model.eval()
    with torch.no_grad():
        logits = model(**inputs).logits
        greedy = model.generate(**inputs, max_new_tokens=8, do_sample=False)
    torch.testing.assert_close(got["logits_auto_model"], logits, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got["logits_causal_lm"], logits, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got["logits_image_text_to_text"], logits, rtol=1e-5, atol=1e-5)
    assert torch.equal(got["greedy_cache"], greedy)
    assert torch.equal(got["greedy_no_cache"], greedy)
    assert report["act"] == [
        repr(a) for a in model.act(processor, frames, instructions, histories, max_new_tokens=8)
    ]
    constrained = model.act(processor, frames, instructions, histories, constrained=True, max_new_tokens=4)
    assert report["act_constrained"] == [repr(a) for a in constrained]
