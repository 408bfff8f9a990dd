"""Deadline dates for a whole column of projects: the working-day calendar as arrays.

Owns the columnar form of ``WorkdayCalendar.period_end`` and of the evaluator's fixed-day
(``by``) deadlines. For the span of days a batch needs, the calendar becomes two arrays:
the ordered day numbers of every working day, and for every day the count of working days
up to it. The ``n``-th working day after a start day is then one gather (Civil Code
Art. 201: the starting day is not counted), and so is the next working day after a last
day that falls on a rest day (Art. 203). Month and year periods end on the corresponding
day of the final month, or its last day (Art. 202), as Polars' calendar offsets do.

Beyond the official data the calendar counts Monday to Friday, as the engine does; the
arrays follow the very same rule, so such dates agree with the engine (which flags them
provisional; the columnar output carries dates only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from .._calendar import WorkdayCalendar
from .._pack import CompiledPack, CompiledRule
from .._schema import PeriodSpec

__all__ = ["CalendarArrays", "deadline_columns"]

_EPOCH = date(1970, 1, 1).toordinal()


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


@dataclass(frozen=True)
class CalendarArrays:
    """One calendar over days ``first``…``last`` (day numbers since 1970-01-01)."""

    first: int
    last: int
    working: pl.Series  # Boolean, one per day of the span
    count: pl.Series  # working days up to and including each day of the span
    days: pl.Series  # day number of every working day of the span, ascending

    @classmethod
    def build(cls, cal: WorkdayCalendar, first: int, last: int) -> CalendarArrays:
        official = cal._official
        span = pl.int_range(first, last + 1, dtype=pl.Int32, eager=True)
        # 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
        weekday = (span + 3) % 7 < 5
        holidays = pl.Series([_day(d) for d in official.holidays], dtype=pl.Int32)
        make_up = pl.Series([_day(d) for d in official.make_up_working_days], dtype=pl.Int32)
        rest = pl.Series([_day(d) for d in cal._extra_rest], dtype=pl.Int32)
        work = pl.Series([_day(d) for d in cal._extra_work], dtype=pl.Int32)
        # Precedence as in WorkdayCalendar._working: pack working day, pack rest day,
        # official make-up working day (调休), official holiday, then the ordinary week.
        working = (
            pl.DataFrame({"d": span, "w": weekday})
            .select(
                pl.when(pl.col("d").is_in(work.implode()))
                .then(True)
                .when(pl.col("d").is_in(rest.implode()))
                .then(False)
                .when(pl.col("d").is_in(make_up.implode()))
                .then(True)
                .when(pl.col("d").is_in(holidays.implode()))
                .then(False)
                .otherwise(pl.col("w"))
                .alias("w")
            )
            .to_series()
        )
        count = working.cast(pl.Int64).cum_sum()
        return cls(first, last, working, count, span.filter(working))

    def next_working(self, day: pl.Expr) -> pl.Expr:
        """The first working day strictly after ``day`` (a day number)."""
        return pl.lit(self.days).gather(pl.lit(self.count).gather(day - self.first))

    def nth_working(self, day: pl.Expr, n: int) -> pl.Expr:
        """The ``n``-th working day after ``day``; ``day`` itself is not counted."""
        return pl.lit(self.days).gather(pl.lit(self.count).gather(day - self.first) + (n - 1))

    def is_working(self, day: pl.Expr) -> pl.Expr:
        return pl.lit(self.working).gather(day - self.first)


def _as_day(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int32)


def _as_date(day: pl.Expr) -> pl.Expr:
    return day.cast(pl.Int32).cast(pl.Date)


def _raw_last(start: pl.Expr, period: PeriodSpec) -> pl.Expr | None:
    """Art. 202's last day of a calendar period (None for working days, counted later)."""
    n, unit = period.amount, period.unit
    if n == 0:
        return start
    if unit == "days":
        return start.dt.offset_by(f"{n}d")
    if unit == "months":
        return start.dt.offset_by(f"{n}mo")
    if unit == "years":
        return start.dt.offset_by(f"{n}y")
    return None


