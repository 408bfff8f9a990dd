"""Checked condition trees compiled into Polars expressions over a table of projects.

Owns the columnar meaning of the condition language: the same three-valued answers as
``_conditions.ConditionCompiler`` gives for one project, one row at a time, but computed
for a whole column at once. A null cell is an unknown fact; Polars' Kleene ``&``, ``|``
and ``~`` over null are exactly our ``all``, ``any`` and ``not`` over unknown, and a
comparison with a null cell is null, as a test of a missing fact is unknown.

Money stays exact: literals are ``Decimal`` columns, and a scaled fact reference
(``times: "0.1"``) is compared after multiplying both sides by whole numbers, never by a
fraction (Polars rounds a Decimal product to the wider operand's scale).

Each distinct leaf test becomes one temporary column, computed once however many rules
test it; composite conditions only combine those columns.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any

import polars as pl

from .._lang.clock import Clock
from .._lang.conditions import (
    DATE_OPS,
    NUMERIC_OPS,
    TODAY,
    All,
    AnyOf,
    Cond,
    FactRef,
    FactType,
    Known,
    Not,
    Test,
    TrueCond,
    fact_types,
)
from .._law.calendar import WorkdayCalendar
from .._vocab.project import FIRST_YEAR, LAST_YEAR, Project
from .._vocab.suggest import suggest
from ..errors import Problem, ProjectValidationError

__all__ = ["LeafCache", "check_documents", "fact_dtype", "normalise"]

_COMPARE = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}
# The same comparison with its sides swapped.
_CONVERSE = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def _holds(a: Any, symbol: str, b: Any) -> bool:
    return bool(
        {
            ">=": a >= b,
            ">": a > b,
            "<=": a <= b,
            "<": a < b,
            "==": a == b,
            "!=": a != b,
        }[symbol]
    )


def fact_dtype(ftype: FactType) -> pl.DataType:
    """The column type a fact of this kind is evaluated as (the input contract)."""
    kind = ftype.kind
    if kind == "number":
        return pl.Decimal(38, 2)
    if kind == "integer":
        return pl.Int64()
    if kind == "bool":
        return pl.Boolean()
    if kind == "date":
        return pl.Date()
    if kind == "set":
        return pl.List(pl.Utf8)
    if kind == "dates":
        return pl.List(pl.Date)
    return pl.Utf8()


def _lit(value: Any) -> pl.Expr:
    if isinstance(value, Enum):
        return pl.lit(value.value, dtype=pl.Utf8)
    if isinstance(value, bool):
        return pl.lit(value, dtype=pl.Boolean)
    if isinstance(value, int):
        return pl.lit(value, dtype=pl.Int64)
    if isinstance(value, Decimal):
        return _decimal_lit(value)
    if isinstance(value, date):
        return pl.lit(value, dtype=pl.Date)
    return pl.lit(str(value), dtype=pl.Utf8)


def _decimal_lit(value: Decimal) -> pl.Expr:
    exponent = value.as_tuple().exponent
    scale = max(0, -exponent) if isinstance(exponent, int) else 0
    exact = value.quantize(Decimal(1).scaleb(-scale))  # 2E+2 -> 200, never a float
    return pl.lit(exact, dtype=pl.Decimal(38, scale))


def _whole(value: Decimal) -> tuple[int, int]:
    """``value`` as ``numerator / 10**k`` with whole numbers (for exact scaling)."""
    exponent = value.as_tuple().exponent
    k = max(0, -exponent) if isinstance(exponent, int) else 0
    return int(value.scaleb(k)), 10**k


@functools.cache
def _types(model: type[Project] = Project) -> Mapping[str, FactType]:
    """The fact types of a project model: a pack's own (``CompiledPack.project_model``)."""
    return MappingProxyType(fact_types(model))


