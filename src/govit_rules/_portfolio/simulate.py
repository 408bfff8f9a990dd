"""Policy simulation: a portfolio evaluated under a pack and under a reform of it, compared.

Owns :func:`simulate` and the :class:`Simulation` it returns: both audits, and a table of
the projects whose outcome, final approver (of any route) or any deadline's due day
changes, with the before and after values side by side.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import polars as pl

from .._packs.loader import CompiledPack
from .audit import MONEY, Audit, summarise
from .backend import Backend, Progress, evaluate_frame
from .reform import Reform, apply_reform, load_reform

__all__ = ["Simulation", "simulate"]


class Simulation:
    """What a reform changes over a portfolio; both sides' audit summaries on demand."""

    def __init__(
        self,
        reform: Reform,
        results: tuple[pl.DataFrame, pl.DataFrame],
        packs: tuple[CompiledPack, CompiledPack],
        as_of: date,
        money: pl.Series,
        changes: pl.DataFrame,
    ) -> None:
        self.reform = reform
        self.results = results  # the portfolio output under the pack, then the reform
        self.packs = packs
        self.as_of = as_of
        self.money = money
        self.changes = changes  # one row per changed project: id, money, before/after

    def _audit(self, side: int) -> Audit:
        pack = self.packs[side]
        labelled = self.results[side].with_columns(pl.lit(pack.jurisdiction).alias("jurisdiction"))
        return summarise(labelled, {pack.jurisdiction: pack}, self.as_of, self.money)

    @cached_property
    def before(self) -> Audit:
        return self._audit(0)

    @cached_property
    def after(self) -> Audit:
        return self._audit(1)

    @property
    def projects(self) -> int:
        return self.results[0].height

    def count(self, what: str) -> int:
        """Projects whose ``outcome``, ``approver`` or ``deadline`` changes."""
        return int(self.changes[f"{what}_changed"].sum())


def simulate(
    frame: pl.DataFrame,
    as_of: date,
    pack: CompiledPack,
    reform: Reform | str,
    *,
    backend: Backend | None = None,
    progress: Progress | None = None,
) -> Simulation:
    """Evaluate the rows of ``pack``'s jurisdiction under the pack and under the reform."""
    ref = reform if isinstance(reform, Reform) else load_reform(reform)
    reformed = apply_reform(pack, ref)
    j = pack.jurisdiction
    if "jurisdiction" in frame.columns:
        frame = frame.filter(pl.col("jurisdiction").fill_null(j) == j).drop("jurisdiction")
    if "project_id" not in frame.columns:
        ids = pl.Series("project_id", [f"row {i + 1}" for i in range(frame.height)])
        frame = frame.insert_column(0, ids)
    before = evaluate_frame(pack, frame, as_of, backend=backend, progress=progress)
    after = evaluate_frame(reformed, frame, as_of, backend=backend, progress=progress)
    money = (
        frame[MONEY].cast(pl.Float64)  # charts only
        if MONEY in frame.columns
        else pl.Series(MONEY, [None] * frame.height, dtype=pl.Float64)
    )
    changes = _changes(before, after, frame)
    return Simulation(ref, (before, after), (pack, reformed), as_of, money, changes)


def _changes(before: pl.DataFrame, after: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    def cols(prefix: str) -> list[str]:
        seen = [c for c in before.columns if c.startswith(prefix)]
        return seen + [c for c in after.columns if c.startswith(prefix) and c not in seen]

    def side(df: pl.DataFrame, c: str, dtype: pl.DataType) -> pl.Series:
        return df[c] if c in df.columns else pl.Series(c, [None] * df.height, dtype=dtype)

    def differs(a: pl.Series, b: pl.Series) -> pl.Series:
        return a.ne_missing(b)

    out: dict[str, pl.Series] = {"project_id": before["project_id"]}
    if MONEY in frame.columns:
        out[MONEY] = frame[MONEY]
    out["outcome_before"] = before["outcome"]
    out["outcome_after"] = after["outcome"]
    outcome = differs(before["outcome"], after["outcome"])
    approver = pl.Series([False] * before.height, dtype=pl.Boolean)
    for c in cols("approver:"):
        a, b = side(before, c, pl.Utf8()), side(after, c, pl.Utf8())
        d = differs(a, b)
        if d.any():  # only the routes the reform touches
            out[f"{c}:before"], out[f"{c}:after"] = a, b
            approver = approver | d
    deadline = pl.Series([False] * before.height, dtype=pl.Boolean)
    moved: dict[str, pl.Series] = {}
    for c in cols("due:"):
        d = differs(side(before, c, pl.Date()), side(after, c, pl.Date()))
        deadline = deadline | d
        moved[c[4:]] = d
    names = [pl.when(pl.col(rule)).then(pl.lit(rule)) for rule in moved]
    out["deadlines_moved"] = (
        pl.DataFrame(moved)
        .select(pl.concat_str(names, separator=", ", ignore_nulls=True))
        .to_series()
        .alias("deadlines_moved")
        if moved
        else pl.Series("deadlines_moved", [""] * before.height)
    )
    out["outcome_changed"] = outcome
    out["approver_changed"] = approver
    out["deadline_changed"] = deadline
    table = pl.DataFrame(out)
    return table.filter(outcome | approver | deadline)
