"""The STRL reward plot: the moving average and a written PNG."""

from crossagent.training.strl_plot import moving_average, plot_reward_curve


def test_moving_average_uses_what_exists_at_the_start():
    assert moving_average([1.0, 0.0, 1.0, 1.0], window=2) == [1.0, 0.5, 0.5, 1.0]


def test_plot_writes_a_png(tmp_path):
    steps = [
        {"step": i, "reward": i / 10, "group_reward_std": 0.3, "zero_spread_groups": 0.5}
        for i in range(1, 11)
    ]
    plot_reward_curve(steps, tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
