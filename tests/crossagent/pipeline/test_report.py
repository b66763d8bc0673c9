"""The main job's report from evaluations written by the real evaluation report code: the paper's table
(intervals, stages, calls per episode, the caller's order, missing agents left out), the switching figure,
the MTRL curves when a model has a log, and the stage times against a target."""

import json

import numpy as np
import pytest
from matplotlib import colors, image

from crossagent.evaluation.plots import SPACE_COLORS
from crossagent.evaluation.report import build_eval_info
from crossagent.pipeline.report import write_pipeline_report
from crossagent.rollout.results import EpisodeResult


def episodes(agent_seed: int, id_successes: int, ood_successes: int, calls: dict, invalid: int) -> list:
    """10 in-domain episodes (mine_block) and 20 out-of-domain ones (craft_item, seen and unseen), the
    first `*_successes` of each group successful; every episode makes `calls` and `invalid` calls."""
    rows = []
    for group, split, category, count, successes in (
        ("id", "in_domain", "mine_block", 10, id_successes),
        ("seen", "ood_seen", "craft_item", 10, min(ood_successes, 10)),
        ("unseen", "ood_unseen", "craft_item", 10, max(ood_successes - 10, 0)),
    ):
        for index in range(count):
            rows.append(
                EpisodeResult(
                    task_id=f"{category}:{group}{index}", category=category, split=split, episode=0,
                    seed=agent_seed + index, success=index < successes, steps=50, generated_tokens=12,
                    calls_per_space=dict(calls), invalid_actions=invalid,
                )
            )  # fmt: skip
    return rows


@pytest.fixture
def job(tmp_path):
    """An output folder as the eval stage leaves it: two agents evaluated, stage times in pipeline.json."""
    evaluated = {
        # 3/10 ID, 4/20 OOD; 2 skill + 1 latent + 1 invalid call = 4 calls per episode
        "crossagent-mtrl": episodes(0, 3, 4, {"skill": 2, "latent": 1}, 1),
        # 10/10 ID, 19/20 OOD; 3 raw + 2 grounding calls, none invalid
        "expert": episodes(100, 10, 19, {"raw": 3, "grounding": 2}, 0),
    }
    for agent, rows in evaluated.items():
        folder = tmp_path / "eval" / agent
        folder.mkdir(parents=True)
        (folder / "eval_info.json").write_text(json.dumps(build_eval_info(rows, agent)))
    state = {
        "config": {"preset": "tiny"},
        "stages": {"sft": {"done": True, "seconds": 1800.0}, "eval": {"done": True, "seconds": 1200.0}},
    }
    (tmp_path / "pipeline.json").write_text(json.dumps(state))
    return tmp_path


def table_rows(report: str) -> dict[str, list[str]]:
    lines = report[report.index("| Agent |") :].split("\n\n")[0].splitlines()
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return {row[0]: dict(zip(rows[0], row)) for row in rows[2:]}


def has_colour(path, hex_colour: str) -> bool:
    pixels = image.imread(path)[..., :3]
    return bool((np.abs(pixels - np.array(colors.to_rgb(hex_colour))).max(axis=-1) < 0.02).any())


