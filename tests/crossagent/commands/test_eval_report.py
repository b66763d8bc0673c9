"""`crossagent eval-report` turns results files into reports and a one-row-per-agent table."""

import json

import pytest

from crossagent import cli
from crossagent.evaluation.results import ResultsStore
from crossagent.rollout.results import EpisodeResult

TASKS = {"mine_block:oak_log": ("mine_block", "in_domain"), "craft_item:stick": ("craft_item", "ood_seen")}


def write_results(path, agent, success_of):
    with ResultsStore(path, list(TASKS), agent, 2) as store:
        for task_id, episode in store.pending():
            category, split = TASKS[task_id]
            success = success_of(task_id, episode)
            store.append(
                EpisodeResult(task_id, category, split, episode, seed=episode, success=success,
                              steps=10 if success else 100, generated_tokens=5, calls_per_space={"raw": 3})
            )  # fmt: skip


def test_eval_report_two_agents(tmp_path, capsys, wilson_text):
    write_results(tmp_path / "expert.jsonl", "expert", lambda task, episode: True)
    write_results(
        tmp_path / "random.jsonl", "random", lambda task, episode: task.startswith("mine") and episode == 0
    )
    with open(tmp_path / "random.jsonl", "a") as handle:
        handle.write('{"task_id": "cr')  # an interrupted writer's partial line is ignored
    out = tmp_path / "report"
    assert cli.main(["eval-report", str(tmp_path / "expert.jsonl"), str(tmp_path / "random.jsonl"), "--output-dir", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "ignoring a partial last line" in printed
    rows = [line for line in (out / "comparison.md").read_text().splitlines() if line.startswith("| ")][1:]
    assert [row.split("|")[1].strip() for row in rows] == ["expert", "random"]
    assert rows[1].split("|")[2].strip() == wilson_text(1, 2)  # random: ID 1 of 2, 50.0 [9.5, 90.5]
    info = json.loads((out / "random" / "eval_info.json").read_text())
    assert info["overall"]["n_episodes"] == 4 and info["overall"]["pc_success"] == 25.0
    assert (out / "expert" / "success_per_category.png").stat().st_size > 5000


def test_eval_report_bad_file(tmp_path):
    with pytest.raises(SystemExit, match="does not exist"):
        cli.main(["eval-report", str(tmp_path / "missing.jsonl"), "--output-dir", str(tmp_path)])
    (tmp_path / "other.jsonl").write_text('{"a": 1}\n')
    with pytest.raises(SystemExit, match="not a CrossAgent results file"):
        cli.main(["eval-report", str(tmp_path / "other.jsonl"), "--output-dir", str(tmp_path)])
