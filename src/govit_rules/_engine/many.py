"""Many projects against one pack: in order, in one process or over a process pool.

Owns :func:`evaluate_many`. With ``workers > 1`` the projects go to worker processes in
chunks; each worker loads the pack once (from its folder) and sends back only what the
verdict decides (outcome, statuses of scope, routes, deadline dates, warnings), which the
parent turns into lazy :class:`~govit_rules.Verdict` objects. Reading a verdict's
findings, messages or missing facts re-evaluates that one project in the parent, so a
caller that reads outcomes, routes and deadlines never pays for them, and one that reads
everything gets exactly what :func:`~govit_rules.evaluate` returns.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from .._packs.loader import CompiledPack, load_pack
from .._vocab.project import Project
from .._vocab.verdict import Verdict
from ..errors import GovitRulesError
from .evaluate import evaluate_pack, lazy_from_parts, verdict_parts

__all__ = ["evaluate_many"]

ProjectInput = Project | Mapping[str, Any] | str | bytes

_CHUNK = 256
_IN_FLIGHT_PER_WORKER = 4


def evaluate_many(
    projects: Iterable[ProjectInput],
    pack: CompiledPack,
    *,
    workers: int | None = None,
    as_of: date | None = None,
    chunk_size: int = _CHUNK,
) -> Iterator[Verdict]:
    """Verdicts for ``projects`` in input order (see :func:`govit_rules.evaluate_many`)."""
    on = as_of or date.today()
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)):
        raise TypeError(f"workers must be a whole number or None, got {workers!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if workers is None or workers == 1:
        for project in projects:
            yield evaluate_pack(pack, project, on)
        return
    yield from _pooled(projects, pack, workers, on, chunk_size)


def _pooled(
    projects: Iterable[ProjectInput], pack: CompiledPack, workers: int, on: date, size: int
) -> Iterator[Verdict]:
    # fork is cheapest where it is safe; spawn elsewhere (and on 3.14's default).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if os.environ.get("GOVIT_START_METHOD"):
        method = os.environ["GOVIT_START_METHOD"]
    ctx = multiprocessing.get_context(method)
    pending: deque[tuple[list[ProjectInput], Future[list[Any]]]] = deque()
    it = iter(projects)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init, initargs=(str(pack.path),)
    ) as pool:

        def submit() -> bool:
            chunk = list(itertools.islice(it, size))
            if not chunk:
                return False
            pending.append((chunk, pool.submit(_work, _portable(chunk), on)))
            return True

        while len(pending) < workers * _IN_FLIGHT_PER_WORKER and submit():
            pass
        while pending:
            chunk, fut = pending.popleft()
            results = fut.result()
            submit()
            for project, parts in zip(chunk, results, strict=True):
                if isinstance(parts, GovitRulesError):
                    raise parts
                yield lazy_from_parts(pack, project, on, parts)


def _portable(chunk: list[ProjectInput]) -> list[Any]:
    # Validated projects travel as their field values (cheaper than pickling the model).
    return [p.model_dump(exclude_none=True) if isinstance(p, Project) else p for p in chunk]


_PACK: CompiledPack | None = None


def _init(folder: str) -> None:
    global _PACK
    _PACK = load_pack(Path(folder))


def _work(chunk: list[Any], on: date) -> list[Any]:
    assert _PACK is not None
    out: list[Any] = []
    for project in chunk:
        try:
            out.append(verdict_parts(evaluate_pack(_PACK, project, on)))
        except GovitRulesError as exc:
            out.append(exc)
    return out
