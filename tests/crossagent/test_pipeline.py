import json

import pytest

from crossagent.pipeline import PipelineConfig, run_pipeline


def test_pipeline_records_stages_and_resumes(tmp_path):
    calls = []

    def stage_a(config):
        calls.append("a")
        return {"value": 1}

    def stage_b(config):
        calls.append("b")
        if len(calls) == 2:
            raise RuntimeError("killed")
        return {}

    config = PipelineConfig(output_dir=tmp_path)
    with pytest.raises(RuntimeError):
        run_pipeline(config, [("a", stage_a), ("b", stage_b)])
    state = json.loads((tmp_path / "pipeline.json").read_text())
    assert state["stages"]["a"]["done"] and "b" not in state["stages"]
    run_pipeline(config, [("a", stage_a), ("b", stage_b)])
    assert calls == ["a", "b", "b"]  # a is not run again after the crash


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(ValueError, match="preset='huge'"):
        PipelineConfig(preset="huge")
