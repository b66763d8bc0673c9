"""Load a saved CrossAgent folder the way a Hub user does: the project NOT importable, remote code only.

Run as `python -I isolated_load.py <saved_dir> <out_dir>` from a clean temporary folder. Writes
`outputs.safetensors` (logits of AutoModel and AutoModelForCausalLM, greedy tokens with and without
cache) and `report.json` (classes, act() texts, proof that the project was not importable).
"""

import importlib
import json
import sys

# The shared venv installs the project editable; a Hub user has no such finder, so drop it.
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in type(f).__module__ + repr(f)]
for name in ("crossagent", "modeling_crossagent"):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        continue
    raise SystemExit(f"{name} is importable in the isolated subprocess; the test would prove nothing")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import (  # noqa: E402
    AutoConfig,
    AutoModel,
    AutoModelForCausalLM,
    AutoModelForImageTextToText,
    AutoProcessor,
)

saved, out = sys.argv[1], sys.argv[2]
config = AutoConfig.from_pretrained(saved, trust_remote_code=True)
model = AutoModel.from_pretrained(saved, trust_remote_code=True).eval()
causal = AutoModelForCausalLM.from_pretrained(saved, trust_remote_code=True).eval()
image_text = AutoModelForImageTextToText.from_pretrained(saved, trust_remote_code=True).eval()
processor = AutoProcessor.from_pretrained(saved, trust_remote_code=True)

frames = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)
instructions = ["mine oak_log", "kill zombie"]
histories = [["<|motion|>move forward", "<|raw|>move(3,-2)"], []]
inputs = processor.prepare_act_inputs(frames, instructions, histories)
with torch.no_grad():
    tensors = {
        "logits_auto_model": model(**inputs).logits,
        "logits_causal_lm": causal(**inputs).logits,
        "logits_image_text_to_text": image_text(**inputs).logits,
        "greedy_cache": model.generate(**inputs, max_new_tokens=8, do_sample=False, use_cache=True),
        "greedy_no_cache": causal.generate(**inputs, max_new_tokens=8, do_sample=False, use_cache=False),
    }
save_file({k: v.contiguous() for k, v in tensors.items()}, f"{out}/outputs.safetensors")
report = {
    "config_class": type(config).__name__,
    "model_class": type(model).__name__,
    "causal_class": type(causal).__name__,
    "image_text_class": type(image_text).__name__,
    "processor_class": type(processor).__name__,
    "model_module": type(model).__module__,
    "attn_text": model.config.text_config._attn_implementation,
    "attn_vision": model.config.vision_config._attn_implementation,
    "act": [repr(a) for a in model.act(processor, frames, instructions, histories, max_new_tokens=8)],
    "act_constrained": [
        repr(a)
        for a in model.act(processor, frames, instructions, histories, constrained=True, max_new_tokens=4)
    ],
}
with open(f"{out}/report.json", "w") as f:
    json.dump(report, f)
