import json
import pathlib

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModel, AutoProcessor, TrainerCallback

from crossagent.executors.latent import CODEBOOK_FILE, LatentCodebook
from crossagent.training import sft as sft_module
from crossagent.training.sft import train_sft
from crossagent.training.synthetic_data import synthetic_codebook
from modeling_crossagent.action_parsing import ActionParseError, parse
from modeling_crossagent.action_spaces import ACTION_SPACES


def test_two_step_sft_saves_a_loadable_model(sft_config, base_model_dir):
    config = sft_config()
    summary = train_sft(config)
    out = config.training.output_dir
    assert (
        summary["global_step"] == 2 and summary["world_size"] == 1 and summary["rows_trained_per_rank"] == [4]
    )
    assert np.isfinite(summary["train_loss"])

    model = AutoModel.from_pretrained(out, trust_remote_code=True).eval()
    processor = AutoProcessor.from_pretrained(out, trust_remote_code=True)
    assert type(model).__name__ == "CrossAgentForActions"
    before, after = load_file(f"{base_model_dir}/model.safetensors"), load_file(f"{out}/model.safetensors")
    assert any(not torch.equal(before[k], after[k]) for k in before)  # it trained
    # act() answers with the parse of exactly what greedy generate wrote after the prompt
    frames = np.stack([np.zeros((64, 64, 3), np.uint8), np.full((64, 64, 3), 200, np.uint8)])
    instructions, histories = ["mine oak_log", "craft paper"], [[], ["<|skill|>mine oak_log"]]
    actions = model.act(processor, frames, instructions, histories, max_new_tokens=12)
    inputs = processor.prepare_act_inputs(frames, instructions, histories)
    with torch.no_grad():
        sequences = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    texts = processor.decode_actions(sequences[:, inputs["input_ids"].shape[1] :])
    assert len(actions) == len(texts) == 2
    for action, text in zip(actions, texts):
        try:
            assert action == parse(text), text
        except ActionParseError:
            # the folder's own copy of the processor module: compare by class name
            assert type(action).__name__ == "InvalidOutput" and action.text == text
    # constrained to one space, every answer is a valid action of that space
    skill = model.act(processor, frames, instructions, histories, spaces=["skill"], constrained=True)
    assert [a.space for a in skill] == ["skill", "skill"]  # InvalidOutput's space is "invalid"

    metrics = json.loads(pathlib.Path(out, "sft_metrics.json").read_text())
    assert set(metrics) == {*ACTION_SPACES, "all"} and metrics["all"]["rows"] == 10
    card = pathlib.Path(out, "README.md").read_text()
    assert "Teacher-forced next-action accuracy" in card and "| grounding | 2 |" in card
    assert "| optimizer steps | 2 |" in card and "tiny" in card
    run = json.loads(pathlib.Path(out, "sft_run.json").read_text())
    assert run["data"]["train_rows"] == 20 and run["training"]["global_step"] == 2
    assert not list(pathlib.Path(out).rglob("training_args.bin"))  # no pickled arguments
    # A mixed model may answer in latent: it carries the dataset's codebook (readable by the world).
    saved = pathlib.Path(out, CODEBOOK_FILE)
    assert np.array_equal(LatentCodebook.load(saved).centroids, synthetic_codebook().centroids)
    assert saved.stat().st_mode & 0o777 == 0o644 and not list(pathlib.Path(out).glob("*.tmp"))


class StopAt(TrainerCallback):
    """Stops training after `step` optimizer steps, as a killed job would (after its checkpoint)."""

    def __init__(self, step):
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == self.step:
            control.should_training_stop = True


def losses(summary):
    return {e["step"]: e["loss"] for e in summary["log_history"] if "loss" in e}


def test_resume_continues_from_the_same_step_and_data(sft_config, tmp_path):
    whole = train_sft(sft_config(output_dir=str(tmp_path / "whole"), max_steps=4, dataset_test_split=""))
    first = train_sft(
        sft_config(output_dir=str(tmp_path / "cut"), max_steps=4, dataset_test_split=""), [StopAt(2)]
    )
    assert first["global_step"] == 2
    second = train_sft(
        sft_config(
            output_dir=str(tmp_path / "cut"),
            max_steps=4,
            dataset_test_split="",
            resume_from_checkpoint="latest",
        )
    )
    assert second["resumed_from"].endswith("checkpoint-2") and second["global_step"] == 4
    # Same steps 3 and 4: same batches in the same order, same optimizer and scheduler state.
    assert losses(second)[3] == pytest.approx(losses(whole)[3], rel=1e-5)
    assert losses(second)[4] == pytest.approx(losses(whole)[4], rel=1e-5)
    assert second["rows_trained_per_rank"] == [8]  # the whole run: 2 steps before the checkpoint, 2 after
    assert second["train_loss"] == pytest.approx(whole["train_loss"], rel=1e-5)
    a, b = (
        load_file(tmp_path / "whole" / "model.safetensors"),
        load_file(tmp_path / "cut" / "model.safetensors"),
    )
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def test_single_space_baseline(sft_config, tmp_path):
    stale = tmp_path / "out" / CODEBOOK_FILE  # left by an earlier run in the same folder
    stale.parent.mkdir(parents=True)
    synthetic_codebook().save(stale)
    summary = train_sft(sft_config(dataset_config="grounding", max_steps=1, history_length=0))
    assert not stale.exists()  # a grounding-only model cannot answer in latent: no codebook
    assert set(summary["metrics"]) == {"grounding", "all"} and summary["metrics"]["all"]["rows"] == 2
    card = pathlib.Path(summary["output_dir"], "README.md").read_text()
    assert "grounding-only baseline" in card
    # history_length=0 is saved with the processor: the evaluated prompt shows no previous actions either.
    processor = AutoProcessor.from_pretrained(summary["output_dir"], trust_remote_code=True)
    prompt = processor.apply_chat_template(
        processor.build_messages("mine dirt", ["<|raw|>no_op"]), tokenize=False
    )
    assert processor.history_length == 0 and "no_op" not in prompt and "Previous actions:" in prompt
    assert "| previous actions in the prompt | 0 " in card


