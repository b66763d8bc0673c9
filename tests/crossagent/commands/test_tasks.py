from crossagent import cli


def test_tasks_list_prints_one_line_per_task_and_a_total(capsys):
    assert cli.main(["tasks", "list", "--split", "train"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 31
    assert any(line.startswith("mine_block:oak_log ") and "Chop down the oak log." in line for line in out)
    assert out[-1].startswith("30 tasks (mine_block 10, kill_entity 10, craft_item 7, smelt_item 3)")


def test_tasks_list_filters_by_category_and_pattern(capsys):
    assert cli.main(["tasks", "list", "--category", "interact_block"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "13 tasks (interact_block 13)"
    assert cli.main(["tasks", "list", "craft_item:*_pickaxe"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "craft_item:stone_pickaxe" in "\n".join(out)
    assert out[-1] == "5 tasks (craft_item 5)"  # netherite tools come from a smithing table


def test_tasks_show_prints_every_field(capsys):
    assert cli.main(["tasks", "show", "smelt_item:cooked_cod"]) == 0
    out = capsys.readouterr().out
    for text in (
        "smelt_item:cooked_cod",
        "split         train",
        '"open_gui": "furnace"',
        '"input": "cod"',
        "first smelt_item event",
    ):
        assert text in out


def test_tasks_show_unknown_id_lists_close_ids(capsys):
    assert cli.main(["tasks", "show", "craft_item:stone_pickax"]) == 2
    out = capsys.readouterr().err
    assert "unknown task id" in out and "craft_item:stone_pickaxe" in out


def test_tasks_check_prints_the_table(capsys, tmp_path):
    assert cli.main(["tasks", "check", "interact_block:*", "--json", str(tmp_path / "check.json")]) == 0
    out = capsys.readouterr().out
    assert "| interact_block | 13 | 100.0% |" in out
    assert (tmp_path / "check.json").is_file()
