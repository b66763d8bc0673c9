"""The one equivalence rule: hand-computed cases at and just past each tolerance."""

import numpy as np
import pytest

from crossagent.executors.base import no_op_env
from crossagent.executors.equivalence import (
    CAMERA_TOLERANCE_DEGREES,
    CAMERA_TOLERANCE_UNITS,
    POINT_TOLERANCE,
    equivalent_actions,
    equivalent_ticks,
)
from crossagent.executors.raw import raw_to_env
from modeling_crossagent.action_spaces import (
    GroundingAction,
    LatentAction,
    MotionAction,
    RawAction,
    SkillAction,
)


def test_tolerance_values():
    assert CAMERA_TOLERANCE_DEGREES == 0.6 and CAMERA_TOLERANCE_UNITS == 4 and POINT_TOLERANCE == 40


def _env(buttons=(), pitch=0.0, yaw=0.0):
    env = no_op_env()
    env.update(dict.fromkeys(buttons, 1))
    env["camera"] = np.array([pitch, yaw], dtype=np.float32)
    return env


@pytest.mark.parametrize("axis", [0, 1])
def test_env_ticks_camera_at_and_past_the_tolerance(axis):
    def turned(degrees):
        camera = [1.5, -3.0]
        camera[axis] += degrees
        return _env({"attack"}, *camera)

    base = turned(0.0)
    assert equivalent_ticks(base, turned(0.6)) and equivalent_ticks(base, turned(-0.6))  # at: float32 0.6
    assert not equivalent_ticks(base, turned(0.61)) and not equivalent_ticks(base, turned(-0.61))


def test_ticks_need_the_same_buttons():
    assert not equivalent_ticks(_env({"attack"}), _env({"attack", "jump"}))
    assert not equivalent_ticks(_env({"use"}), _env())
    assert equivalent_ticks(no_op_env(), RawAction())
    assert not equivalent_ticks(_env(yaw=float("nan")), _env(yaw=float("nan")))


def test_raw_action_and_env_dict_mix():
    # RawAction(dx=10) turns yaw by 1.5 degrees; 4 units = 0.6 degrees away is the edge.
    action = RawAction(frozenset({"forward"}), dx=10, dy=0)
    assert equivalent_ticks(action, _env({"forward"}, 0.6, 2.1))
    assert not equivalent_ticks(action, _env({"forward"}, 0.0, 2.25))  # 5 units off
    assert equivalent_ticks(raw_to_env(action), RawAction(frozenset({"forward"}), dx=14, dy=-4))


def test_offline_raw_rule_is_the_tick_rule_in_mouse_units():
    label = RawAction(frozenset({"attack"}), dx=30, dy=-12)
    for ddx, ddy in [(4, 0), (-4, 0), (0, 4), (0, -4), (4, -4)]:
        assert equivalent_actions(RawAction(frozenset({"attack"}), 30 + ddx, -12 + ddy), label)
    for ddx, ddy in [(5, 0), (-5, 0), (0, 5), (0, -5)]:
        assert not equivalent_actions(RawAction(frozenset({"attack"}), 30 + ddx, -12 + ddy), label)
    assert not equivalent_actions(RawAction(frozenset(), 30, -12), label)


def test_offline_grounding_rule():
    label = GroundingAction("Mine", "stone", (500, 500))
    assert equivalent_actions(GroundingAction("Mine", "stone", (540, 500)), label)  # 40
    assert equivalent_actions(GroundingAction("Mine", "stone", (524, 532)), label)  # sqrt(24²+32²) = 40
    assert not equivalent_actions(GroundingAction("Mine", "stone", (541, 500)), label)
    assert not equivalent_actions(GroundingAction("Mine", "stone", (525, 532)), label)  # 40.3
    assert not equivalent_actions(GroundingAction("Mine", "dirt", (500, 500)), label)
    assert not equivalent_actions(GroundingAction("Kill", "stone", (500, 500)), label)


def test_offline_other_spaces_need_equal_actions():
    assert equivalent_actions(MotionAction(("jump",)), MotionAction(("jump",)))
    assert not equivalent_actions(MotionAction(("jump",)), RawAction(frozenset({"jump"})))
    assert equivalent_actions(SkillAction("mine", "stone"), SkillAction("mine", "stone"))
    assert not equivalent_actions(LatentAction(3), LatentAction(4))
    assert not equivalent_actions(RawAction(), GroundingAction("Mine", "stone", (500, 500)))
