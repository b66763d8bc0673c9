import json

from crossagent import cli


def test_tasks_list_prints_one_line_per_task_and_a_total(capsys):
    assert cli.main(["tasks", "list", "--split", "in_domain"]) == 0
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
        "split         in_domain",
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
    saved = json.loads((tmp_path / "check.json").read_text())
    assert saved["path"] == "rollout" and saved["failed"] == [] and saved["overall"]["tasks"] == 13


def test_tasks_check_scores_the_expert_through_the_parser_and_executors(capsys, monkeypatch):
    """What evaluation scores: the expert's texts go through parse -> executor; a text the parser rejects
    is an invalid output (a no-op tick), so an expert that writes bad texts fails the check (exit 1),
    while the controller diagnostic, which never writes text, still passes."""
    from crossagent.agents import expert

    monkeypatch.setattr(expert, "format_action", lambda action: "<|grounding|>nonsense")
    assert cli.main(["tasks", "check", "interact_block:anvil", "--no-random"]) == 1
    out = capsys.readouterr().out
    assert "| interact_block | 1 | 0.0% |" in out and "below the bar: interact_block" in out
    assert cli.main(["tasks", "check", "interact_block:anvil", "--controllers"]) == 0
    assert "| interact_block | 1 | 100.0% |" in capsys.readouterr().out


def test_tasks_check_bar_is_per_category_too(capsys, monkeypatch):
    from crossagent.evaluation import check

    results = [
        check.CategoryResult("mine_block", 99, 1.0, 10.0, 0.0, []),
        check.CategoryResult("interact_block", 1, 0.0, float("nan"), 0.0, ["interact_block:anvil"]),
    ]
    assert check.overall(results)["expert_success"] == 0.99  # over the overall bar of 98%
    assert check.failures_of(results) == ["interact_block: expert 0.0% < 95%"]
    assert check.failures_of(results[:1]) == []
    monkeypatch.setattr(check, "check_tasks", lambda *a, **k: results)
    assert cli.main(["tasks", "check", "mine_block:dirt"]) == 1
    assert "below the bar: interact_block: expert 0.0% < 95%" in capsys.readouterr().out
