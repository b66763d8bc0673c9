import pyarrow.parquet as pq
import pytest

from crossagent.training.sft_data import load_sft_split
from modeling_crossagent.action_spaces import ACTION_SPACES


def test_loads_a_space_config(dataset_dir):
    rows = load_sft_split(str(dataset_dir), "motion", "train", ("motion",))
    assert set(rows["action_space"]) == {"motion"}
    assert len(load_sft_split(str(dataset_dir), "mixed", "train", ACTION_SPACES, max_rows=3)) == 3


def test_missing_column_is_named(dataset_dir, tmp_path):
    broken = tmp_path / "broken"
    (broken / "mixed").mkdir(parents=True)
    table = pq.read_table(dataset_dir / "mixed" / "train-00000-of-00001.parquet").drop_columns(["history"])
    pq.write_table(table, broken / "mixed" / "train-00000-of-00001.parquet")
    (broken / "README.md").write_text(
        "---\nconfigs:\n- config_name: mixed\n  data_files:\n  - split: train\n    path: mixed/train-*.parquet\n---\n"
    )
    with pytest.raises(ValueError, match=r"missing column\(s\) \['history'\]"):
        load_sft_split(str(broken), "mixed", "train", ACTION_SPACES)


def test_wrong_config_or_labels(dataset_dir, tmp_path):
    with pytest.raises(ValueError, match="no config 'keyboard'"):
        load_sft_split(str(dataset_dir), "keyboard", "train", ("raw",))
    with pytest.raises(ValueError, match=r"row 1: action_space='motion' is not one of \['raw'\]"):
        load_sft_split(str(dataset_dir), "mixed", "train", ("raw",))
    with pytest.raises(ValueError, match="cannot be read"):
        load_sft_split(str(tmp_path / "nothing"), "mixed", "train", ACTION_SPACES)


def test_a_rebuilt_folder_is_read_again(tmp_path):
    """datasets' shared cache would serve the first build again (it keys local folders by name)."""
    from crossagent.training.synthetic_data import write_synthetic_dataset

    folder = tmp_path / "data"
    write_synthetic_dataset(folder, train_episodes=1, validation_episodes=1, steps=1)
    assert len(load_sft_split(str(folder), "raw", "train", ("raw",))) == 1
    write_synthetic_dataset(folder, train_episodes=3, validation_episodes=1, steps=1)
    assert len(load_sft_split(str(folder), "raw", "train", ("raw",))) == 3


def test_stratified_indices_take_every_space_in_turn():
    from crossagent.training.sft_data import stratified_indices

    labels = ["raw"] * 6 + ["skill"] * 2 + ["motion"] * 3
    assert stratified_indices(labels, 5) == [0, 1, 6, 7, 8]
    assert stratified_indices(labels, 11) == list(range(11))