def test_latent_baseline_folder_carries_the_codebook_to_the_agent(sft_config):
    from crossagent.agents.model import ModelAgent

    summary = train_sft(sft_config(dataset_config="latent", max_steps=1, dataset_test_split=""))
    agent = ModelAgent.from_folder(summary["output_dir"])
    assert agent.latent_codebook.decode(1) == synthetic_codebook().decode(1)


@pytest.fixture
def no_model(monkeypatch):
    """Bad input must fail before a model is built (and so before any training)."""

    def refuse(args):
        raise AssertionError("a model was built although the input is bad")

    monkeypatch.setattr(sft_module, "build_model_and_processor", refuse)


def test_bad_batch_layout_fails_before_training(sft_config, monkeypatch, no_model):
    args = sft_config(global_batch_size=6)
    monkeypatch.setenv("WORLD_SIZE", "2")  # as torchrun would announce two processes
    with pytest.raises(ValueError, match=r"global_batch_size=6 is not divisible .* processes \(2\) = 4"):
        train_sft(args)


def test_bad_dataset_or_checkpoint_fails_before_training(sft_config, tmp_path, no_model):
    with pytest.raises(ValueError, match="split"):
        train_sft(sft_config(dataset_train_split="test"))
    with pytest.raises(ValueError, match="has no checkpoint"):
        train_sft(sft_config(output_dir=str(tmp_path / "empty"), resume_from_checkpoint="latest"))


def test_lora_run_saves_a_merged_folder_and_its_adapter(sft_config, base_model_dir):
    args = sft_config(use_peft=True, lora_r=4, lora_alpha=8, dataset_test_split="")
    summary = train_sft(args)
    out = pathlib.Path(summary["output_dir"])
    adapter = json.loads((out / "adapter" / "adapter_config.json").read_text())
    assert adapter["task_type"] == "CAUSAL_LM" and "language_model" in str(adapter["target_modules"])
    merged = load_file(out / "model.safetensors")
    before = load_file(f"{base_model_dir}/model.safetensors")
    assert not any("lora" in name for name in merged)  # merged into the base weights
    changed = {k for k in before if not torch.equal(before[k], merged[k])}
    assert changed and all("language_model" in k for k in changed)  # the vision tower is left alone
    assert type(AutoModel.from_pretrained(out, trust_remote_code=True)).__name__ == "CrossAgentForActions"


def test_a_card_failure_keeps_the_trained_model(sft_config, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template broke")

    monkeypatch.setattr(sft_module, "sft_model_card", broken)
    summary = train_sft(sft_config(dataset_test_split=""))
    out = pathlib.Path(summary["output_dir"])
    assert (out / "model.safetensors").stat().st_size > 0 and (out / "processor_config.json").exists()
    run = json.loads((out / "sft_run.json").read_text())
    assert "template broke" in run["card_error"] and run["training"]["global_step"] == 2


def test_push_to_hub_offline_fails_before_training(sft_config, no_model):
    with pytest.raises(ValueError, match="push_to_hub=True but HF_HUB_OFFLINE=1"):
        train_sft(sft_config(push_to_hub=True, hub_model_id="me/tiny"))


def test_vision_learning_rate_gives_the_vision_side_its_own_rate(sft_config):
    seen = {}

    class Rates(TrainerCallback):
        def on_step_begin(self, args, state, control, optimizer=None, model=None, **kwargs):
            names = {id(p): n for n, p in model.named_parameters()}
            for group in optimizer.param_groups:
                for p in group["params"]:
                    seen[names[id(p)]] = group["lr"]

    train_sft(sft_config(max_steps=1, vision_learning_rate=5e-3, learning_rate=1e-3), callbacks=[Rates()])
    vision = {n: lr for n, lr in seen.items() if ".vision_tower." in n or ".projector." in n}
    decoder = {n: lr for n, lr in seen.items() if n not in vision}
    assert vision and decoder and len(seen) == len(set(seen))
    # Before the first step (no warm-up) each group is at its peak rate.
    assert set(vision.values()) == {5e-3} and set(decoder.values()) == {1e-3}


def test_bad_vision_learning_rate_is_refused(sft_config):
    with pytest.raises(ValueError, match="vision_learning_rate=0"):
        sft_config(vision_learning_rate=0)
