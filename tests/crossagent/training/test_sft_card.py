"""The SFT model card is a huggingface_hub ModelCard: Hub ids only in its metadata, no local paths in its text,
and an evaluation of the folder merges its results into it."""

import dataclasses
import json
import pathlib
import shutil

from huggingface_hub import ModelCard, ModelCardData

from crossagent.cards import save_card
from crossagent.evaluation.runner import EvalConfig, run_evaluation
from crossagent.tasks import load_suite
from crossagent.training.sft import train_sft
from crossagent.training.sft_card import describe_source


def test_sft_card_metadata_names_hub_ids_only(sft_config, tmp_path):
    summary = train_sft(sft_config())
    card = ModelCard.load(pathlib.Path(summary["output_dir"], "README.md"))
    data = card.data
    assert (data.library_name, data.license, data.pipeline_tag) == (
        "transformers", "apache-2.0", "image-text-to-text"
    )  # fmt: skip
    assert {"crossagent", "vision-language-action", "sft", "trl"} <= set(data.tags)
    assert data.model_name == "out"
    # the base model and the dataset are local folders without a Hub id: the text names them instead
    assert data.base_model is None and data.datasets is None
    assert "| dataset | the local folder `mixed` |" in card.text
    assert "initialised from the local folder `base-model" in card.text
    assert str(tmp_path.parent) not in str(card)  # no absolute path anywhere in the card
    assert "| optimizer steps | 2 |" in card.text and "| grounding | 2 |" in card.text  # the rows stay


def test_sources_are_named_by_hub_id(base_model_dir, tmp_path):
    assert describe_source("me/minesim-mixed", "dataset") == {
        "id": "me/minesim-mixed", "label": "`me/minesim-mixed`"
    }  # fmt: skip
    folder = pathlib.Path(shutil.copytree(base_model_dir, tmp_path / "init"))
    assert describe_source(str(folder), "model")["id"] is None  # no card
    save_card(ModelCard(f"---\n{ModelCardData(model_name='init').to_yaml()}\n---\n"), folder / "README.md")
    assert describe_source(str(folder), "model")["id"] is None  # a folder name is no Hub id
    save_card(ModelCard(f"---\n{ModelCardData(model_name='me/tiny').to_yaml()}\n---\n"), folder / "README.md")
    assert describe_source(str(folder), "model") == {
        "id": "me/tiny", "label": "`me/tiny` (from the local folder `init`)"
    }  # fmt: skip


def short_tasks():
    """One in-domain and one out-of-domain task, cut to a few ticks."""
    suite = load_suite()
    chosen = [next(t for t in suite if t.split == split) for split in ("in_domain", "ood_seen")]
    return [dataclasses.replace(task, max_ticks=4) for task in chosen]


def test_an_evaluation_merges_its_results_into_the_sft_card(sft_config, tmp_path):
    folder = pathlib.Path(train_sft(sft_config(max_steps=1, dataset_test_split=""))["output_dir"])
    before = ModelCard.load(folder / "README.md")
    for run in ("first", "second"):  # two evaluations: the second replaces the first's results
        config = EvalConfig(episodes_per_task=1, num_envs=2, output_dir=tmp_path / run, progress=False)
        paths = run_evaluation(str(folder), config, tasks=short_tasks(), agent_kwargs={"max_new_tokens": 8})
    assert paths["model_card"] == folder / "README.md"
    card = ModelCard.load(folder / "README.md")
    assert card.text == before.text and card.data.base_model == before.data.base_model
    results = {(r.dataset_split, r.metric_type): r.metric_value for r in card.data.eval_results}
    assert len(results) == len(card.data.eval_results) == 9  # ID, OOD (the paper's), OOD seen: 2 each; all: 3
    info = json.loads(paths["eval_info"].read_text())
    assert results[("all", "success_rate")] == info["overall"]["pc_success"]
    assert results[("in_domain", "success_rate")] == info["per_split"]["in_domain"]["pc_success"]
    assert (
        results[("out_of_domain", "finished_tasks")]
        == info["per_split"]["out_of_domain"]["pc_finished_tasks"]
    )
    assert results[("all", "tokens_per_episode")] == round(info["overall"]["avg_generated_tokens"], 2)
    assert (
        card.data.model_name == "out" and not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))
    )


def test_a_folder_without_a_card_gets_none(base_model_dir, tmp_path):
    folder = pathlib.Path(shutil.copytree(base_model_dir, tmp_path / "model"))
    config = EvalConfig(episodes_per_task=1, num_envs=2, output_dir=tmp_path / "eval", progress=False)
    paths = run_evaluation(str(folder), config, tasks=short_tasks()[:1], agent_kwargs={"max_new_tokens": 8})
    assert not (folder / "README.md").exists() and "model_card" not in paths
    assert paths["model_index"].is_file()
