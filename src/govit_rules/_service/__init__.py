"""``govit-rules serve``: the HTTP service and the analysts' workbench page.

Owns the web layer, kept apart from the library so that ``import govit_rules`` never
imports FastAPI (an optional extra: ``pip install 'govit-rules[serve]'``):

- ``_app``: the FastAPI application factory and its ``/v1`` routes;
- ``_problems``: RFC 9457 problem+json errors and the request-size guard;
- ``_packs``: packs loaded once per worker, reloaded atomically on change;
- ``_input``: exact JSON bodies and pasted YAML/JSON projects;
- ``_views``: the JSON views of packs, rules, schema, comparisons and the calendar;
- ``static/``: the workbench page (plain HTML, CSS and JavaScript, no build step, no CDN).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["app_from_env", "create_app", "serve"]

_ENV_PACKS = "GOVIT_RULES_SERVE_PACKS"
_ENV_RELOAD = "GOVIT_RULES_SERVE_RELOAD"


def create_app(
    packs: list[Path] | None = None,
    *,
    reload_packs: bool = False,
    poll_seconds: float = 1.0,
    cors_origins: list[str] | None = None,
) -> FastAPI:
    """The service application (see :mod:`govit_rules._service._app`)."""
    from ._app import create_app as factory

    return factory(
        packs, reload_packs=reload_packs, poll_seconds=poll_seconds, cors_origins=cors_origins
    )


def app_from_env() -> FastAPI:
    """The application as each uvicorn worker builds it, configured by ``serve``."""
    raw = os.environ.get(_ENV_PACKS, "")
    packs = [Path(p) for p in raw.split(os.pathsep) if p] or None
    return create_app(packs, reload_packs=os.environ.get(_ENV_RELOAD) == "1")


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    packs: list[Path] | None = None,
    workers: int = 1,
    reload_packs: bool = False,
) -> None:
    """Run the service with uvicorn until interrupted (packs load once per worker)."""
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the install
        from ..errors import GovitRulesError

        raise GovitRulesError(
            "govit-rules serve needs the [serve] extra: pip install 'govit-rules[serve]'"
        ) from exc
    if workers > 1:
        os.environ[_ENV_PACKS] = os.pathsep.join(str(p.resolve()) for p in packs or [])
        os.environ[_ENV_RELOAD] = "1" if reload_packs else "0"
        uvicorn.run(
            "govit_rules._service:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )
        return
    uvicorn.run(create_app(packs, reload_packs=reload_packs), host=host, port=port)
