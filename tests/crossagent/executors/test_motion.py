from crossagent.executors.motion import MOTION_TICKS, TURN_YAW_UNITS, MotionExecutor, motion_ticks
from crossagent.executors.raw import env_to_raw
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import MOTION_PHRASES, MotionAction


def _run(text):
    executor = MotionExecutor()
    executor.start(parse(text), observation=None)
    ticks = []
    while (tick := executor.next_tick(None)) is not None:
        ticks.append(env_to_raw(tick))
    return executor, ticks


def test_held_keys_and_turns_last_the_whole_macro():
    executor, ticks = _run("<|motion|>move forward, sprint, turn left and down, attack")
    assert len(ticks) == MOTION_TICKS and executor.status == "done"
    for tick in ticks:
        assert tick.buttons == {"forward", "sprint", "attack"}
        assert tick.dx == -TURN_YAW_UNITS and tick.dy > 0


def test_toggles_press_once():
    _, ticks = _run("<|motion|>use, switch hotbar 3, open inventory")
    assert ticks[0].buttons == {"use", "hotbar.3", "inventory"}
    assert all(not t.buttons for t in ticks[1:])


def test_every_phrase_has_an_effect():
    for phrase in MOTION_PHRASES:
        ticks = motion_ticks(MotionAction((phrase,)))
        assert any(not t.is_no_op for t in ticks), phrase


def test_cursor_moves_in_gui_units():
    _, ticks = _run("<|motion|>cursor move right and up")
    assert sum(t.dx for t in ticks) > 0 and sum(t.dy for t in ticks) < 0
