import subprocess
import sys

from crossagent import cli


def test_help_lists_commands(capsys):
    parser = cli.build_parser()
    help_text = parser.format_help()
    assert "info" in help_text
    assert cli.main([]) == 0
    assert "usage: crossagent" in capsys.readouterr().out


def test_info_reports_the_pinned_stack(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    for name in ("transformers", "trl", "torch", "minecraft-data"):
        line = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        assert "MISSING" not in line


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "crossagent.cli", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("crossagent ")
