"""`viva lang`: the interface's language, for the terminal and the web app alike."""

from __future__ import annotations

from typing import Annotated

import typer


def language(
    lang: Annotated[
        str | None,
        typer.Argument(help="zh or en; leave out to show the language in use.", show_default=False),
    ] = None,
) -> None:
    """Show or set the interface's language (zh or en): the CLI's lines, feedback and the web
    app's pages (the same setting as its language button)."""
    from viva.cli import render, service
    from viva.i18n import LANGUAGES

    if lang is not None and lang.strip().lower() not in LANGUAGES:
        raise typer.BadParameter(f"choose zh or en (not {lang!r})", param_hint="LANG")
    with service() as viva:
        if lang is not None:
            viva.set_preferences(ui_lang=lang.strip().lower())
        chosen = viva.preferences().ui_lang
    render.console().print(
        "界面语言：中文（zh）。" if chosen == "zh" else "Interface language: English (en)."
    )
