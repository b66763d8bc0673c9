import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crossagent.datasets.build import check_rows
from crossagent.datasets.schema import LabelError
from crossagent.datasets.validate import DatasetError, load_mixed, validate_dataset


@pytest.fixture
def copy(built, tmp_path):
    folder, _ = built
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def _shard(folder, space="raw", split="train"):
    return next((folder / "data" / space).glob(f"{split}-*.parquet"))


def _rewrite(path, column, index, value):
    table = pq.read_table(path)
    values = table.column(column).to_pylist()
    values[index] = value
    table = table.set_column(table.schema.get_field_index(column), column, pa.array(values, pa.string()))
    pq.write_table(table, path)


def test_a_good_folder_validates_and_loads(built):
    folder, summary = built
    counts = validate_dataset(folder)
    assert counts["mixed"] == {k: v for k, v in summary["rows"]["mixed"].items() if k != "total"}
    assert load_mixed(folder, "skill", split="validation").num_rows == summary["rows"]["skill"]["validation"]


def test_truncated_shard_names_the_file(copy):
    shard = _shard(copy, "raw-dense")  # the dense raw config's own shards
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    with pytest.raises(DatasetError, match=rf"{shard.name}: corrupt or truncated parquet shard"):
        load_mixed(copy, "raw")


def test_unknown_action_space_names_file_and_row(copy):
    shard = _shard(copy, "motion")
    _rewrite(shard, "action_space", 3, "telepathy")
    with pytest.raises(DatasetError, match=rf"{shard.name} row 3 .*action_space 'telepathy' is unknown"):
        validate_dataset(copy)


def test_a_mixed_shard_is_checked_against_the_space_of_its_folder(copy):
    # with the dense raw config, data/raw/ is listed by `mixed` only: its rows must still all be raw
    shard = _shard(copy, "raw")
    _rewrite(shard, "action_space", 2, "skill")
    with pytest.raises(DatasetError, match=rf"{shard.name} row 2 .*action_space 'skill' in config 'raw'"):
        validate_dataset(copy, ["mixed"])


def test_unparseable_action_names_file_and_row(copy):
    shard = _shard(copy, "grounding")
    _rewrite(shard, "action", 1, "<|grounding|>Mine <|object_ref_start|>oak_log")
    with pytest.raises(DatasetError, match=rf"{shard.name} row 1 .*does not parse"):
        load_mixed(copy)


def test_a_shard_changed_after_the_build_is_caught_by_its_fingerprint(copy):
    shard = _shard(copy, "skill")
    table = pq.read_table(shard)
    pq.write_table(table.slice(1), shard)  # still valid rows, but not the built bytes
    with pytest.raises(DatasetError, match="fingerprint"):
        validate_dataset(copy, ["skill"])


def test_incomplete_folder_and_missing_config(copy):
    with pytest.raises(DatasetError, match="no config 'relabelled'"):
        validate_dataset(copy, ["relabelled"])
    _shard(copy, "latent").unlink()
    with pytest.raises(DatasetError, match="missing"):
        validate_dataset(copy, ["latent"])
    (copy / "README.md").unlink()
    with pytest.raises(DatasetError, match="not a complete dataset folder"):
        validate_dataset(copy)


def test_the_build_refuses_rows_with_bad_labels():
    row = {"id": "x/0/raw", "action_space": "raw", "action": "<|raw|>press(w", "raw_action": None}
    with pytest.raises(LabelError, match=r"row 'x/0/raw' \(raw/train\).*does not parse"):
        check_rows({"raw": {"train": [row]}}, 64, "build")
    row = {**row, "action_space": "psychic", "action": "<|raw|>no_op"}
    with pytest.raises(LabelError, match="unknown"):
        check_rows({"raw": {"train": [row]}}, 64, "build")
