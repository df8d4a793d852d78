"""The documentation keeps up with the code: every setting and command is described."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from click.testing import CliRunner

from alongside.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_in_the_deploy_guide() -> None:
    settings = (ROOT / "alongside" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings))
    assert "DATABASE_URL" in names  # the pattern still finds the readers
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert not missing, f"Describe these settings in docs/deploy.md: {missing}"


def test_every_command_is_in_the_deploy_guide() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    missing = sorted(name for name in cli.commands if f"`{name}`" not in guide)
    assert not missing, f"Mention these commands in docs/deploy.md: {missing}"


def test_every_command_explains_itself() -> None:
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert len(result.output.strip().splitlines()) >= 3, name


def test_the_couple_statistics_example_prints_what_the_guide_shows() -> None:
    guide = (ROOT / "docs" / "analytics.md").read_text(encoding="utf-8")
    section = guide.split("## One couple's page", 1)[1].split("\n## ", 1)[0]
    code, shown = re.findall(r"```(?:python)?\n(.*?)```", section, flags=re.DOTALL)[:2]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/analytics.md", "exec"), {})  # noqa: S102 - our own guide
    assert printed.getvalue() == shown
