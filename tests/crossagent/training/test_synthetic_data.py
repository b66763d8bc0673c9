from datasets import get_dataset_config_names, load_dataset

from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ACTION_SPACES, format_action


def test_layout_schema_and_labels(dataset_dir):
    assert set(get_dataset_config_names(str(dataset_dir))) == {"mixed", *ACTION_SPACES}
    mixed = load_dataset(str(dataset_dir), "mixed")
    assert set(mixed) == {"train", "validation"} and len(mixed["train"]) == 20
    row = mixed["train"][0]
    assert {"id", "task_id", "category", "task_split", "instruction", "image", "history", "action_space",
            "action", "raw_action", "episode", "step"} <= set(row)  # fmt: skip
    for space in ACTION_SPACES:
        part = load_dataset(str(dataset_dir), space, split="train")
        assert set(part["action_space"]) == {space} and len(part) == 4
        for text in part["action"]:
            assert format_action(parse(text)) == text  # canonical action texts
    second_step = next(r for r in mixed["train"] if r["step"] == 1 and r["action_space"] == "skill")
    assert second_step["history"] == [second_step["action"]]  # the skill repeats; history is the same space
