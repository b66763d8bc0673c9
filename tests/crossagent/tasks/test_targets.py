from crossagent.sim.data import INTERACTABLE_BLOCKS, MOBS, block_info, break_ticks, can_harvest
from crossagent.tasks import select_tasks
from crossagent.tasks.targets import is_mine_candidate, mine_targets, mine_tool


def test_mine_targets_are_breakable_placeable_blocks_with_the_right_tool():
    targets = mine_targets()
    assert len(targets) == len(set(targets)) == 153
    for block in targets:
        info = block_info(block)
        assert info.hardness is not None and not info.liquid
        tool = mine_tool(block)
        assert can_harvest(block, tool), block
        assert break_ticks(block, tool) <= break_ticks(block, None)
    assert mine_tool("obsidian") == "diamond_pickaxe"
    assert mine_tool("oak_log") == "iron_axe"
    assert mine_tool("stone") == "iron_pickaxe"
    assert mine_tool("dirt") == "iron_shovel"


def test_families_are_reduced_to_their_plain_member():
    assert is_mine_candidate("white_wool") and not is_mine_candidate("light_blue_wool")
    assert is_mine_candidate("red_sand") and is_mine_candidate("red_tulip")
    assert is_mine_candidate("oak_stairs") and not is_mine_candidate("spruce_stairs")
    assert not is_mine_candidate("infested_stone") and not is_mine_candidate("spawner")


def test_mine_scenes_put_the_target_in_view_and_the_tool_in_hand():
    for task in select_tasks(category="mine_block"):
        blocks = task.scene["blocks"]
        assert 1 <= len(blocks) <= 3 and all(b["name"] == task.target for b in blocks)
        first = blocks[0]
        assert first["up"] == 0 and 2 <= first["forward"] <= 4 and abs(first["right"]) <= 1
        tool = task.hints["tool"]
        if tool is not None:
            assert task.scene["inventory"] == [{"item": tool, "count": 1, "slot": 0}]
            assert task.scene["held_slot"] == 0


def test_kill_and_interact_targets_are_hosted_by_minesim():
    kills = select_tasks(category="kill_entity")
    assert {task.target for task in kills} == set(MOBS) - {"ravager"}
    for task in kills:
        assert task.scene["mobs"][0]["name"] == task.target
        assert task.scene["inventory"] == [{"item": "diamond_sword", "count": 1, "slot": 0}]
    assert select_tasks("kill_entity:zombie")[0].scene["time_of_day"] > 12000
    assert select_tasks("kill_entity:cow")[0].scene["time_of_day"] == 6000
    interacts = select_tasks(category="interact_block")
    assert len(interacts) == 13
    for task in interacts:
        assert task.target in INTERACTABLE_BLOCKS
        assert task.scene["blocks"][0]["name"] == task.target