def normalise(
    frame: pl.DataFrame, facts: list[str], model: type[Project] = Project
) -> pl.DataFrame:
    """The facts a pack reads, each as a column of its contract type (absent ones null).

    ``model`` is the pack's project model. Integers and decimal text become exact
    decimals; a float money column is refused, as a float has already lost the exact
    amount.
    """
    types = _types(model)
    schema = frame.schema  # built anew on every access: read it once
    problems: list[Problem] = []
    exprs: list[pl.Expr] = []
    for name in facts:
        ftype = types[name]
        want = fact_dtype(ftype)
        if name not in schema:
            exprs.append(pl.lit(None, dtype=want).alias(name))
            continue
        have = schema[name]
        col = pl.col(name)
        if ftype.kind == "number":
            if isinstance(have, pl.Decimal):
                exprs.append(col)
                continue
            if have.is_float():
                problems.append(
                    Problem(
                        name,
                        0,
                        0,
                        "bad-value",
                        f"{name!r} is money: give it as a decimal, not a float",
                    )
                )
                continue
            # Whole numbers are exact at scale 0; text keeps up to six decimal places.
            scale = 0 if have.is_integer() else 6
            exprs.append(col.cast(pl.Decimal(38, scale), strict=True))
        elif ftype.kind == "set" or have != want:
            exprs.append(col.cast(want, strict=True))
        else:
            exprs.append(col)
    if problems:
        raise ProjectValidationError(
            f"the portfolio has {len(problems)} unusable column(s)", problems
        )
    try:
        base = frame.select(exprs)
    except pl.exceptions.PolarsError:
        base = _locate_cast_failure(frame, exprs, model)
    check_values(base, model)
    return base


def _locate_cast_failure(
    frame: pl.DataFrame, exprs: list[pl.Expr], model: type[Project] = Project
) -> pl.DataFrame:
    """Name every column whose cells cannot be read as their fact's type."""
    problems = []
    for expr in exprs:
        try:
            frame.select(expr)
        except pl.exceptions.PolarsError as exc:
            name = expr.meta.output_name()
            first = str(exc).strip().splitlines()[0]
            kind = _types(model)[name].describe()
            problems.append(Problem(name, 0, 0, "bad-value", f"{name!r} holds a {kind}: {first}"))
    raise ProjectValidationError(
        f"the portfolio has {len(problems)} unusable column(s)", problems
    ) from None


@functools.cache
def _rejects(fact: str, value: Any, model: type[Project] = Project) -> bool:
    """The project model refuses ``value`` for ``fact`` (a negative amount, a percent > 100)."""
    from pydantic import ValidationError

    try:
        model.model_validate({fact: value})
    except ValidationError:
        return True
    return False


def check_values(base: pl.DataFrame, model: type[Project] = Project) -> None:
    """Refuse, with row and column, what the project ``model`` would refuse in a cell.

    Values outside a fact's vocabulary (with a did-you-mean), negative amounts and
    percentages above 100; the per-project engine rejects such projects too.
    """
    types = _types(model)
    checks: dict[str, tuple[pl.Expr, str]] = {}
    for name in base.columns:
        ftype = types[name]
        col = pl.col(name)
        if ftype.enum is not None:
            members = [m.value for m in ftype.enum]
            if ftype.kind == "set":
                outside = pl.element().is_in(members).not_() | pl.element().is_null()
                bad = col.list.eval(outside).list.any()
            else:
                bad = ~col.is_in(members)
            checks[name] = (bad, f"is not a value of {name!r} (allowed: {', '.join(members)})")
        elif ftype.kind == "integer" and _rejects(name, FIRST_YEAR - 1, model):
            # A year (plan_year …): the project model admits the years of its calendar.
            checks[name] = (
                (col < FIRST_YEAR) | (col > LAST_YEAR),
                f"is out of range for {name!r} (a year {FIRST_YEAR}–{LAST_YEAR})",
            )
        elif ftype.kind in ("number", "integer"):
            zero = Decimal(-1) if ftype.kind == "number" else -1
            if _rejects(name, zero, model):
                bad = col < 0
                if ftype.kind == "number" and _rejects(name, Decimal(101), model):
                    bad = bad | (col > 100)
                checks[name] = (bad, f"is out of range for {name!r}")
    if not checks:
        return
    found = base.select(
        [bad.fill_null(False).any().alias(name) for name, (bad, _) in checks.items()]
    ).row(0, named=True)
    problems = []
    for name, hit in found.items():
        if not hit:
            continue
        bad, message = checks[name]
        row = int(base.select(bad.fill_null(False).arg_true().first()).item())
        value = base[name][row]
        hint = ""
        if types[name].kind == "enum" and types[name].enum is not None:
            hint = suggest(value, [m.value for m in types[name].enum or ()])
        problems.append(Problem(f"row {row + 1}", 0, 0, "bad-value", f"{value!r} {message}{hint}"))
    if problems:
        raise ProjectValidationError(f"the portfolio has {len(problems)} bad column(s)", problems)


