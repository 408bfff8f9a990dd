"""The row-wise reference backend: the per-project engine run on each row of a table.

Owns the meaning of the portfolio output contract, stated in the plainest way: build each
row's project (a null cell is an unknown fact, so it is left out), evaluate it, and read
the outcome, each rule's status, each route's final approver and each deadline's due day
from the verdict. Slow by design; the columnar backend must agree with it cell for cell.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from .._packs.loader import CompiledPack
from .._vocab.project import Project
from .._vocab.verdict import Verdict
from .models import check_own_facts

__all__ = ["evaluate_rows", "output_schema", "project_of_row", "verdict_row"]


def output_schema(pack: CompiledPack, with_id: bool) -> dict[str, pl.DataType]:
    """The output columns and their types, in order (the contract of both backends)."""
    schema: dict[str, pl.DataType] = {}
    if with_id:
        schema["project_id"] = pl.Utf8()
    schema["outcome"] = pl.Utf8()
    for rule in pack.rules:
        schema[f"status:{rule.id}"] = pl.Utf8()
    for route in pack.routes:
        schema[f"approver:{route}"] = pl.Utf8()
    for rule in pack.rules:
        if rule.kind == "deadline":
            schema[f"due:{rule.id}"] = pl.Date()
    return schema


def project_of_row(frame: pl.DataFrame, i: int, model: type[Project] = Project) -> dict[str, Any]:
    """Row ``i`` as a project of ``model`` (the pack's project model): its known facts
    (columns that are no fact of the model are ignored)."""
    return _known(frame.row(i, named=True), model)


def _known(row: dict[str, Any], model: type[Project]) -> dict[str, Any]:
    return {
        k: v
        for k, v in row.items()
        if v is not None and k in model.model_fields and k != "project_id"
    }


def verdict_row(pack: CompiledPack, verdict: Verdict) -> dict[str, Any]:
    """The output row of one verdict (without ``project_id``).

    A rule's status is read as the pack tests read it (``rule_status`` of the verdict module): its
    finding, else its deadline, else ``not_applicable`` when its condition did not hold,
    else null (not reached: outside the scope, or the pack not in force).
    """
    status: dict[str, str] = {r: "not_applicable" for r in verdict.not_applicable}
    status.update((d.rule_id, d.status.value) for d in verdict.deadlines)
    status.update((f.rule_id, f.status.value) for f in verdict.findings)
    due = {d.rule_id: d.due for d in verdict.deadlines}
    approver = {r.route: r.final_approver for r in reversed(verdict.approval_routes)}
    out: dict[str, Any] = {"outcome": verdict.outcome.value}
    for rule in pack.rules:
        out[f"status:{rule.id}"] = status.get(rule.id)
    for route in pack.routes:
        out[f"approver:{route}"] = approver.get(route)  # the first route of that name
    for rule in pack.rules:
        if rule.kind == "deadline":
            out[f"due:{rule.id}"] = due.get(rule.id)
    return out


def evaluate_rows(pack: CompiledPack, frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The portfolio output, computed one project at a time by the per-project engine."""
    schema = output_schema(pack, with_id=False)
    model = pack.project_model
    check_own_facts(frame, pack.jurisdiction, model)
    rows = [
        verdict_row(pack, pack.evaluate(_known(row, model), as_of))
        for row in frame.iter_rows(named=True)
    ]
    out = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    if "project_id" in frame.columns:
        out = out.insert_column(0, frame["project_id"].cast(pl.Utf8))
    return out
