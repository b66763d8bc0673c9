"""The multi-turn RL learning-curve plot and the checks on its log (a synthetic log: a plotting test)."""

import json

import numpy as np
import pytest
from matplotlib import colors, image

from crossagent.evaluation.mtrl_curves import check_mtrl_log, plot_mtrl_curves, read_mtrl_log
from crossagent.evaluation.plots import SPACE_COLORS


def synthetic_log(steps: int, final_space: str) -> list[dict]:
    """A run that moves from raw calls to `final_space` while its success rises and its tokens fall."""
    log = []
    for step in range(steps):
        moved = step / (steps - 1)
        shares = {"raw": 0.9 * (1 - moved), "invalid": 0.1}
        shares[final_space] = shares.get(final_space, 0.0) + 0.9 * moved
        log.append(
            {
                "step": step,
                "success_rate": 0.1 + 0.5 * moved,
                "reward": 0.08 + 0.4 * moved,
                "tokens_per_episode": 400 - 300 * moved,
                "calls_per_episode": 40 - 30 * moved,
                "space_share": shares,
                "zero_spread_groups": 0.5 - 0.3 * moved,
            }
        )
    return log


def has_colour(pixels: np.ndarray, hex_colour: str, tolerance: float = 0.02) -> bool:
    target = np.array(colors.to_rgb(hex_colour))
    return bool((np.abs(pixels[..., :3] - target).max(axis=-1) < tolerance).any())


def test_plot_mtrl_curves_draws_every_model_and_space(tmp_path):
    logs = {"crossagent-mtrl": synthetic_log(12, "skill"), "raw-rl": synthetic_log(8, "raw")}
    logs["crossagent-mtrl"].reverse()  # any order: the plot sorts by step
    path = plot_mtrl_curves(logs, tmp_path / "report" / "mtrl_curves.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["mtrl_curves.png"]  # no temp file left
    pixels = image.imread(path)
    assert pixels.shape[0] > 400 and pixels.shape[1] > 600
    assert float(np.std(pixels[..., :3])) > 0.05  # not a blank canvas
    # the stacked areas: raw, skill and invalid are drawn; latent, in no log, is not
    for space in ("raw", "skill", "invalid"):
        assert has_colour(pixels, SPACE_COLORS[space]), space
    assert not has_colour(pixels, SPACE_COLORS["latent"])


def test_one_model_log_round_trips_through_the_file(tmp_path):
    log = synthetic_log(5, "latent")
    (tmp_path / "mtrl_log.json").write_text(json.dumps(log[::-1]))
    assert read_mtrl_log(tmp_path / "mtrl_log.json") == log  # sorted by step
    pixels = image.imread(plot_mtrl_curves({"crossagent-mtrl": log}, tmp_path / "curves.png"))
    assert has_colour(pixels, SPACE_COLORS["latent"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("success_rate"), r"entry 1: field 'success_rate' is missing"),
        (
            lambda e: e.update(success_rate=40.0),
            r"entry 1: field 'success_rate' must be a number in \[0, 1\]",
        ),
        (lambda e: e.update(step=0), r"entry 1: field 'step' repeats step 0"),
        (lambda e: e.update(step="1"), r"entry 1: field 'step' must be a non-negative integer"),
        (lambda e: e.update(tokens_per_episode=-1), r"field 'tokens_per_episode' must be a non-negative"),
        (lambda e: e.update(space_share={"keyboard": 1.0}), r"field 'space_share' must map keys of"),
        (lambda e: e.update(space_share={"raw": 1.5}), r"field 'space_share.raw' must be a number"),
        (lambda e: e.update(zero_spread_groups=2), r"field 'zero_spread_groups' must be a number"),
    ],
)
def test_bad_log_entries_name_the_entry_and_field(change, message):
    log = synthetic_log(3, "skill")
    change(log[1])
    with pytest.raises(ValueError, match=message):
        check_mtrl_log(log, "crossagent-mtrl")


def test_not_a_log(tmp_path):
    with pytest.raises(ValueError, match="non-empty JSON list"):
        check_mtrl_log({"step": 0})
    with pytest.raises(ValueError, match="non-empty JSON list"):
        check_mtrl_log([])
    (tmp_path / "mtrl_log.json").write_text("[{")
    with pytest.raises(ValueError, match=r"mtrl_log\.json: not JSON"):
        read_mtrl_log(tmp_path / "mtrl_log.json")
    with pytest.raises(ValueError, match="at least one model"):
        plot_mtrl_curves({}, tmp_path / "curves.png")
