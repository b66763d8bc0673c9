"""ExecutorSet.begin (the invalid-action path), to_raw, and cost accounting."""

from crossagent.executors.cost import INVALID, ActionCost, CostLedger
from crossagent.executors.dispatch import ExecutorSet, to_raw
from crossagent.executors.equivalence import equivalent_ticks
from crossagent.executors.motion import MOTION_TICKS
from crossagent.executors.raw import env_to_raw
from modeling_crossagent.action_spaces import RawAction


def _run(started):
    ticks = 0
    while started.executor.next_tick(None) is not None:
        ticks += 1
    return ticks


def test_invalid_actions_execute_one_no_op_tick_and_are_counted():
    executors, ledger = ExecutorSet(), CostLedger()
    for text, tokens in [
        ("<|motion|>move forward", 4),
        ("<|raw|>press(w)", 5),
        ("<|motion|>moonwalk", 6),
        ("<|skill|>mine oak_log", 3),  # parses, but this agent has no skill executor
        ("gibberish", 2),
    ]:
        started = executors.begin(text, observation=None)
        first = started.executor.next_tick(None)
        ticks = 1 + _run(started)
        if started.space == INVALID:
            assert env_to_raw(first).is_no_op and ticks == 1 and started.error
        ledger.add(ActionCost(started.space, tokens, ticks))
    assert ledger.to_dict() == {
        "invalid": {"calls": 3, "tokens": 11, "ticks": 3},
        "motion": {"calls": 1, "tokens": 4, "ticks": MOTION_TICKS},
        "raw": {"calls": 1, "tokens": 5, "ticks": 1},
    }
    assert ledger.invalid == 3 and ledger.tokens == 20 and ledger.ticks == 3 + MOTION_TICKS + 1


def test_to_raw_is_the_first_tick():
    assert equivalent_ticks(
        to_raw("<|raw|>move(10,-4) and click(left)", None), RawAction(frozenset({"attack"}), 10, -4)
    )
    assert env_to_raw(to_raw("<|motion|>turn right, jump", None)) == RawAction(frozenset({"jump"}), 50, 0)
    assert env_to_raw(to_raw("<|raw|>move(", None)).is_no_op
