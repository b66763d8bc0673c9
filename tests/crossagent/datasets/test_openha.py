import io
import json

import datasets
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from crossagent.datasets.openha import ConversionError, build_from_openha, convert_record
from crossagent.datasets.validate import validate_dataset

SYSTEM = "You are a Minecraft agent. Output one action.\n"


def _png(value: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((8, 8, 3), value, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def _record(index: int, answers: list[str], task="mine_block:oak_log") -> dict:
    """A record in OpenHA's format: system prompt + instruction, one image per user turn."""
    turns = [{"role": "user", "content": [{"type": "text", "text": SYSTEM + "Chop down the oak log."},
                                          {"type": "image", "text": "<image>"}]}]  # fmt: skip
    for i, answer in enumerate(answers):
        if i:
            turns.append({"role": "user", "content": [{"type": "image", "text": "<image>"}]})
        turns.append({"role": "assistant", "content": [{"type": "text", "text": answer}]})
    return {
        "id": f"rec{index}",
        "label": ["trajectory", "RT2", task, "h=0", "c=1"],
        "conversations": turns,
        "image": [{"image_path": f"frames/{index}_{i}.png"} for i in range(len(answers))],
    }


ANSWERS = [
    "Motion: turn left and up \n, Action: move(-9, -3) and press()",
    "Grounding: Mine <|object_ref_start|>oak_log<|object_ref_end|><|point_start|>(512,498)<|point_end|> \n, "
    "Action: move(0, 0) and press() and click(left)",
    "Action: move(4, -1) and press(w, space)",
    "Motion: move forward, attack / mine",
]


def test_a_record_becomes_one_row_per_action_of_each_chain(tmp_path):
    (tmp_path / "frames").mkdir()
    for i in range(len(ANSWERS)):
        (tmp_path / "frames" / f"0_{i}.png").write_bytes(_png(i * 40))
    rows = convert_record(_record(0, ANSWERS), 0, "test", tmp_path, system_prompt=SYSTEM)
    assert [(r["step"], r["action_space"]) for r in rows] == [
        (0, "motion"), (0, "raw"), (1, "grounding"), (1, "raw"), (2, "raw"), (3, "motion"),
    ]  # fmt: skip
    assert rows[0]["action"] == "<|motion|>turn left and up"
    assert rows[0]["raw_action"] == rows[1]["action"] == "<|raw|>move(-9,-3)"
    assert rows[2]["action"].startswith("<|grounding|>Mine <|object_ref_start|>oak_log")
    assert rows[3]["action"] == "<|raw|>click(left)"
    assert rows[4]["history"] == ["<|raw|>move(-9,-3)", "<|raw|>click(left)"]  # OpenHA: raw parts only
    assert rows[5]["action"] == "<|motion|>move forward, attack" and rows[5]["raw_action"] is None
    assert rows[0]["instruction"] == "Chop down the oak log."
    assert (rows[0]["task_id"], rows[0]["category"], rows[0]["task_split"]) == (
        "mine_block:oak_log",
        "mine_block",
        "in_domain",
    )
    assert rows[2]["image"]["bytes"] == _png(40)


def test_a_folder_from_parquet_records_with_image_bytes_loads_offline(tmp_path):
    records = [_record(i, ANSWERS[:3]) for i in range(3)]
    for record in records:  # the bytes variant of OpenHA's image column
        record["image_bytes"] = [_png(10 * j) for j in range(3)]
        del record["image"]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "b.parquet")
    summary = build_from_openha([tmp_path / "b.parquet"], tmp_path / "out", system_prompt=SYSTEM)
    assert summary["records"] == 3 and summary["validation"] == 1
    assert validate_dataset(tmp_path / "out")["mixed"]["train"] == 2 * 5
    motion = datasets.load_dataset(str(tmp_path / "out"), "motion", split="train")
    assert motion.num_rows == 2 and motion[0]["image"].size == (8, 8)
    # OpenHA data has no latent or skill actions: those configs are left out
    assert set(datasets.get_dataset_config_names(str(tmp_path / "out"))) == {
        "mixed",
        "raw",
        "motion",
        "grounding",
    }


def test_a_text_that_does_not_parse_names_file_record_and_turn(tmp_path):
    (tmp_path / "frames").mkdir()
    for name in ("0_0", "1_0", "1_1"):
        (tmp_path / "frames" / f"{name}.png").write_bytes(_png(0))
    records = [_record(0, ANSWERS[2:3]), _record(1, ["Action: move(4, -1)", "Action: dance(wildly)"])]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    with pytest.raises(ConversionError, match=r"bad.jsonl record 1 \(id 'rec1'\) turn 1: 'Action: dance"):
        build_from_openha([path], tmp_path / "out", image_root=tmp_path)
    assert not (tmp_path / "out").exists()
    with pytest.raises(ConversionError, match="not found; pass --image-root"):
        build_from_openha([path], tmp_path / "out")
