"""The columnar evaluator: one compiled pack over a whole table of projects at once.

Owns :func:`evaluate_columns` and :func:`verdict_for_row`. The checked condition trees of
a pack become Polars expressions (``exprs.py``), deadline dates come from the calendar
as arrays (``deadlines.py``), and each rule kind's status and the outcome follow
``_engine/evaluate.py`` exactly (``statuses.py``). No Python runs per row. The answers are the
per-project engine's, cell for cell (``tests/test_columnar.py`` checks this on generated
portfolios for every shipped pack); the full, cited :class:`Verdict` of any row is one
call away.

Output columns, in order: ``project_id`` (when given), ``outcome``, ``status:<rule>`` for
every rule in pack order (null for a rule the engine did not reach: every non-scope rule
of a project outside the regulation's scope, every rule when the pack is not in force),
``approver:<route>`` for every route of the pack, ``due:<rule>`` for every deadline rule.
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

import polars as pl

from .._lang.conditions import TrueCond
from .._packs.loader import CompiledPack
from .._vocab.verdict import Outcome, Verdict
from .deadlines import DEFAULT_SPAN, DeadlinePlan, yearly_column, yearly_columns
from .exprs import LeafCache, check_documents, normalise
from .models import check_own_facts
from .rowwise import output_schema, project_of_row
from .statuses import STATUS_TEXT, RuleColumns, StatusBuilder, code_column, read_facts, stage_rank

__all__ = ["as_frame", "evaluate_columns", "output_schema", "verdict_for_row"]


Stages = tuple[tuple[pl.Expr, ...], ...]
_KEEP = 8  # compiled stages kept per pack (one per evaluation date and calendar span)
_PLANS: weakref.WeakKeyDictionary[CompiledPack, dict[Any, Any]] = weakref.WeakKeyDictionary()


def _pack_cache(pack: CompiledPack) -> dict[Any, Any]:
    """Per-pack memo of what is built once: deadline arrays and compiled stages."""
    found = _PLANS.get(pack)
    if found is None:
        found = _PLANS[pack] = {"deadlines": DeadlinePlan(pack)}
    return found


def stages(pack: CompiledPack, as_of: date, span: tuple[int, int]) -> Stages:
    """The expressions, stage by stage, computing the output from normalised facts.

    They depend on the pack, the evaluation date and the calendar span only, so they are
    built once and reused for every batch of a portfolio.
    """
    memo = _pack_cache(pack)
    key = (as_of, span)
    if key in memo:
        found: Stages = memo[key]
        return found
    cache = LeafCache(pack.project_model, as_of, pack.calendar)
    cols: dict[str, RuleColumns] = {}
    conditions: list[pl.Expr] = []
    for n, rule in enumerate(pack.rules):
        named: list[pl.Expr | None] = []
        for part, cond in (("w", rule.when), ("m", rule.main), ("u", rule.unless)):
            if cond is None:
                named.append(None)
            elif isinstance(cond, TrueCond):
                named.append(pl.lit(True))
            else:
                name = f"__{part}{n}"
                conditions.append(cache.expr(cond).alias(name))
                named.append(pl.col(name))
        assert named[0] is not None and named[1] is not None
        cols[rule.id] = RuleColumns(named[0], named[1], named[2])

    builder = StatusBuilder(pack, cols, as_of, cache)
    scope_false = pl.col("__scope_false")
    codes = [*builder.scope_codes(), *builder.other_codes()]
    date_names = {
        f"{k}:{r.id}": f"__{k}:{r.id}"
        for r in pack.rules
        if r.kind == "deadline"
        for k in ("due", "earliest", "latest")
    }
    raw_dates, dates = memo["deadlines"].stages(span, date_names)
    made = {e.meta.output_name() for e in dates}
    dates += [pl.lit(None, dtype=pl.Date).alias(n) for n in date_names.values() if n not in made]
    # A deadline recurring each year: its status and due day, computed once per row.
    dates += [
        yearly_columns(pack, r, as_of).alias(yearly_column(r.id))
        for r in pack.checked_rules
        if r.deadline is not None and r.deadline.direction == "each_year"
    ]
    names = pl.lit(pl.Series(STATUS_TEXT, dtype=pl.Utf8))

    def text(rule_id: str) -> pl.Expr:
        # A gather: ten times cheaper than a replace. A null code (a rule not reached) stays null.
        return names.gather(pl.col(code_column(rule_id))).alias(f"status:{rule_id}")

    built: Stages = (
        (stage_rank(), *raw_dates),
        (*dates, *cache.leaf_columns()),
        tuple(conditions),
        (builder.scope_false().alias("__scope_false"),),
        tuple(e.alias(code_column(e.meta.output_name())) for e in codes),
        (
            builder.outcome(scope_false).alias("outcome"),
            *[text(rule.id) for rule in pack.rules],
            *builder.approvers(scope_false),
            *builder.dues(scope_false),
        ),
    )
    if span != DEFAULT_SPAN:
        # A batch with dates far outside the usual years (up to 9999) needs calendar arrays
        # of millions of days, held by the stages' literals: built for it, never kept.
        return built
    # A few evaluation dates are kept; a caller sweeping dates does not grow memory.
    plans = [k for k in memo if k != "deadlines"]
    for old in plans[: max(0, len(plans) - _KEEP + 1)]:
        memo.pop(old, None)
    memo[key] = built
    return built


def as_frame(data: Any) -> pl.DataFrame:
    """A Polars frame from a Polars frame, an Arrow table (or stream) or a pandas frame."""
    if isinstance(data, pl.DataFrame):
        return data
    if type(data).__module__.split(".")[0] == "pandas":
        return pl.from_pandas(data)
    if hasattr(data, "__arrow_c_stream__") or type(data).__module__.startswith("pyarrow"):
        frame = pl.from_arrow(data)
        if isinstance(frame, pl.DataFrame):
            return frame
    raise TypeError(
        f"a portfolio is a Polars or pandas DataFrame or an Arrow table, not {type(data).__name__}"
    )


def evaluate_columns(pack: CompiledPack, frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Outcome, every rule's status, every route's approver and every due date, per row.

    ``frame`` may also be an Arrow table or a pandas frame; ``.to_arrow()`` on the result
    gives Arrow out.
    """
    frame = as_frame(frame)
    check_own_facts(frame, pack.jurisdiction, pack.project_model)
    base = normalise(frame, read_facts(pack), pack.project_model)
    check_documents(frame, pack.jurisdiction, sorted(pack.documents))
    if not pack.in_force(as_of):
        return _not_in_force(frame, output_schema(pack, "project_id" in frame.columns))
    plan = stages(pack, as_of, _pack_cache(pack)["deadlines"].span(base))
    lazy = base.lazy()
    for stage in plan[:-1]:
        lazy = lazy.with_columns(stage)
    # The stages are already minimal: the optimiser's passes over some 600 expressions
    # cost more than they save (measured: a fifth of the time).
    out = lazy.select(plan[-1]).collect(engine="in-memory", optimizations=pl.QueryOptFlags.none())
    if "project_id" in frame.columns:
        out = out.insert_column(0, frame["project_id"])
    return out


def _not_in_force(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Outside its period of force a pack says nothing about any rule."""
    n = frame.height
    columns = []
    for name, dtype in schema.items():
        if name == "project_id":
            columns.append(frame["project_id"])
        elif name == "outcome":
            columns.append(pl.Series(name, [Outcome.not_in_force.value] * n, dtype=pl.Utf8))
        else:
            columns.append(pl.Series(name, [None] * n, dtype=dtype))
    return pl.DataFrame(columns)


def verdict_for_row(pack: CompiledPack, frame: pl.DataFrame, i: int, as_of: date) -> Verdict:
    """The full, cited verdict of the per-project engine for row ``i`` of ``frame``."""
    project = project_of_row(as_frame(frame), i, pack.project_model)
    verdict: Verdict = pack.evaluate(project, as_of)
    return verdict
