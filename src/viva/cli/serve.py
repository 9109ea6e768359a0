"""`viva serve`: the web app on this machine."""

from __future__ import annotations

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
        if multi_user:
            from dataclasses import replace

            settings = replace(settings, multi_user=True)
        viva = Viva(settings)
        viva.ensure_builtin()
    import uvicorn

    from viva.web.app import create_app

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"
    out.print(f"Viva is running at {url}  (Ctrl-C stops it)", markup=False)
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
        if count == 0 and not settings.open_sign_up:
            out.print(
                "Add one with: viva users add NAME --role admin", style="yellow", markup=False
            )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(viva=viva, hosts=[host]), host=host, port=port, log_level="warning")
