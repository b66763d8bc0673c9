"""Crafter's score as its paper defines it: S = exp(mean_i ln(1 + s_i)) - 1, s_i in percent."""

import math

import pytest

from crossagent.evaluation.crafter import achievement_rates, crafter_score
from crossagent.tasks.crafter import ACHIEVEMENTS


def test_bounds_and_a_hand_computed_value():
    assert crafter_score(dict.fromkeys(ACHIEVEMENTS, 0.0)) == pytest.approx(0.0)
    assert crafter_score(dict.fromkeys(ACHIEVEMENTS, 100.0)) == pytest.approx(100.0)
    one = dict.fromkeys(ACHIEVEMENTS, 0.0) | {"collect_wood": 100.0}
    assert crafter_score(one) == pytest.approx(math.exp(math.log(101.0) / 22) - 1)  # 0.2334...
    assert crafter_score(one) == pytest.approx(0.23340, abs=1e-4)


def test_it_is_below_the_arithmetic_mean_and_rewards_rare_achievements():
    half = dict.fromkeys(ACHIEVEMENTS, 0.0) | dict.fromkeys(ACHIEVEMENTS[:11], 100.0)
    assert crafter_score(half) < 50.0
    spread = dict.fromkeys(ACHIEVEMENTS, 50.0)
    assert crafter_score(spread) > crafter_score(half)


def test_rates_from_episodes_and_bad_input():
    rates = achievement_rates([{"collect_wood"}, {"collect_wood", "wake_up"}, set(), set()])
    assert rates["collect_wood"] == 50.0 and rates["wake_up"] == 25.0 and rates["collect_diamond"] == 0.0
    with pytest.raises(ValueError, match="missing"):
        crafter_score({"collect_wood": 10.0})
    with pytest.raises(ValueError, match="percentage"):
        crafter_score(dict.fromkeys(ACHIEVEMENTS, 0.5) | {"collect_wood": 150.0})
    with pytest.raises(ValueError, match="no episodes"):
        achievement_rates([])
