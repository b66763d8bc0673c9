"""Perception pretraining end to end on a small real dataset: TRL's trainer, a loadable base model with a
card and held-out scores, resumption, and SFT starting from the base."""

import json

import pytest
from transformers import AutoModel

from crossagent.training.pretrain import RUN_FILE, train_pretrain
from crossagent.training.pretrain_config import parse_pretrain_arguments, pretrain_arguments


def arguments(perception_dir, output_dir, **overrides):
    values = dict(
        dataset_name=str(perception_dir), output_dir=str(output_dir), per_device_train_batch_size=4,
        max_steps=2, save_steps=1, logging_steps=1, warmup_steps=0, max_eval_rows=3,
    )  # fmt: skip
    return pretrain_arguments("tiny", **{**values, **overrides})


def test_pretraining_saves_a_base_model_with_card_and_scores(perception_dir, tmp_path):
    out = tmp_path / "base"
    summary = train_pretrain(arguments(perception_dir, out))
    assert summary["global_step"] == 2
    model = AutoModel.from_pretrained(out, trust_remote_code=True)
    assert type(model).__name__ == "CrossAgentForActions"
    card = (out / "README.md").read_text()
    assert "perception pretraining" in card and "Held-out accuracy" in card
    run = json.loads((out / RUN_FILE).read_text())
    assert set(run["metrics"]) <= {"point", "locate", "identify", "gui", "count"} and run["metrics"]
    for entry in run["metrics"].values():
        assert 0 <= entry["accuracy"] <= 1
    # A finished folder is refused without overwrite; with resume from the latest checkpoint, training goes on.
    with pytest.raises(ValueError, match="already holds a finished model"):
        train_pretrain(arguments(perception_dir, out))
    more = train_pretrain(arguments(perception_dir, out, max_steps=3, resume_from_checkpoint="latest"))
    assert more["global_step"] == 3 and more["resumed_from"].endswith("checkpoint-2")


def test_bad_arguments_name_the_field(perception_dir, tmp_path):
    with pytest.raises(ValueError, match="dataset_configs='point,colour'"):
        arguments(perception_dir, tmp_path, dataset_configs="point,colour")
    with pytest.raises(ValueError, match="unknown pretrain argument"):
        arguments(perception_dir, tmp_path, learning_rat=1.0)
    script, training, _ = parse_pretrain_arguments(
        ["--dataset_name", str(perception_dir), "--output_dir", str(tmp_path), "--dataset_configs", "point"]
    )
    assert script.configs == ("point",) and training.per_device_train_batch_size == 16  # the tiny preset's


def test_dense_object_labels_train_and_are_recorded(perception_dir, tmp_path):
    out = tmp_path / "dense"
    summary = train_pretrain(arguments(perception_dir, out, max_steps=1, dense_object_labels=True))
    assert summary["global_step"] == 1 and summary["train_loss"] > 0
    assert json.loads((out / RUN_FILE).read_text())["config"]["dense_object_labels"] is True


def test_dense_object_labels_on_data_without_cell_objects_name_the_field(perception_dir, tmp_path):
    import shutil

    import datasets

    old = tmp_path / "old"
    shutil.copytree(perception_dir, old)
    for parquet in old.rglob("*.parquet"):
        datasets.Dataset.from_parquet(str(parquet)).remove_columns("cell_objects").to_parquet(str(parquet))
    with pytest.raises(ValueError, match="dense_object_labels=True needs the perception data's cell_objects"):
        train_pretrain(arguments(old, tmp_path / "out", dense_object_labels=True))


def test_point_attention_loss_is_the_log_attention_on_the_answer_patch():
    import math

    import torch

    from crossagent.training.perception_collator import POINTER_HEAD
    from crossagent.training.pretrain import point_attention_loss

    image_token, seq = 7, 4
    input_ids = torch.tensor([[1, 7, 7, 7, 7, 2, 3, 4], [1, 7, 7, 7, 7, 2, 3, 4]])
    attentions = torch.full((2, 2, 8, 8), 1 / 8)
    attentions[0, POINTER_HEAD, 6, 3] = 0.5  # row 0: the x query looks at patch 2 (token 3) with weight 0.5
    queries = torch.tensor([[6, 7], [-1, -1]])
    patches = torch.tensor([2, -1])  # row 1 writes no point: left out of the mean
    loss = point_attention_loss(attentions, input_ids, queries, patches, image_token, seq)
    assert math.isclose(float(loss), (math.log(2) + math.log(8)) / 2, rel_tol=1e-5)
    assert float(point_attention_loss(attentions, input_ids, queries, torch.tensor([-1, -1]), 7, 4)) == 0


def test_point_attention_trains_and_is_logged(perception_dir, tmp_path):
    out = tmp_path / "pointer"
    train_pretrain(
        arguments(perception_dir, out, max_steps=2, point_attention_weight=1.0, dataset_configs="point")
    )
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    pointer = [e["pointer_loss"] for e in state["log_history"] if "pointer_loss" in e]
    assert len(pointer) == 2 and all(0 < p < 20 for p in pointer), pointer
    with pytest.raises(ValueError, match="point_attention_weight=-1"):
        arguments(perception_dir, tmp_path, point_attention_weight=-1)


def test_a_pointer_head_trains_through_trls_sft_loss(perception_dir, tmp_path):
    """TRL's fused LM head skips heads after `lm_head`; the trainer routes it through the model's forward."""
    import torch

    from crossagent.cli import main

    init = tmp_path / "init"
    assert main(["model", "init", "--preset", "tiny", "--output", str(init), "--pointer-head"]) == 0
    before = AutoModel.from_pretrained(init, trust_remote_code=True).pointer.state_dict()
    out = tmp_path / "pointer-head"
    train_pretrain(arguments(perception_dir, out, model_name_or_path=str(init), dataset_configs="point"))
    after = AutoModel.from_pretrained(out, trust_remote_code=True).pointer.state_dict()
    for name in ("gate.weight", "offset.weight", "query.weight", "log_width"):
        assert not torch.equal(before[name], after[name]), name
    # The pointer loss then trains the pointer head's own attention (no eager attention needed).
    supervised = tmp_path / "pointer-head-supervised"
    train_pretrain(
        arguments(
            perception_dir, supervised, model_name_or_path=str(init), dataset_configs="point",
            point_attention_weight=1.0,
        )
    )  # fmt: skip
    state = json.loads((supervised / "checkpoint-2" / "trainer_state.json").read_text())
    pointer = [e["pointer_loss"] for e in state["log_history"] if "pointer_loss" in e]
    assert len(pointer) == 2 and all(0 < p < 20 for p in pointer), pointer