def _by_day(rule: CompiledRule) -> pl.Expr:
    """The fixed day of a ``by`` deadline, before Art. 203 moves it off a rest day."""
    spec = rule.deadline
    assert spec is not None and rule.anchor is not None
    # Out-of-range years are clamped, as the engine does (it also warns).
    year = (pl.col(rule.anchor) + spec.by_offset).clip(1, 9998).cast(pl.Int32)
    first = pl.date(year, spec.by_month, 1)
    month_end = first.dt.month_end()
    if spec.by_day == "last":
        return month_end
    return pl.min_horizontal(first.dt.offset_by(f"{int(spec.by_day) - 1}d"), month_end)


def _needs(rule: CompiledRule) -> list[tuple[str, PeriodSpec | None, bool]]:
    """(output, period, extend on rest day) for each date a rule computes."""
    spec = rule.deadline
    assert spec is not None
    if spec.direction == "within":
        return [("due", spec.period, True)]
    if spec.direction == "at_least":
        return [("earliest", spec.period, False)]
    if spec.direction == "window":
        return [("earliest", spec.start, False), ("latest", spec.end, True)]
    return [("due", None, True)]  # by


def deadline_columns(
    pack: CompiledPack, frame: pl.DataFrame, names: dict[str, str]
) -> list[pl.Expr]:
    """Date columns ``due``/``earliest``/``latest`` for every deadline rule of the pack.

    ``names`` maps ``"<output>:<rule_id>"`` to the column name to produce. The result is
    computed for every row with a known anchor, whatever the rule's status will be.
    """
    rules = [r for r in pack._others if r.kind == "deadline"]
    raw: dict[str, pl.Expr] = {}
    plans: list[tuple[str, CompiledRule, str, PeriodSpec | None, bool]] = []
    for rule in rules:
        for out, period, extend in _needs(rule):
            key = f"{out}:{rule.id}"
            plans.append((key, rule, out, period, extend))
            assert rule.anchor is not None
            if period is None:
                raw[key] = _by_day(rule)
            else:
                last = _raw_last(pl.col(rule.anchor), period)
                if last is not None:
                    raw[key] = last
    if not plans:
        return []
    # One calendar span covering every start and every raw last day of this batch.
    anchors = sorted({r.anchor for r in rules if r.anchor and not _is_year(r)})
    probes = [_as_day(pl.col(a)) for a in anchors] + [_as_day(e) for e in raw.values()]
    bounds = frame.select(
        pl.min_horizontal([p.min() for p in probes]).alias("lo"),
        pl.max_horizontal([p.max() for p in probes]).alias("hi"),
    ).row(0)
    lo, hi = bounds
    if lo is None or hi is None:
        return [pl.lit(None, dtype=pl.Date).alias(names[p[0]]) for p in plans]
    most = max(
        (p[3].amount for p in plans if p[3] is not None and p[3].unit == "working_days"),
        default=0,
    )
    # Enough days after the last start for the longest count of working days: at most two
    # rest days a week, the longest official holiday, and every pack rest day.
    pad = 2 * most + 40 + len(pack.calendar._extra_rest)
    arrays = CalendarArrays.build(pack.calendar, int(lo) - 1, int(hi) + pad)
    exprs: list[pl.Expr] = []
    for key, rule, _out, period, extend in plans:
        assert rule.anchor is not None
        start = _as_day(pl.col(rule.anchor))
        if period is not None and period.unit == "working_days" and period.amount > 0:
            day = arrays.nth_working(start, period.amount)
        else:
            last = _as_day(raw[key])
            if extend and not (period is not None and period.amount == 0):
                day = (
                    pl.when(arrays.is_working(last)).then(last).otherwise(arrays.next_working(last))
                )
            else:
                day = last
        exprs.append(_as_date(day).alias(names[key]))
    return exprs


def _is_year(rule: CompiledRule) -> bool:
    return rule.deadline is not None and rule.deadline.direction == "by"
