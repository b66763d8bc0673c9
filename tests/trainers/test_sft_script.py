"""trainers/sft.py: flags reach the config; bad input is a one-line error and exit status 2."""

import pytest


@pytest.fixture(scope="module")
def script(load_script):
    return load_script("trainers/sft.py")


def test_flags_map_to_config_fields(script):
    args = vars(
        script.parse_args(["--config", "small", "--dataset", "d", "--action-spaces", "raw", "--epochs", "2"])
    )
    assert args["config"] == "small" and args["action_spaces"] == "raw" and args["num_train_epochs"] == 2.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--config", "huge", "--dataset", "d"], "neither a preset"),
        (["--dataset", "/nonexistent/data"], "cannot be read"),
    ],
)
def test_bad_input_exits_2_with_a_message(script, capsys, argv, message):
    assert script.main(argv) == 2
    assert message in capsys.readouterr().err


def test_unknown_space_is_rejected_by_the_parser(script, capsys):
    with pytest.raises(SystemExit):
        script.parse_args(["--action-spaces", "keyboard"])
    assert "invalid choice: 'keyboard'" in capsys.readouterr().err
