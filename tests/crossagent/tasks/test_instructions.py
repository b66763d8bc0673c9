from crossagent.tasks import get_task, load_suite
from crossagent.tasks.instructions import display_name, with_article


def test_every_task_has_distinct_paraphrases_naming_the_target():
    for task in load_suite():
        assert len(task.instructions) >= 3
        assert len(set(task.instructions)) == len(task.instructions)
        name = display_name(task.target, task.category)
        assert all(name in text for text in task.instructions), task.id
        assert task.instruction == task.instructions[0]


def test_wording():
    assert get_task("mine_block:oak_log").instruction == "Chop down the oak log."
    assert get_task("craft_item:paper").instruction == "Craft paper."
    assert get_task("smelt_item:iron_ingot").instruction == "Smelt an iron ingot."
    assert with_article("oak planks") == "oak planks"
    assert display_name("iron_golem", "kill_entity") == "iron golem"
    assert get_task("kill_entity:salmon").instruction == "Kill the salmon."
    assert display_name("salmon", "craft_item") == "raw salmon"
