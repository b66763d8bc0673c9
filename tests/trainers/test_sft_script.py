"""trainers/sft.py speaks TRL's flags; bad input is a one-line error and exit status 2."""

import pytest


@pytest.fixture(scope="module")
def script(load_script):
    return load_script("trainers/sft.py")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--preset", "huge", "--dataset_name", "d"], "preset='huge' is unknown"),
        (["--dataset_name", "/nonexistent/data", "--output_dir", "unused"], "cannot be read"),
        (["--dataset_name", "d", "--report_to", "tensorboard"], "the tensorboard package is not installed"),
    ],
)
def test_bad_input_exits_2_with_a_message(script, capsys, argv, message):
    assert script.main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_old_spellings_are_rejected(script, capsys):
    assert script.main(["--dataset_name", "d", "--per-device-batch-size", "8"]) == 2
    assert "not used by the HfArgumentParser: ['--per-device-batch-size', '8']" in capsys.readouterr().err
