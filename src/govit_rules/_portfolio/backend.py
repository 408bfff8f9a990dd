"""Evaluating a whole portfolio: the backend switch, batches, and several jurisdictions.

Owns :func:`evaluate_frame` (one pack over one table, in batches, with a progress
callback) and :func:`evaluate_portfolio` (a table whose ``jurisdiction`` column picks each
row's pack). Two backends give the same output: ``columnar`` (vectorised, the default when
it is installed) and ``rows`` (the per-project engine on each row, the reference).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Literal, TypedDict

import polars as pl

from .._packs.loader import CompiledPack
from .._vocab.suggest import suggest
from ..errors import PortfolioError, Problem
from .models import check_own_facts, packs_of

__all__ = [
    "Backend",
    "PortfolioOptions",
    "default_backend",
    "evaluate_frame",
    "evaluate_portfolio",
]

Backend = Literal["columnar", "rows"]
Evaluator = Callable[[CompiledPack, pl.DataFrame, date], pl.DataFrame]
Progress = Callable[[int], None]
BATCH = 100_000


def default_backend() -> Backend:
    """``columnar`` when the vectorised evaluator is importable, else ``rows``."""
    try:
        from . import columnar  # noqa: F401
    except ImportError:
        return "rows"
    return "columnar"


def evaluator(backend: Backend | None = None) -> Evaluator:
    """The evaluator function of ``backend`` (the default one when None)."""
    chosen = backend or default_backend()
    if chosen == "columnar":
        from .columnar import evaluate_columns  # type: ignore[import-not-found, import-untyped, unused-ignore]

        fn: Evaluator = evaluate_columns
        return fn
    if chosen == "rows":
        from .rowwise import evaluate_rows

        return evaluate_rows
    raise ValueError(f"unknown backend {chosen!r}: use 'columnar' or 'rows'")


def evaluate_frame(
    pack: CompiledPack,
    frame: pl.DataFrame,
    as_of: date,
    *,
    backend: Backend | None = None,
    batch_size: int = BATCH,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """One pack over a typed input frame, batch by batch; ``progress(n)`` after each batch."""
    fn = evaluator(backend)
    parts: list[pl.DataFrame] = []
    for start in range(0, frame.height, batch_size):
        batch = frame.slice(start, batch_size)
        parts.append(fn(pack, batch, as_of))
        if progress is not None:
            progress(batch.height)
    if not parts:
        return fn(pack, frame, as_of)
    return pl.concat(parts, how="vertical") if len(parts) > 1 else parts[0]


class PortfolioOptions(TypedDict, total=False):
    """The options of :func:`evaluate_portfolio`, for the functions that pass them on."""

    jurisdiction: str | None
    pack: CompiledPack | Iterable[CompiledPack] | None
    backend: Backend | None
    progress: Progress | None
    source: str


def evaluate_portfolio(
    frame: pl.DataFrame,
    as_of: date,
    *,
    jurisdiction: str | None = None,
    pack: CompiledPack | Iterable[CompiledPack] | None = None,
    backend: Backend | None = None,
    progress: Progress | None = None,
    source: str = "<portfolio>",
) -> tuple[pl.DataFrame, dict[str, CompiledPack]]:
    """Evaluate every row with its jurisdiction's pack; return the results and the packs.

    A ``jurisdiction`` column picks each row's pack: ``pack`` (one or several, e.g. packs
    outside the library) for the rows of its jurisdiction, the shipped pack otherwise;
    ``jurisdiction`` (or the one ``pack``) is the default for rows without one. A row
    gives values only for its own pack's facts (``unknown-fact`` otherwise). The results
    keep the input order and carry a ``jurisdiction`` column; rule columns of packs a row
    was not evaluated by are null.
    """
    from .._api import get_pack, jurisdictions

    given = {p.jurisdiction: p for p in packs_of(pack)}
    default = next(iter(given)) if len(given) == 1 else jurisdiction
    if "jurisdiction" in frame.columns:
        names = frame["jurisdiction"].fill_null(pl.lit(default, dtype=pl.Utf8))
    else:
        names = pl.Series("jurisdiction", [default] * frame.height, dtype=pl.Utf8)
    known = [*jurisdictions(), *(j for j in given if j not in jurisdictions())]
    wanted = names.unique(maintain_order=True).to_list()
    if not wanted and default is not None:  # no rows: still the columns of the default pack
        wanted = [default]
    problems: list[Problem] = []
    packs: dict[str, CompiledPack] = {}
    for j in wanted:
        rows_of = names.is_null() if j is None else names == j
        row = int(rows_of.arg_true()[0]) if frame.height else 0
        if j is None:
            problems.append(
                Problem(
                    source,
                    row + 1,
                    0,
                    "missing-jurisdiction",
                    f"row {row + 1} has no jurisdiction: pass -j/--jurisdiction "
                    "or fill the jurisdiction column",
                )
            )
        elif j in given:
            packs[j] = given[j]
        elif j not in known:
            hint = suggest(j, known) or f"; known: {', '.join(known)}"
            problems.append(
                Problem(
                    source,
                    row + 1,
                    0,
                    "unknown-jurisdiction",
                    f"row {row + 1}: no pack for jurisdiction {j!r}{hint}",
                )
            )
        else:
            packs[j] = get_pack(j, as_of)
    if problems:
        raise PortfolioError(f"{source}: {len(problems)} problem(s) in the portfolio", problems)

    indexed = frame.drop("jurisdiction", strict=False).with_columns(
        names.alias("jurisdiction"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("__row")
    )
    parts: list[pl.DataFrame] = []
    groups = [(j, p, indexed.filter(pl.col("jurisdiction") == j)) for j, p in packs.items()]
    for j, p, rows in groups:  # every row is checked before any is judged
        check_own_facts(rows, j, p.project_model, (source, rows["__row"]))
    for _, p, rows in groups:
        result = evaluate_frame(
            p, rows.drop("jurisdiction", "__row"), as_of, backend=backend, progress=progress
        )
        parts.append(result.with_columns(rows["jurisdiction"], rows["__row"]))
    if not parts:
        return pl.DataFrame({"jurisdiction": pl.Series([], dtype=pl.Utf8)}), packs
    out = pl.concat(parts, how="diagonal_relaxed").sort("__row").drop("__row")
    front = [c for c in ("project_id", "jurisdiction") if c in out.columns]
    return out.select(*front, pl.exclude(front)), packs
