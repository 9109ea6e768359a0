"""Docs stay true: every command has help, docs/cli.md is the generated reference, README covers
the JSON fields and starts with the two commands."""

from __future__ import annotations

from pathlib import Path

import click
import typer

from viva.cli import app
from viva.cli.docs import render, walk

ROOT = Path(__file__).parents[1]


def test_every_command_has_help_text() -> None:
    for path, command in walk(typer.main.get_command(app), ("viva",)):
        assert command.help, f"{' '.join(path)} has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"{' '.join(path)} {param.opts} has no help text"


def test_cli_reference_is_generated_not_hand_edited() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(), "docs/cli.md is stale: run `make docs`"


def test_readme_starts_with_the_two_commands_and_documents_json() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme.split("\n")[:6]
    assert any(line.startswith("make run") for line in head)
    assert any(line.startswith("make test") for line in head)
    for field in (
        "`id`",
        "`bank`",
        "`section`",
        "`number`",
        "`prompt`",
        "`reference`",
        "`key_points`",
        "`tags`",
        "`source`",
        "`links`",
    ):
        assert field in readme, f"README does not document the JSON field {field}"
