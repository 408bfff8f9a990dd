"""The long-running commands: ``watch`` (the lifecycle monitor) and ``serve`` (the HTTP API).

Each only checks that its optional part is installed and hands over to it
(``_engine/monitor.py``, ``_service/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_OK, FORMAT, Fmt, fail

__all__ = ["serve", "watch"]


def watch(
    events: Annotated[
        str,
        typer.Argument(
            help="The lifecycle events file ('-' reads standard input).",
            show_default=False,
            metavar="EVENTS",
        ),
    ],
    fmt: FORMAT = Fmt.text,
    due_within: Annotated[
        int, typer.Option("--due-within", help="Alert on deadlines due within N days.")
    ] = 30,
) -> int:
    """Watch a project's lifecycle events and alert on deadlines due, missed or at risk.

    Provided by the lifecycle monitor (govit_rules._engine.monitor); exit 64 when it is not installed.
    """
    try:
        from .watch import watch_cli
    except ImportError:
        fail(
            "the lifecycle monitor is not installed (govit_rules._engine.monitor could not be imported)"
        )
    code: int = watch_cli(events, fmt.value, due_within)
    return code


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    packs: Annotated[
        list[Path] | None,
        typer.Option(
            "--packs",
            help="Serve the packs in this folder (repeatable) instead of the shipped ones.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.", min=1, max=64)] = 1,
    reload_packs: Annotated[
        bool,
        typer.Option("--reload-packs", help="Watch the pack folders and swap changed packs in."),
    ] = False,
) -> int:
    """Serve the HTTP API (/v1, OpenAPI at /docs) and the analysts' workbench page at /.

    Needs the \\[serve] extra: pip install 'govit-rules\\[serve]'. See docs/service.md.
    """
    try:
        from .._service import serve as run_service
    except ImportError:  # pragma: no cover - the module ships with the library
        fail("the service is not installed")
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        fail("govit-rules serve needs the [serve] extra: pip install 'govit-rules[serve]'")
    run_service(host=host, port=port, packs=packs, workers=workers, reload_packs=reload_packs)
    return EXIT_OK