def check_documents(frame: pl.DataFrame, pack: str, known: list[str]) -> None:
    """Refuse, with row and column, a submitted document id the pack does not declare.

    The engine refuses such a project (``_input.unknown_documents``): the id is most
    likely mistyped, and counting it as a missing document would lose it silently.
    """
    name = "submitted_documents"
    if name not in frame.columns:
        return
    try:
        docs = frame.select(pl.col(name).cast(pl.List(pl.Utf8), strict=True)).to_series()
    except pl.exceptions.PolarsError:
        _locate_cast_failure(frame, [pl.col(name).cast(pl.List(pl.Utf8), strict=True)])
    # A null member is no document id either (the project model refuses it too).
    stray = pl.element().is_in(known).not_() | pl.element().is_null()
    outside = docs.list.eval(stray).list.any().fill_null(False)
    if not outside.any():
        return
    row = int(outside.arg_true()[0])
    bad = [d for d in docs[row] if d not in known]
    problems = [
        Problem(
            f"row {row + 1}",
            0,
            0,
            "unknown-document",
            f"{name!r}: no document {d!r} in the {pack} pack{suggest(d, known)}",
        )
        for d in bad[:5]
    ]
    raise ProjectValidationError(
        f"{name} names document(s) the {pack} pack does not know (its documents: "
        f"{', '.join(known) or 'none'})",
        problems,
    )