def test_report_table_in_the_callers_order_with_intervals_and_stages(job, wilson_text):
    agents = ["crossagent", "crossagent-mtrl", "raw-rl", "expert", "random"]  # three never evaluated
    summary = write_pipeline_report(
        job, agents, sft_models=["crossagent"], stages={"crossagent-mtrl": "MTRL", "expert": "baseline"}
    )
    report = (job / "report.md").read_text()
    rows = table_rows(report)
    assert list(rows) == ["crossagent-mtrl", "expert"]  # the caller's order, missing agents left out
    assert summary["skipped"] == ["crossagent", "raw-rl", "random"]
    assert "Not evaluated (left out): crossagent, raw-rl, random." in report

    mtrl, expert = rows["crossagent-mtrl"], rows["expert"]
    assert mtrl["Stage"] == "MTRL" and expert["Stage"] == "baseline"
    assert mtrl["ID ASR [95% CI]"] == wilson_text(3, 10) == "30.0 [10.8, 60.3]"
    assert mtrl["OOD ASR [95% CI]"] == wilson_text(4, 20) == "20.0 [8.1, 41.6]"
    assert (mtrl["OOD seen ASR"], mtrl["OOD unseen ASR"]) == ("40.0", "0.0")
    assert expert["ID ASR [95% CI]"] == wilson_text(10, 10)  # 100.0 [72.2, 100.0]
    assert expert["OOD ASR [95% CI]"] == wilson_text(19, 20)
    assert (expert["OOD seen ASR"], expert["OOD unseen ASR"]) == ("100.0", "90.0")
    assert (mtrl["mine_block"], mtrl["craft_item"], mtrl["smelt_item"]) == ("30.0", "20.0", "–")
    assert mtrl["Tokens / episode"] == "12.0"
    # 3 valid + 1 invalid = 4 calls per episode; shares of all calls: skill 2/4, latent 1/4, invalid 1/4
    assert mtrl["Model calls / episode"] == "4.0 (1.0 invalid)"
    assert mtrl["Action-space usage (% of calls)"] == "skill 50 / latent 25 / invalid 25"
    assert expert["Model calls / episode"] == "5.0"
    assert expert["Action-space usage (% of calls)"] == "raw 60 / grounding 40"
    assert summary["agents"]["crossagent-mtrl"]["calls_per_episode"] == 4.0
    assert summary["agents"]["crossagent-mtrl"]["stage"] == "MTRL"
    assert summary["agents"]["expert"]["ood_ci"] == wilson_text(19, 20)

    # stage times: 30 + 20 min, no target given -> no verdict
    assert "| **total (stages above)** | **50.0 min** |" in report and "Total 50.0 min:" not in report
    # no MTRL log anywhere: no curves section, no figure
    assert "Multi-turn RL" not in report and not (job / "report" / "mtrl_curves.png").exists()


def test_report_figures_and_target(job):
    log = [
        {"step": step, "success_rate": 0.1 * step, "reward": 0.1 * step, "tokens_per_episode": 100 - 10 * step,
         "calls_per_episode": 10 - step, "space_share": {"raw": 1 - 0.2 * step, "skill": 0.2 * step},
         "zero_spread_groups": 0.5}
        for step in range(5)
    ]  # fmt: skip
    (job / "models" / "crossagent-mtrl").mkdir(parents=True)
    (job / "models" / "crossagent-mtrl" / "mtrl_log.json").write_text(json.dumps(log))
    summary = write_pipeline_report(job, ["crossagent-mtrl", "expert"], sft_models=[], target_minutes=45)
    report = (job / "report.md").read_text()
    assert "| Stage |" not in report.split("## Action-space usage")[0]  # no stage labels given: no column
    assert "Total 50.0 min: over the target of 45 min by 5.0 min." in report

    figures = job / "report"
    for name in ("asr.png", "space_usage.png", "mtrl_curves.png"):
        assert f"](report/{name})" in report
        pixels = image.imread(figures / name)
        assert pixels.shape[0] > 200 and pixels.shape[1] > 300, name
        assert float(np.std(pixels[..., :3])) > 0.05, name
    # the switching figure draws what the agents used: skill, latent and invalid (crossagent-mtrl), raw and
    # grounding (expert)
    for space in ("skill", "latent", "invalid", "raw", "grounding"):
        assert has_colour(figures / "space_usage.png", SPACE_COLORS[space]), space
    assert summary["mtrl_logs"] == ["crossagent-mtrl"]
    assert "| crossagent-mtrl | 5 (steps 0–4) | 20.0 | 5.0 → 35.0 (2 steps) | 95.0 → 65.0 | 50.0 |" in report

    # within the target
    write_pipeline_report(job, ["expert"], sft_models=[], target_minutes=60)
    assert (
        "Total 50.0 min: within the target of 60 min (10.0 min to spare)." in (job / "report.md").read_text()
    )


def test_report_without_any_evaluation_says_so(job):
    with pytest.raises(ValueError, match=r"none of the agents \['raw-rl'\] has an evaluation.*eval stage"):
        write_pipeline_report(job, ["raw-rl"], sft_models=[])
