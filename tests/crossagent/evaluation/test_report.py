"""Report files: eval_info.json in LeRobot's shape, non-trivial PNGs, the paper's table, model-index (and its
merge into a model card)."""

import json

import numpy as np
import pytest
import yaml
from huggingface_hub import EvalResult, ModelCard, ModelCardData
from matplotlib import image

from crossagent.evaluation.report import (
    REPORT_FILES,
    build_eval_info,
    markdown_table,
    model_index,
    write_report,
)
from crossagent.evaluation.success_rate import compute_success_rate


def test_write_report_files(tmp_path, records):
    paths = write_report(
        tmp_path / "out", records, "random", eval_s=8.0, categories=["mine_block", "smelt_item"]
    )
    assert {p.name for p in paths.values()} == set(REPORT_FILES.values())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        REPORT_FILES.values()
    )  # no temp files

    info = json.loads(paths["eval_info"].read_text())
    assert {"per_episode", "per_task", "per_group", "overall"} <= set(info)
    assert len(info["per_episode"]) == 16 and info["per_episode"][0]["episode_ix"] == 0
    assert {"task_group", "sum_reward", "max_reward", "success", "seed"} <= set(info["per_episode"][0])

    stick = next(t for t in info["per_task"] if t["task_id"] == "craft_item:stick")
    assert stick["task_group"] == "craft_item" and stick["metrics"]["successes"] == [
        True,
        False,
        False,
        False,
    ]
    assert stick["pc_success"] == 25.0 and stick["n_episodes"] == 4
    assert stick["pc_success_ci95"] == pytest.approx([4.5587, 69.9358], abs=1e-3)  # Wilson 1/4

    # per_group: categories, requested first, then the present ones in the paper's order; empty -> nulls
    assert list(info["per_group"]) == ["mine_block", "smelt_item", "kill_entity", "craft_item"]
    assert info["per_group"]["mine_block"]["pc_success"] == 37.5
    assert info["per_group"]["mine_block"]["n_episodes"] == 8
    assert info["per_group"]["smelt_item"]["n_episodes"] == 0
    assert info["per_group"]["smelt_item"]["pc_success"] is None
    assert info["per_split"]["in_domain"]["pc_success"] == 87.5
    assert info["per_split"]["out_of_domain"]["pc_success"] == 12.5

    overall = info["overall"]
    assert overall["pc_success"] == 50.0 and overall["avg_sum_reward"] == 0.5 and overall["n_episodes"] == 16
    assert overall["pc_finished_tasks"] == 75.0 and overall["avg_generated_tokens"] == 30.0
    assert overall["eval_s"] == 8.0 and overall["eval_ep_s"] == 0.5
    assert info["metrics"] == json.loads(
        json.dumps(compute_success_rate(records, ["mine_block", "smelt_item"]))
    )

    for key in ("success_per_category", "id_vs_ood", "action_space_usage"):
        path = paths[key]
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = image.imread(path)
        assert pixels.shape[0] > 200 and pixels.shape[1] > 200, key
        assert float(np.std(pixels[..., :3])) > 0.05, key  # not a blank canvas
        assert len(np.unique(pixels[..., :3].reshape(-1, 3), axis=0)) > 20, key

    table = paths["table"].read_text()
    assert table.count("\n| random |") == 1
    card = yaml.safe_load(paths["model_index"].read_text())
    assert card["model-index"][0]["name"] == "random"


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_markdown_table_one_row_per_agent(records, wilson_text):
    flipped = [r.__class__(**{**r.to_dict(), "success": not r.success}) for r in records]
    table = markdown_table(
        {"random": compute_success_rate(records), "expert": compute_success_rate(flipped, ["interact_block"])}
    )
    lines = table.splitlines()
    header = cells(lines[0])
    assert header[:6] == [
        "Agent", "ID ASR [95% CI]", "OOD ASR [95% CI]", "OOD seen ASR", "OOD unseen ASR", "Finished tasks"
    ]  # fmt: skip
    assert header[6:10] == ["mine_block", "kill_entity", "craft_item", "interact_block"]  # paper order
    assert header[-3:] == ["Tokens / episode", "Model calls / episode", "Action-space usage (% of calls)"]
    rows = [line for line in lines[2:] if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows] == ["random", "expert"]
    random_row = cells(rows[0])
    # ID 7/8, OOD 1/8 (seen 0/4, unseen 1/4), finished 3/4; mine 3/8, kill 4/4, craft 1/4; interact absent
    assert random_row[1:3] == [wilson_text(7, 8), wilson_text(1, 8)]
    assert random_row[1:3] == ["87.5 [52.9, 97.8]", "12.5 [2.2, 47.1]"]  # the same, from test_success_rate
    assert random_row[3:10] == ["0.0", "25.0", "75.0", "37.5", "100.0", "25.0", "–"]
    assert random_row[10] == "30.0"
    # 68 valid + 8 invalid calls over 16 episodes = 4.75 (4.8), of which 8 / 16 = 0.5 invalid
    assert random_row[11] == "4.8 (0.5 invalid)"
    # raw 32, motion 20, grounding 8, skill 8, invalid 8 of 76 calls
    assert random_row[12] == "raw 42 / motion 26 / grounding 11 / skill 11 / invalid 11"
    expert_row = cells(rows[1])
    # flipped: 1/8 ID, 7/8 OOD (seen 4/4, unseen 3/4); finished: stone, oak, stick
    assert expert_row[1:6] == [wilson_text(1, 8), wilson_text(7, 8), "100.0", "75.0", "75.0"]
    with pytest.raises(ValueError, match="at least one agent"):
        markdown_table({})