class LeafCache:
    """Compiles conditions; every distinct leaf becomes one named temporary column.

    ``model`` is the pack's project model, ``today`` the evaluation date ``as_of``, and a
    period added to a date counts on the pack's ``calendar`` exactly as the engine's clock
    does.
    """

    def __init__(
        self,
        model: type[Project] = Project,
        as_of: date | None = None,
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        self.types = _types(model)
        self.leaves: dict[tuple[Any, ...], tuple[str, pl.Expr]] = {}
        self.clock = Clock(as_of or date.today(), calendar)

    def leaf_columns(self) -> list[pl.Expr]:
        return [expr.alias(name) for name, expr in self.leaves.values()]

    def expr(self, cond: Cond) -> pl.Expr:
        """A Boolean expression: true, false or null (unknown) for every row."""
        if isinstance(cond, TrueCond):
            return pl.lit(True, dtype=pl.Boolean)
        if isinstance(cond, Known | Test):
            return self._cached(cond)
        if isinstance(cond, Not):
            return ~self.expr(cond.part)
        if isinstance(cond, All | AnyOf):
            parts = [self.expr(p) for p in cond.parts]
            out = parts[0]
            for part in parts[1:]:
                out = out & part if isinstance(cond, All) else out | part
            return out
        raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover

    def _cached(self, leaf: Known | Test) -> pl.Expr:
        key: tuple[Any, ...]
        if isinstance(leaf, Known):
            key = ("known", leaf.fact, leaf.expected)
        else:
            value = leaf.value
            frozen = tuple(sorted(map(str, value))) if isinstance(value, frozenset) else value
            key = ("test", leaf.fact, leaf.op, type(value).__name__, frozen)
        hit = self.leaves.get(key)
        if hit is None:
            name = f"__leaf{len(self.leaves)}"
            body = self._known(leaf) if isinstance(leaf, Known) else self._test(leaf)
            hit = self.leaves[key] = (name, body)
        return pl.col(hit[0])

    @staticmethod
    def _known(leaf: Known) -> pl.Expr:
        col = pl.col(leaf.fact)
        return col.is_not_null() if leaf.expected else col.is_null()

    def _date(self, fact: str) -> pl.Expr:
        return pl.lit(self.clock.today, dtype=pl.Date) if fact == TODAY else pl.col(fact)

    def _date_ref(self, ref: FactRef) -> pl.Expr:
        """A date compared with: a fact or ``today``, with a period added when ``plus``."""
        base = self._date(ref.fact)
        period = ref.plus
        if period is None:
            return base
        clock = self.clock
        if ref.fact == TODAY:
            return pl.lit(clock.plus(clock.today, period), dtype=pl.Date)

        def shift(s: pl.Series) -> pl.Series:
            # The engine's own arithmetic, once per distinct date of the batch.
            last = {d: clock.plus(d, period) for d in s.drop_nulls().unique().to_list()}
            return pl.Series(s.name, [last.get(d) for d in s.to_list()], dtype=pl.Date)

        return base.map_batches(shift, return_dtype=pl.Date)

    def _dated(self, t: Test) -> pl.Expr:
        """A date test where one side may be the evaluation date (a constant): the column,
        if any, stands on the left, so that the leaf is a full column of the batch."""
        symbol = DATE_OPS.get(t.op) or {"eq": "==", "ne": "!="}[t.op]
        lhs = self._date(t.fact)
        rhs = self._date_ref(t.value) if isinstance(t.value, FactRef) else _lit(t.value)
        if t.fact == TODAY:
            if isinstance(t.value, FactRef) and t.value.fact != TODAY:
                lhs, rhs, symbol = rhs, lhs, _CONVERSE[symbol]
            else:  # two constants: the same answer for every row
                today = self.clock.today
                other = t.value
                if isinstance(other, FactRef):
                    other = today if other.plus is None else self.clock.plus(today, other.plus)
                value = None if other is None else _holds(today, symbol, other)
                return pl.repeat(pl.lit(value, dtype=pl.Boolean), pl.len())
        if symbol == "==":
            return lhs == rhs
        if symbol == "!=":
            return lhs != rhs
        return _compare(lhs, symbol, rhs)

    def _test(self, t: Test) -> pl.Expr:
        col = self._date(t.fact)
        op = t.op
        value = t.value
        symbol = NUMERIC_OPS.get(op) or DATE_OPS.get(op)
        if t.fact == TODAY or (isinstance(value, FactRef) and self.types[t.fact].kind == "date"):
            return self._dated(t)
        if isinstance(value, FactRef):
            lhs, rhs = self._scaled(t.fact, value)
            if symbol is not None:
                return _compare(lhs, symbol, rhs)
            if op == "eq":
                return lhs == rhs
            if op == "ne":
                return lhs != rhs
            raise ValueError(op)  # pragma: no cover - the parser admits no other
        if symbol is not None:
            return _compare(col, symbol, _lit(value))
        if op == "eq":
            return col == _lit(value)
        if op == "ne":
            return col != _lit(value)
        if op in ("in", "not_in"):
            hit = _any_equal(col, value)
            return hit if op == "in" else ~hit
        # Set tests. A null list is an unknown set, whatever is asked of it: Polars' list
        # functions give null there. Counting matches is twice as fast as ``list.contains``,
        # and one pass over the elements tests several members at once.
        members = sorted(value, key=str) if isinstance(value, frozenset) else [value]
        plain = [m.value if isinstance(m, Enum) else m for m in members]
        if op in ("contains", "contains_all"):
            return _fold([col.list.count_matches(m) > 0 for m in plain], "and")
        hit = col.list.eval(pl.element().is_in(plain)).list.any()
        if op == "contains_any":
            return hit
        if op == "contains_none":
            return ~hit
        raise ValueError(op)  # pragma: no cover - the parser admits no other operator

    def _scaled(self, fact: str, ref: FactRef) -> tuple[pl.Expr, pl.Expr]:
        """Both sides of ``fact ? ref.fact * times`` as exact, comparable expressions."""
        kinds = {self.types[fact].kind, self.types[ref.fact].kind}
        lhs, rhs = pl.col(fact), pl.col(ref.fact)
        if "number" in kinds or ref.times is not None:
            lhs, rhs = _as_decimal(lhs, self.types[fact]), _as_decimal(rhs, self.types[ref.fact])
        if ref.times is None:
            return lhs, rhs
        # a ? b * n/10**k  <=>  a * 10**k ? b * n, with whole multipliers only.
        numerator, denominator = _whole(ref.times)
        return (
            lhs * pl.lit(Decimal(denominator), dtype=pl.Decimal(38, 0)),
            rhs * pl.lit(Decimal(numerator), dtype=pl.Decimal(38, 0)),
        )


def _as_decimal(expr: pl.Expr, ftype: FactType) -> pl.Expr:
    return expr.cast(pl.Decimal(38, 0)) if ftype.kind == "integer" else expr


def _compare(lhs: pl.Expr, symbol: str, rhs: pl.Expr) -> pl.Expr:
    method = _COMPARE[symbol]
    result: pl.Expr = getattr(lhs, method)(rhs)
    return result


def _any_equal(col: pl.Expr, values: frozenset[Any]) -> pl.Expr:
    items = sorted(values, key=str)
    if all(isinstance(v, str | Enum) for v in items) or all(
        isinstance(v, int) and not isinstance(v, bool) for v in items
    ):
        plain = [v.value if isinstance(v, Enum) else v for v in items]
        return col.is_in(plain)
    return _fold([col == _lit(v) for v in items], "or")


def _fold(parts: list[pl.Expr], how: str) -> pl.Expr:
    out = parts[0]
    for part in parts[1:]:
        out = out & part if how == "and" else out | part
    return out
