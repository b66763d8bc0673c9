"""The main job's model stages end to end on a small plan: a real mixed dataset from the expert, two real
SFT runs (in spawned processes), real evaluations, the report; then a resumed run that redoes nothing."""

import dataclasses
import json
import shutil

import pytest

from crossagent import presets
from crossagent.pipeline import PipelineConfig, run_pipeline
from crossagent.pipeline.data import stage_mixed
from crossagent.pipeline.evaluation import stage_eval
from crossagent.pipeline.report import stage_report
from crossagent.pipeline.training import stage_sft

SMALL_PLAN = dict(
    sft_models={"crossagent": "mixed", "raw": "raw"},
    sft_overrides=dict(max_steps=2, per_device_train_batch_size=2, save_steps=1, max_eval_rows=8),
    sft_parallel=2,
    eval_baselines=("expert",),
    eval_tasks=("mine_block:dirt", "craft_item:crafting_table"),
    eval_episodes_per_task=1,
    eval_num_envs=2,
    eval_workers=1,
    eval_max_new_tokens=6,  # two optimizer steps teach no action: keep their babble short
)


@pytest.fixture
def small_job(tmp_path, monkeypatch):
    tiny = presets.PRESETS["tiny"]
    data = {**tiny.data, "tasks": "mine_block:dirt", "episodes_per_task": 3, "workers": 1}
    monkeypatch.setitem(presets.PRESETS, "tiny", dataclasses.replace(tiny, data=data, job=SMALL_PLAN))
    return PipelineConfig(output_dir=tmp_path)


def test_sft_eval_report_stages_write_models_results_and_report(small_job):
    stages = [
        ("mixed", stage_mixed),
        ("sft", stage_sft),
        ("eval", stage_eval),
        ("report", stage_report),
    ]
    state = run_pipeline(small_job, stages)
    out = small_job.output_dir
    sft = state["stages"]["sft"]["summary"]
    assert set(sft) == {"crossagent", "raw"}
    assert all(run["global_step"] == 2 for run in sft.values())
    assert set(sft["crossagent"]["validation"]) >= {"raw", "skill", "all"}
    for name in ("crossagent", "raw"):
        assert (out / "models" / name / "model.safetensors").exists()
    evaluation = state["stages"]["eval"]["summary"]
    assert set(evaluation) == {"crossagent", "raw", "expert"}
    assert all(run["episodes"] == 2 for run in evaluation.values())
    assert evaluation["expert"]["asr"] == 1.0  # the scripted expert solves both tasks
    report = (out / "report.md").read_text()
    for agent in ("crossagent", "raw", "expert"):
        assert f"| {agent} |" in report
    assert "| crossagent | skill |" in report and "| sft |" in report
    assert (out / "report" / "asr.png").stat().st_size > 0

    # Killed after the evaluations: the rerun writes the report again and trains/evaluates nothing.
    state["stages"].pop("report")
    (out / "pipeline.json").write_text(json.dumps(state, default=str))
    mtime = (out / "models" / "raw" / "model.safetensors").stat().st_mtime
    again = run_pipeline(small_job, stages)
    assert again["stages"]["report"]["done"]
    assert (out / "models" / "raw" / "model.safetensors").stat().st_mtime == mtime


def test_sft_stage_resumes_a_model_and_keeps_a_finished_one(small_job):
    stage_mixed(small_job)
    first = stage_sft(small_job)
    raw = small_job.output_dir / "models" / "raw"
    run_file = raw / "sft_run.json"
    run_file.unlink()  # as if killed after its first checkpoint: step 2 and the end never happened
    shutil.rmtree(raw / "checkpoint-2")
    assert (raw / "checkpoint-1").is_dir()
    again = stage_sft(small_job)
    assert again["crossagent"] == first["crossagent"]  # finished: read back, not retrained
    assert again["raw"]["global_step"] == 2 and run_file.exists()
    assert again["raw"]["resumed_from"].endswith("checkpoint-1")


