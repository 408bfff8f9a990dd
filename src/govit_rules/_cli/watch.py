"""``govit-rules watch``: replay a JSON-lines event log through the monitor and print alerts.

The monitor (``_engine/monitor.py``) decides the alerts; this module reads the input and
prints them, as text or JSON lines.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import IO

from .._engine.monitor import Monitor
from .._io.project_files import MAX_EVENT_FILE_BYTES, read_input
from .._packs.loader import CompiledPack
from .._packs.registry import PackRegistry
from ..errors import ProjectValidationError

__all__ = ["watch_cli"]

EX_OK, EX_ALERT, EX_USAGE = 0, 1, 64


def watch_cli(
    events: str,
    fmt: str = "text",
    due_within: int = 7,
    *,
    packs: Mapping[str, CompiledPack] | PackRegistry | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """``govit-rules watch EVENTS``: replay a JSON-lines event log and print the alerts.

    ``events`` is a path or ``-`` for stdin; ``fmt`` is ``text`` or ``json`` (JSON lines).
    Returns 0 when no alert is ``missed``, ``too_early`` or ``violated``, 1 when one is, and
    64 when the input cannot be read or the arguments are wrong. Rejected events are
    printed as ``rejected`` alerts and do not change the exit code by themselves.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if fmt not in ("text", "json"):
        print(f"govit-rules watch: unknown format {fmt!r}; use text or json", file=err)
        return EX_USAGE
    if due_within < 0:
        print("govit-rules watch: --due-within must be 0 or more days", file=err)
        return EX_USAGE
    try:
        lines = read_input(events, "event file", MAX_EVENT_FILE_BYTES).splitlines()
    except ProjectValidationError as exc:
        for p in exc.problems:
            print(str(p), file=err)
        return EX_USAGE
    monitor = Monitor(packs, due_within=due_within)
    severe = False
    for alert in monitor.replay(lines):
        severe = severe or alert.severe
        if fmt == "json":
            print(json.dumps(alert.to_dict(), ensure_ascii=False), file=out)
        else:
            print(alert.to_text(), file=out)
    return EX_ALERT if severe else EX_OK