def test_markdown_table_stage_column_and_empty_groups(records, wilson_text):
    only_ood = [r for r in records if r.split != "in_domain"]
    no_invalid = [r.__class__(**{**r.to_dict(), "invalid_actions": 0}) for r in records]
    table = markdown_table(
        {"crossagent-mtrl": compute_success_rate(only_ood), "raw": compute_success_rate(no_invalid)},
        stages={"crossagent-mtrl": "MTRL"},
    )
    lines = table.splitlines()
    assert cells(lines[0])[:3] == ["Agent", "Stage", "ID ASR [95% CI]"]
    assert lines[1].startswith("|---|---|---:|")  # agent and stage left-aligned
    mtrl, raw = (cells(line) for line in lines[2:4])
    assert mtrl[:4] == ["crossagent-mtrl", "MTRL", "–", wilson_text(1, 8)]  # no ID episode: no interval
    assert raw[1] == "–"  # a stage the caller did not give
    assert raw[-2] == "4.2"  # 68 valid calls / 16, no invalid ones to name


def test_model_index_results(records):
    results = model_index(compute_success_rate(records))
    assert all(isinstance(result, EvalResult) for result in results)
    assert {r.dataset_split for r in results} == {
        "in_domain",
        "out_of_domain",
        "ood_seen",
        "ood_unseen",
        "all",
    }
    assert {(r.task_type, r.dataset_type) for r in results} == {
        ("reinforcement-learning", "crossagent/minesim-tasks")
    }
    test = {r.metric_name: r.metric_value for r in results if r.dataset_split == "out_of_domain"}
    assert test == {"OOD average success rate (%)": 12.5, "OOD finished tasks (%)": 50.0}
    overall = {r.metric_type: r.metric_value for r in results if r.dataset_split == "all"}
    assert overall == {"success_rate": 50.0, "finished_tasks": 75.0, "tokens_per_episode": 30.0}
    # the card data writes them as a valid model-index, which reads back as the same results
    block = yaml.safe_load(ModelCardData(model_name="crossagent-tiny", eval_results=results).to_yaml())
    (entry,) = block["model-index"]
    assert entry["name"] == "crossagent-tiny" and len(entry["results"]) == 5  # one per split
    assert ModelCardData(**block).eval_results == results
    # a split without episodes gets no result (a null value is not valid model-index)
    only_train = model_index(compute_success_rate([r for r in records if r.split == "in_domain"]))
    assert {r.dataset_split for r in only_train} == {"in_domain", "all"}


def test_write_report_merges_into_a_model_card(tmp_path, records):
    card = tmp_path / "model" / "README.md"
    card.parent.mkdir()
    stale = EvalResult(
        task_type="reinforcement-learning", dataset_type="crossagent/minesim-tasks", dataset_name="MineSim",
        dataset_split="out_of_domain", metric_type="success_rate", metric_value=99.0,
    )  # fmt: skip
    other = EvalResult(
        task_type="other", dataset_type="elsewhere", dataset_name="x", metric_type="acc", metric_value=1
    )
    data = ModelCardData(model_name="me/crossagent", license="apache-2.0", eval_results=[stale, other])
    card.write_text(f"---\n{data.to_yaml()}\n---\n\n# My model\n\nKept text.\n")
    paths = write_report(tmp_path / "out", records, "model", model_card=card)
    merged = ModelCard.load(paths["model_card"])
    assert merged.text.strip() == "# My model\n\nKept text." and merged.data.license == "apache-2.0"
    assert merged.data.model_name == "me/crossagent"
    results = merged.data.eval_results
    assert other in results and stale not in results and len(results) == 1 + 11
    ood = [r for r in results if r.dataset_split == "out_of_domain" and r.metric_type == "success_rate"]
    assert [r.metric_value for r in ood] == [12.5]
    # model_index.yaml names the model as its card does
    assert yaml.safe_load(paths["model_index"].read_text())["model-index"][0]["name"] == "me/crossagent"


def test_eval_info_without_records():
    info = build_eval_info([], "nobody")
    assert info["per_episode"] == [] and info["per_task"] == [] and info["per_group"] == {}
    assert info["overall"]["pc_success"] is None and info["overall"]["eval_ep_s"] is None
    json.dumps(info, allow_nan=False)  # valid JSON: no NaN anywhere
