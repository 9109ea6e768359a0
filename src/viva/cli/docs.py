"""Write docs/cli.md from the commands' own help (`make docs`); a test keeps the two in step."""

from __future__ import annotations

from collections.abc import Iterator

import click
import typer

from viva.cli import app


def walk(
    command: click.Command, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and group under `command`, depth first, in name order."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


def render() -> str:
    """The whole reference as Markdown."""
    root = typer.main.get_command(app)
    lines = [
        "# `viva` command reference",
        "",
        "Generated from the commands' help by `make docs`; do not edit by hand.",
        "",
    ]
    for path, command in walk(root, ("viva",)):
        ctx = click.Context(
            command, info_name=" ".join(path), terminal_width=100, **command.context_settings
        )
        lines += [f"## `{' '.join(path)}`", "", "```", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
