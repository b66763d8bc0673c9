import ast
import importlib
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_packages_import():
    for name in ("crossagent", "modeling_crossagent", "crossagent.cli"):
        importlib.import_module(name)


def test_modeling_package_is_flat():
    """modeling_crossagent ships inside saved models: it may not import crossagent."""
    for path in (ROOT / "modeling_crossagent").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                assert not name.startswith(("crossagent", "modeling_crossagent")), (
                    f"{path.name} imports {name}"
                )


def test_no_pickle_in_sources():
    for path in ROOT.glob("**/*.py"):
        if ".venv" in path.parts or path.name == "test_package.py":
            continue
        text = path.read_text()
        assert "import pickle" not in text and "torch.load(" not in text, path


def test_the_wheel_ships_card_templates_and_the_metric_module(built_wheel):
    import zipfile

    names = set(zipfile.ZipFile(built_wheel).namelist())
    templates = sorted((ROOT / "crossagent" / "cards" / "templates").glob("*.jinja"))
    assert templates, "no card templates in crossagent/cards/templates"
    for template in templates:
        assert f"crossagent/cards/templates/{template.name}" in names
    assert "crossagent/cards/__init__.py" in names and "modeling_crossagent/modeling_crossagent.py" in names
    for metric_file in ("success_rate.py", "README.md"):  # evaluate.load(metric_module_path()) needs both
        assert f"crossagent/evaluation/metric/success_rate/{metric_file}" in names
