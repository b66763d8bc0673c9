import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossagent.executors.base import no_op_env
from crossagent.executors.equivalence import equivalent_ticks
from crossagent.executors.raw import RawExecutor, env_to_raw, raw_to_env
from modeling_crossagent.action_spaces import BUTTONS, MAX_MOUSE, RawAction

raw_actions = st.builds(
    RawAction,
    st.frozensets(st.sampled_from(BUTTONS)),
    st.integers(-MAX_MOUSE, MAX_MOUSE),
    st.integers(-MAX_MOUSE, MAX_MOUSE),
)


@settings(max_examples=300, deadline=None)
@given(raw_actions)
def test_env_dict_round_trip(action):
    env = raw_to_env(action)
    assert set(env) == {*BUTTONS, "camera"}
    assert env["camera"].dtype == np.float32
    assert env_to_raw(env) == action
    assert equivalent_ticks(env, action, camera_tolerance=0)


def test_camera_convention_is_dy_dx_times_0_15():
    env = raw_to_env(RawAction(frozenset({"forward", "attack"}), dx=20, dy=-10))
    assert env["camera"].tolist() == pytest.approx([-1.5, 3.0])
    assert env["forward"] == env["attack"] == 1 and env["jump"] == 0


def test_no_op_env_is_the_raw_no_op():
    expected, actual = raw_to_env(RawAction()), no_op_env()
    assert actual.keys() == expected.keys() and actual["camera"].dtype == expected["camera"].dtype
    assert all(np.array_equal(actual[name], expected[name]) for name in expected)


def test_env_to_raw_rejects_what_the_raw_space_cannot_express():
    with pytest.raises(ValueError, match="unknown keys"):
        env_to_raw({"fly": 1})
    with pytest.raises(ValueError, match="swapHands"):
        env_to_raw({"swapHands": 1})
    with pytest.raises(ValueError, match="degrees per tick"):
        env_to_raw({"camera": [0.0, 400.0]})
    assert env_to_raw({"swapHands": 0, "jump": np.array(1), "camera": np.array([0.31, -0.14])}) == RawAction(
        frozenset({"jump"}), dx=-1, dy=2
    )


def test_raw_executor_is_one_tick():
    executor = RawExecutor()
    executor.start(RawAction(frozenset({"use"})), observation=None)
    assert executor.next_tick(None)["use"] == 1
    assert executor.next_tick(None) is None
    assert executor.status == "done" and executor.ticks == 1
