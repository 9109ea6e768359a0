"""The `viva` command: Typer app, command groups, and the one place errors become messages.

Commands parse arguments, make one `Viva` call and render the result (render.py). Heavy modules
(SQLAlchemy, the parser) are imported inside commands so that `viva --help` starts fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Annotated

import typer

from viva import __version__

if TYPE_CHECKING:
    from viva.service import Viva

app = typer.Typer(
    name="viva",
    help="Viva: an offline coach for oral technical interviews (考研复试 and job interviews).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The interface's language for an error being explained: set by `service()` when a command's
# error passes through it (read then, while the database is still open); English otherwise
# (settings or database errors, operator commands).
_ERROR_LANG: ContextVar[str] = ContextVar("viva_error_lang", default="en")


@contextmanager
def explained_errors() -> Iterator[None]:
    """Turn a VivaError into one clear message and its exit code (never a traceback), in the
    interface's language when Viva has a wording of it (else as the service words it)."""
    from viva.errors import VivaError

    try:
        yield
    except VivaError as error:
        from viva.cli.render import err_console
        from viva.messages import localised

        lang = _ERROR_LANG.get()
        err = err_console()
        # each line in one language: a message with no Chinese wording keeps its English label
        said = localised(error.message, lang, terminal=True).text
        zh = lang == "zh" and said != error.message
        err.print("[red]错误：[/red]" if zh else "[red]Error:[/red] ", end="", markup=True)
        err.print(said, markup=False, soft_wrap=True)
        if error.hint:
            hint = localised(error.hint, lang, terminal=True).text
            label = "提示：" if lang == "zh" and hint != error.hint else "Hint: "
            err.print(label + hint, style="dim", markup=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None


@contextmanager
def service() -> Iterator[Viva]:
    """The service for one command (one unit of work: one connection), built from the
    environment, errors explained."""
    with explained_errors():
        from viva.config import load_settings
        from viva.errors import VivaError
        from viva.service import Viva

        viva = Viva(load_settings())
        try:
            with viva.bound() as command:
                try:
                    yield command
                except VivaError:
                    _ERROR_LANG.set(_interface_lang(command))
                    raise
        finally:
            viva.close()


def _interface_lang(viva: Viva) -> str:
    try:
        return viva.preferences().ui_lang
    except Exception:  # the error being explained may be the database's own
        return "en"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"viva {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Viva: an offline coach for oral technical interviews (考研复试 and job interviews)."""


def _register() -> None:
    from viva.cli import (
        bank,
        database,
        exporting,
        grading,
        importing,
        interview,
        language,
        paths,
        practice,
        serve,
        speech,
        users,
    )

    app.add_typer(bank.app, name="bank")
    app.add_typer(database.app, name="db")
    app.command("import")(importing.import_notes)
    app.add_typer(exporting.app, name="export")
    app.command("grade")(grading.grade)
    app.command("calibrate")(grading.calibrate)
    app.command("drill")(practice.drill)
    app.command("plan")(practice.plan)
    app.command("stats")(practice.stats)
    app.command("optimize")(practice.optimize)
    app.command("interview")(interview.interview)
    app.command("report")(interview.report)
    app.command("history")(interview.history)
    app.command("paths")(paths.show_paths)
    app.command("lang")(language.language)
    app.command("serve")(serve.serve)
    app.command("worker")(serve.worker)
    app.command("transcribe")(speech.transcribe)
    app.command("say")(speech.say)
    app.add_typer(speech.app, name="recordings")
    app.add_typer(users.app, name="users")


_register()


def main() -> None:
    """Entry point of the `viva` script."""
    app(prog_name="viva")
