"""`crossagent pipeline --env crafter` on a small plan: real Crafter, the scripted policy's data, a real SFT
run, real evaluations with Crafter's score, the report."""

import dataclasses
import json

import pytest

pytest.importorskip("crafter")

from crossagent import presets
from crossagent.cli import main
from crossagent.pipeline.crafter import MODEL_NAME, REPORT_FILE

SMALL_CRAFTER = dict(score_episodes=1, score_length=150, task_episodes=1, task_ticks=60, task_split="ood_unseen",
                     data_episodes_per_task=1, sft_max_steps=2, num_envs=4, max_new_tokens=6)  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_crafter_job_end_to_end(tmp_path, monkeypatch):
    tiny = presets.PRESETS["tiny"]
    job = {**tiny.job, "sft_overrides": dict(per_device_train_batch_size=2, save_steps=1, max_eval_rows=8)}
    monkeypatch.setitem(presets.PRESETS, "tiny", dataclasses.replace(tiny, job=job, crafter=SMALL_CRAFTER))
    assert main(["pipeline", "--env", "crafter", "--preset", "tiny", "--output-dir", str(tmp_path)]) == 0
    state = json.loads((tmp_path / "pipeline.json").read_text())["stages"]
    assert list(state) == ["environment", "crafter_baselines", "crafter_data", "crafter_sft", "crafter_eval",
                           "crafter_report"]  # fmt: skip
    assert state["crafter_sft"]["summary"]["global_step"] == 2
    assert (tmp_path / "models" / MODEL_NAME / "model.safetensors").exists()
    report = json.loads((tmp_path / REPORT_FILE).read_text())
    assert set(report["agents"]) == {"random", "scripted", MODEL_NAME}
    for row in report["agents"].values():
        assert 0.0 <= row["crafter_score"] <= 100.0 and 0.0 <= row["task_success_rate"] <= 100.0
    assert report["agents"]["scripted"]["crafter_score"] > report["agents"]["random"]["crafter_score"]