@pytest.mark.slow
def test_strl_stage_trains_from_the_plans_sft_model_and_keeps_a_finished_run(small_job, monkeypatch):
    from crossagent.pipeline.rl import stage_relabel, stage_strl

    tiny = presets.PRESETS["tiny"]
    plan = {
        **SMALL_PLAN,
        "strl_from": "crossagent",
        "strl_overrides": dict(max_steps=1, save_steps=1, warmup_samples=0, per_device_train_batch_size=4,
                               num_generations=4, max_eval_rows=2, max_completion_length=6),
    }  # fmt: skip
    monkeypatch.setitem(presets.PRESETS, "tiny", dataclasses.replace(tiny, job=plan))
    stage_mixed(small_job)
    from datasets import load_dataset

    assert load_dataset(str(small_job.output_dir / "data" / "mixed"), "mixed", split="train")[0]["state"]
    stage_sft(small_job)
    first = stage_strl(small_job)
    strl = small_job.output_dir / "models" / "strl"
    assert first["global_step"] == 1 and (strl / "strl_run.json").is_file()
    mtime = (strl / "model.safetensors").stat().st_mtime
    again = stage_strl(small_job)
    assert again["global_step"] == 1 and (strl / "model.safetensors").stat().st_mtime == mtime
    # Two SFT steps and one GRPO step teach nothing: relabelling finds no equivalent answer and says so.
    with pytest.raises(ValueError, match="nothing to relabel"):
        stage_relabel(small_job)


def test_the_plan_orders_each_rl_model_after_its_start_and_refuses_unknown_starts():
    from crossagent.pipeline.evaluation import trained_models
    from crossagent.pipeline.plan import JobPlan

    plan = JobPlan(
        sft_models={"crossagent": "mixed", "raw": "raw"}, strl_from="crossagent",
        mtrl_models={"crossagent-mtrl": "crossagent-cs2", "raw-rl": "raw"},
    )  # fmt: skip
    assert trained_models(plan) == {
        "crossagent": "SFT", "strl": "STRL", "crossagent-cs2": "relabel SFT", "crossagent-mtrl": "MTRL",
        "raw": "SFT", "raw-rl": "MTRL",
    }  # fmt: skip
    with pytest.raises(ValueError, match="starts from 'motion', which the job does not train"):
        JobPlan(sft_models={"raw": "raw"}, mtrl_models={"motion-rl": "motion"})
    with pytest.raises(ValueError, match="has the name of a model the job already trains"):
        JobPlan(sft_models={"raw": "raw"}, mtrl_models={"raw": "raw"})


@pytest.mark.slow  # ~1.5 min: SFT of two models, then one MTRL step of each in its own process
def test_mtrl_stage_trains_each_model_in_its_start_models_spaces_and_keeps_a_finished_run(
    small_job, monkeypatch
):
    from crossagent.pipeline.rl import stage_mtrl

    tiny = presets.PRESETS["tiny"]
    plan = {
        **SMALL_PLAN,
        "mtrl_models": {"crossagent-mtrl": "crossagent", "raw-rl": "raw"},
        "mtrl_parallel": 2,
        "mtrl_overrides": dict(tasks="mine_block:dirt", worlds_per_task=1, max_steps=1, num_generations=2,
                               per_device_train_batch_size=2, max_completion_length=3),
    }  # fmt: skip
    monkeypatch.setitem(presets.PRESETS, "tiny", dataclasses.replace(tiny, job=plan))
    stage_mixed(small_job)
    stage_sft(small_job)
    first = stage_mtrl(small_job)
    assert first["raw-rl"]["action_spaces"] == ["raw"] and first["crossagent-mtrl"]["global_step"] == 1
    assert (
        "action_spaces: raw\n"
        in (small_job.output_dir / "models" / "raw-rl" / "mtrl_config.yaml").read_text()
    )
    again = stage_mtrl(small_job)
    assert "seconds" in first["raw-rl"] and "seconds" not in again["raw-rl"]  # kept, not retrained


def test_the_ablation_counts_the_steps_each_run_needs_to_reach_the_weakest_runs_final_success():
    from crossagent.pipeline.rl import steps_to_reach

    curves = {"from-cs2": [0.1, 0.2, 0.4, 0.5, 0.6], "from-sft": [0.0, 0.1, 0.1, 0.2, 0.3]}
    result = steps_to_reach(curves, window=1)
    assert result == {"target_success": 0.3, "steps": {"from-cs2": 3, "from-sft": 5}}
    smoothed = steps_to_reach({"a": [0.0, 1.0, 0.0, 1.0], "b": [0.5, 0.5, 0.5, 0.5]}, window=2)
    assert smoothed["target_success"] == 0.5 and smoothed["steps"] == {"a": 2, "b": 1}
    assert steps_to_reach({}) == {}
