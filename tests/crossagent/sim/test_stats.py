"""Statistics counters and the event log."""

import json

import pytest

from crossagent.sim.stats import Statistics


def test_counters_and_first_event():
    stats = Statistics()
    stats.increment("craft_item", "oak_planks", 4)
    stats.now = 7
    stats.increment("mine_block", "stone")
    stats.increment("craft_item", "oak_planks", 4)
    assert stats.get("craft_item", "oak_planks") == 8
    assert stats.get("mine_block", "dirt") == 0
    assert stats.first_tick("mine_block", "stone") == 7 and stats.first_tick("kill_entity", "cow") is None
    assert stats.events == [
        (0, "craft_item", "oak_planks"),
        (7, "mine_block", "stone"),
        (7, "craft_item", "oak_planks"),
    ]
    assert stats.total("craft_item") == 8


def test_bad_kind_and_round_trip():
    stats = Statistics()
    with pytest.raises(ValueError, match="unknown statistic kind 'craft'"):
        stats.increment("craft", "stick")
    stats.increment("kill_entity", "zombie")
    again = Statistics.from_dict(json.loads(json.dumps(stats.to_dict())))
    assert again == stats and again.get("kill_entity", "zombie") == 1
