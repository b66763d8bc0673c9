"""The Crafter SFT data: the scripted policy's successful episodes in the mixed-action schema, loadable offline."""

import datasets
import pytest

pytest.importorskip("crafter")

from crossagent.datasets.crafter import CrafterDataConfig, build_crafter_data
from crossagent.datasets.schema import COLUMNS
from crossagent.tasks.crafter import CRAFTER_SPLITS
from modeling_crossagent.action_parsing import parse


def test_build_and_load(tmp_path):
    folder = build_crafter_data(
        CrafterDataConfig(output_dir=tmp_path / "crafter", splits=("ood_seen",), episodes_per_task=1,
                          task_ticks=300, validation_fraction=0.0, num_envs=6)
    )  # fmt: skip
    mixed = datasets.load_dataset(str(folder), "mixed", split="train")
    assert set(COLUMNS) <= set(mixed.column_names) and len(mixed) > 0
    texts = mixed.select_columns(["task_id", "task_split", "action_space", "action", "raw_action"]).to_dict()
    assert set(texts["task_split"]) == {"ood_seen"}
    assert {t.split(":")[1] for t in texts["task_id"]} <= set(CRAFTER_SPLITS["ood_seen"])
    assert set(texts["action_space"]) <= {"raw", "grounding"}
    for space, action, raw in zip(texts["action_space"], texts["action"], texts["raw_action"]):
        assert parse(action).space == space
        assert parse(raw).space == "raw"
    assert mixed[0]["image"].size == (64, 64)


def test_unseen_achievements_stay_out_of_the_data(tmp_path):
    with pytest.raises(ValueError, match="ood_unseen"):
        build_crafter_data(CrafterDataConfig(output_dir=tmp_path / "x", splits=("in_domain", "ood_unseen")))
