"""`viva serve`: the web app on this machine; `viva worker`: the hosted mode's job workers."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port.")] = 8000,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the app in the default browser.")
    ] = False,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user",
            help="Require signing in: each account sees only its own data (`viva users add`). "
            "Also VIVA_MULTI_USER=1.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Processes serving requests, each with its own models (~0.5 GB). Several "
            "are for a PostgreSQL database (VIVA_DATABASE_URL) serving a class; SQLite "
            "allows them too, but its writes take turns.",
        ),
    ] = 1,
) -> None:
    """Start the web app (pages and JSON API) on http://127.0.0.1:8000 by default."""
    import socket

    from viva.cli import explained_errors, render
    from viva.errors import VivaError

    out = render.console()
    with explained_errors():
        from viva.config import load_settings
        from viva.service import Viva

        probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise VivaError(
                f"cannot listen on {host}:{port} ({error.strerror or error})",
                hint="another program uses the port: choose one with --port 8001",
            ) from None
        finally:
            probe.close()
        settings = load_settings()
        # once, before any worker starts: the schema (SQLite; PostgreSQL: `viva db upgrade`),
        # the job queue's tables, the built-in bank (workers racing to import it would clash)
        if multi_user:
            from dataclasses import replace

            settings = replace(settings, multi_user=True)
            os.environ["VIVA_MULTI_USER"] = "1"  # the worker processes read it too
        if settings.oidc is not None:  # discovery at the provider, before any worker starts
            from viva.web.app import check_single_sign_on

            check_single_sign_on(settings)
        viva = Viva(settings)
        viva.ensure_builtin()
        if settings.jobs == "queue":
            from viva.service.jobs import prepare_queue

            prepare_queue(settings)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"
    several = f" with {workers} workers" if workers > 1 else ""
    out.print(f"Viva is running at {url}{several}  (Ctrl-C stops it)", markup=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        out.print(
            f"Listening on {host}: other machines on the network can reach it.",
            style="yellow",
            markup=False,
        )
    if settings.multi_user:
        count = sum(1 for a in viva.accounts.accounts() if a.has_password and not a.is_disabled)
        out.print(
            f"Multi-user: signing in is required ({count} account(s) can sign in"
            f"{'; open sign-up is on' if settings.open_sign_up else ''}).",
            markup=False,
        )
        if settings.oidc is not None:
            made = "made as students" if settings.oidc.create_accounts else "linked by name"
            out.print(
                f"Single sign-on: {settings.oidc.issuer} (new people's accounts are {made}); "
                "register https://<this server>/sign-in/sso/callback at the provider.",
                markup=False,
            )
        if count == 0 and not settings.open_sign_up:
            out.print(
                "Add one with: viva users add NAME --role admin", style="yellow", markup=False
            )
    if workers > 1 and not (settings.database_url or "").startswith("postgresql"):
        out.print(
            "Several workers on SQLite: they work, but their writes take turns; "
            "PostgreSQL is what --workers is for (docs/deploy.md).",
            style="yellow",
            markup=False,
        )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    if workers == 1:
        from viva.web.app import create_app

        uvicorn.run(create_app(viva=viva, hosts=[host]), host=host, port=port, log_level="warning")
        return
    viva.close()
    # each worker process builds the app from the environment (settings, and the address
    # bound, which decides the Host names it answers)
    os.environ["VIVA_SERVE_HOST"] = host
    uvicorn.run(
        "viva.web.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
    )


def worker(
    queue: Annotated[
        list[str] | None,
        typer.Option(
            "--queue",
            "-q",
            help="Take only these kinds of job: import, transcribe, grade (batch grading; "
            "default: all). Repeat for several.",
        ),
    ] = None,
) -> None:
    """Run jobs (imports, transcriptions, batch grading) from the job queue in PostgreSQL
    until stopped.

    For the hosted mode (VIVA_JOBS=queue): start one or more beside `viva serve --workers N`,
    on machines that share the data dir. Ctrl-C or SIGTERM stop it once the job under way is
    done. With VIVA_JOBS=local (the default) the web server runs its jobs itself.
    """
    from viva.cli import explained_errors, render
    from viva.errors import VivaError

    out = render.console()
    with explained_errors():
        from viva.config import load_settings
        from viva.service.jobs import GRADE, IMPORT, TRANSCRIBE, prepare_queue, run_worker

        settings = load_settings()
        if settings.jobs != "queue":
            raise VivaError(
                "`viva worker` takes jobs from the queue in PostgreSQL, and VIVA_JOBS is "
                f"{settings.jobs!r}",
                hint="set VIVA_JOBS=queue and VIVA_DATABASE_URL=postgresql+psycopg://...; "
                "with VIVA_JOBS=local the web server runs its jobs itself",
            )
        unknown = sorted(set(queue or ()) - {IMPORT, TRANSCRIBE, GRADE})
        if unknown:
            raise VivaError(
                f"--queue must be import, transcribe or grade (not {unknown[0]!r})",
                hint="leave it out to take every kind of job",
            )
        prepare_queue(settings)
        out.print(
            f"Viva worker {os.getpid()} is taking jobs"
            f" ({', '.join(queue) if queue else 'import, transcribe, grade'}); Ctrl-C stops it",
            markup=False,
        )
        run_worker(settings, queues=queue)
