from crossagent.executors.raw import raw_to_env
from crossagent.tasks.labels import motion_label
from modeling_crossagent.action_spaces import MotionAction, RawAction


def _ticks(*raws):
    return [raw_to_env(raw) for raw in raws]


def test_motion_label_summarises_held_buttons_and_turns():
    walk = RawAction(frozenset({"forward"}), dx=40, dy=0)
    label = motion_label(_ticks(walk, walk, walk, RawAction(frozenset({"forward", "attack"}))), in_gui=False)
    assert label == MotionAction(("move forward", "turn right", "attack"))


def test_motion_label_in_a_gui_moves_the_cursor_and_ignores_tiny_moves():
    ticks = _ticks(RawAction(frozenset(), -150, -150), RawAction(frozenset({"use"})))
    assert motion_label(ticks, in_gui=True) == MotionAction(("cursor move left and up", "use"))
    assert motion_label(_ticks(RawAction(frozenset(), 2, 1)), in_gui=False) is None
    assert motion_label(_ticks(RawAction()), in_gui=True) is None
