"""The row-wise reference: the per-project engine run on each row of a table.

Owns the meaning of the columnar output contract, stated in the plainest way: build each
row's project (a null cell is an unknown fact, so it is left out), evaluate it, and read
the outcome, each rule's status, each route's final approver and each deadline's due day
from the verdict. Slow by design; ``columnar.py`` must agree with it cell for cell.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from .._model import Project
from .._pack import CompiledPack
from .._testing import _status_of
from .._verdict import Verdict

__all__ = ["evaluate_rows", "project_of_row", "verdict_row"]


def project_of_row(frame: pl.DataFrame, i: int) -> dict[str, Any]:
    """Row ``i`` as a project: its known facts (columns that are no fact are ignored)."""
    row = frame.row(i, named=True)
    return {
        k: v
        for k, v in row.items()
        if v is not None and k in Project.model_fields and k != "project_id"
    }


def verdict_row(pack: CompiledPack, verdict: Verdict) -> dict[str, Any]:
    """The output row of one verdict (without ``project_id``)."""
    out: dict[str, Any] = {"outcome": verdict.outcome.value}
    for rule in pack.rules:
        out[f"status:{rule.id}"] = _status_of(verdict, rule.id)  # pack tests read statuses alike
    for route in pack.routes:
        out[f"approver:{route}"] = verdict.final_approver(route)
    for rule in pack.rules:
        if rule.kind == "deadline":
            try:
                due = verdict.deadline(rule.id).due
            except KeyError:
                due = None
            out[f"due:{rule.id}"] = due
    return out


def evaluate_rows(pack: CompiledPack, frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The columnar output, computed one project at a time by the per-project engine."""
    from .columnar import output_schema

    with_id = "project_id" in frame.columns
    schema = output_schema(pack, with_id=False)
    rows = [
        verdict_row(pack, pack.evaluate(project_of_row(frame, i), as_of))
        for i in range(frame.height)
    ]
    out = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    if with_id:
        out = out.insert_column(0, frame["project_id"])
    return out
