"""`viva users ...`: the admin's accounts for a hosted Viva (`viva serve --multi-user`).

No e-mail is needed: the admin adds an account and hands over a one-time password (printed
once; the student chooses their own at the first sign-in), or pipes one in with
`--password-stdin`. The personal use needs none of this.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    help="Accounts for the hosted web app (viva serve --multi-user): add, list, roles, passwords.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(help="The account name (e.g. zhang-san).")]
StdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input instead of making up a "
        "one-time password.",
    ),
]


def _read_password() -> str:
    from viva.errors import VivaError

    line = typer.get_text_stream("stdin").readline()
    password = line.rstrip("\r\n")
    if not password:
        raise VivaError(
            "--password-stdin read no password (standard input was empty)",
            hint="e.g. printf '%s\\n' \"$PASSWORD\" | viva users add NAME --password-stdin",
        )
    return password


@app.command("add")
def add(
    name: NameArgument,
    role: Annotated[
        str, typer.Option("--role", "-r", help="student (default), teacher or admin.")
    ] = "student",
    password_stdin: StdinOption = False,
) -> None:
    """Add an account; prints a one-time password unless --password-stdin gives one."""
    from viva.cli import explained_errors, render_admin, service

    with explained_errors():
        password = _read_password() if password_stdin else None
    with service() as viva:
        account, made_up = viva.accounts.add(name, role=role, password=password)
    render_admin.account_added(account.name, account.role, made_up)


@app.command("list")
def list_accounts(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the accounts: role, state, when added and when last signed in."""
    from viva.cli import render, render_admin, service

    with service() as viva:
        accounts = viva.accounts.accounts()
    if as_json:
        render.print_json(
            [
                {
                    "name": a.name,
                    "role": a.role,
                    "is_disabled": a.is_disabled,
                    "can_sign_in": a.has_password and not a.is_disabled,
                    "must_change_password": a.must_change_password,
                    "created_at": a.created_at.isoformat(),
                    "last_sign_in_at": None
                    if a.last_sign_in_at is None
                    else a.last_sign_in_at.isoformat(),
                }
                for a in accounts
            ]
        )
        return
    render_admin.accounts_table(accounts)


@app.command("role")
def role(
    name: NameArgument,
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help="student, teacher or admin.")],
) -> None:
    """Give an account another role."""
    from viva.cli import render_admin, service

    with service() as viva:
        account = viva.accounts.set_role(name, new_role)
    render_admin.account_changed(account.name, f"now has the role {account.role}")


@app.command("reset-password")
def reset_password(name: NameArgument, password_stdin: StdinOption = False) -> None:
    """Set a new password and sign the account out everywhere; prints a one-time password
    unless --password-stdin gives one."""
    from viva.cli import explained_errors, render_admin, service

    with explained_errors():
        password = _read_password() if password_stdin else None
    with service() as viva:
        made_up = viva.accounts.reset_password(name, password)
    render_admin.password_reset(name, made_up)


@app.command("disable")
def disable(name: NameArgument) -> None:
    """Disable an account: it is signed out everywhere and cannot sign in (its data stays)."""
    from viva.cli import render_admin, service

    with service() as viva:
        account = viva.accounts.set_disabled(name, True)
    render_admin.account_changed(account.name, "is disabled (signed out everywhere)")


@app.command("enable")
def enable(name: NameArgument) -> None:
    """Let a disabled account sign in again."""
    from viva.cli import render_admin, service

    with service() as viva:
        account = viva.accounts.set_disabled(name, False)
    render_admin.account_changed(account.name, "is enabled")


@app.command("delete")
def delete(
    name: NameArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an account for good: every row it owns (banks, reviews, interviews, ...) and
    every file under its folder. The last admin cannot be deleted."""
    import sys

    from viva.cli import explained_errors, render_admin, service
    from viva.errors import VivaError

    with service() as viva:
        account = viva.accounts.account(name)
        if not yes:
            with explained_errors():
                if not sys.stdin.isatty():
                    raise VivaError(
                        f"this deletes the account {account.name!r} and all its data for good: "
                        "confirm with --yes",
                        hint=f"export it first: viva export data {account.name}.zip "
                        f"--user {account.name}",
                    )
            if not typer.confirm(
                f"Delete the account {account.name!r} and all its data for good?", default=False
            ):
                raise typer.Exit(1)
        deleted = viva.accounts.delete(account.name)
    render_admin.account_deleted(deleted)
