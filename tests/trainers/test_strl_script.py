"""trainers/strl.py speaks TRL's flags; bad input is a one-line error and exit status 2, before training."""

import pytest


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory):
    """A mixed-action dataset without world states (the synthetic one)."""
    from crossagent.training.synthetic_data import write_synthetic_dataset

    return write_synthetic_dataset(
        tmp_path_factory.mktemp("d") / "m", train_episodes=1, validation_episodes=1, steps=2
    )


@pytest.fixture(scope="module")
def script(load_script):
    return load_script("trainers/strl.py")


def test_bad_input_exits_2_with_a_message(script, capsys, tmp_path, dataset_dir, base_model_dir):
    cases = [
        (["--preset", "huge", "--dataset_name", "d", "--model_name_or_path", "m"], "preset='huge' is unknown"),
        (["--dataset_name", "d", "--model_name_or_path", "m", "--camera_tolerance", "20"], "camera_tolerance=20.0"),
        (["--dataset_name", "d", "--model_name_or_path", str(tmp_path), "--output_dir", str(tmp_path / "o")],
         "no config.json, so not a saved model"),
        (["--dataset_name", str(dataset_dir), "--model_name_or_path", str(base_model_dir),
          "--output_dir", str(tmp_path / "o")], "--record-states"),
    ]  # fmt: skip
    for argv, message in cases:
        assert script.main(argv) == 2
        err = capsys.readouterr().err
        assert "strl: error:" in err and message in err, err
    assert not (tmp_path / "o").exists()


def test_help_lists_trl_and_crossagent_fields(script, capsys):
    with pytest.raises(SystemExit):
        script.main(["--help"])
    text = capsys.readouterr().out
    assert "--num_generations" in text and "--warmup_samples" in text and "--camera_tolerance" in text
