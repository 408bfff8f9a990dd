"""Deadline dates for a whole column of projects: the working-day calendar as arrays.

Owns the columnar form of ``WorkdayCalendar.period_end`` and of the evaluator's fixed-day
(``by``) deadlines, and the per-row call of the engine's own arithmetic for a deadline
recurring each year (``each_year``). For the span of days a batch needs, the calendar becomes two arrays:
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

from .._engine.results import yearly, yearly_due
from .._law.calendar import WorkdayCalendar
from .._packs.loader import CompiledPack, CompiledRule
from .._packs.schema import PeriodSpec

__all__ = ["DEFAULT_SPAN", "CalendarArrays", "DeadlinePlan", "yearly_column", "yearly_columns"]

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
        span = pl.int_range(first, last + 1, dtype=pl.Int32, eager=True)
        # 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
        weekday = (span + 3) % 7 < 5
        holidays = pl.Series([_day(d) for d in cal.official_holidays], dtype=pl.Int32)
        make_up = pl.Series([_day(d) for d in cal.official_working_days], dtype=pl.Int32)
        rest = pl.Series([_day(d) for d in cal.extra_rest_days], dtype=pl.Int32)
        work = pl.Series([_day(d) for d in cal.extra_working_days], dtype=pl.Int32)
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


def _as_date(day: pl.Expr) -> pl.Expr:
    return day.cast(pl.Int32).cast(pl.Date)


def _raw_last(start: pl.Expr, period: PeriodSpec) -> pl.Expr | None:
    """Art. 202's last day (a day number) of a calendar period; None for working days."""
    n, unit = period.amount, period.unit
    if n == 0:
        return start.cast(pl.Int32)
    if unit == "days":
        return start.cast(pl.Int32) + n
    if unit == "months":
        return start.dt.offset_by(f"{n}mo").cast(pl.Int32)
    if unit == "years":
        return start.dt.offset_by(f"{n}y").cast(pl.Int32)
    return None


def _span_days(period: PeriodSpec | None) -> int:
    """An upper bound of a period's length in days (for sizing the calendar arrays)."""
    if period is None:
        return 0
    per = {"days": 1, "working_days": 2, "months": 31, "years": 366}[period.unit]
    return period.amount * per


def _by_table(cal: WorkdayCalendar, rule: CompiledRule) -> pl.Series:
    """For every year 1…9998, the due day (a day number) of a fixed-day deadline.

    Computed once per pack by the engine's own function (:func:`yearly_due`: the fixed
    day, the month's last day when the month is shorter, moved per the rule's
    ``rest_day``), then gathered by year.
    """
    spec = rule.deadline
    assert spec is not None
    return pl.Series([_day(yearly_due(cal, spec, y)[0]) for y in range(1, 9999)], dtype=pl.Int32)


_YEARLY = pl.Struct({"status": pl.Utf8, "due": pl.Date})


def yearly_column(rule_id: str) -> str:
    """The column holding an ``each_year`` deadline's struct (see :func:`yearly_columns`)."""
    return f"__yearly:{rule_id}"


def yearly_columns(pack: CompiledPack, rule: CompiledRule, as_of: date) -> pl.Expr:
    """An ``each_year`` deadline's status text and decisive due day, as a struct per row.

    The occurrences of every row are those of ``_engine.results.yearly`` itself (the same
    function, one call a row with a known anchor): a cycle of years against a list of
    report dates has no array form worth its risk of disagreeing with the engine.
    """
    spec = rule.deadline
    assert spec is not None and rule.anchor is not None
    cal = pack.calendar
    fields = [
        pl.col(rule.anchor).alias("a"),
        (pl.col(spec.until) if spec.until else pl.lit(None, dtype=pl.Date)).alias("u"),
        (pl.col(rule.done) if rule.done else pl.lit(None, dtype=pl.List(pl.Date))).alias("d"),
    ]

    def run(rows: pl.Series) -> pl.Series:
        out: list[dict[str, object] | None] = []
        # The answer depends on the two years and the reports only: projects sharing them
        # share one computation.
        seen: dict[tuple[int, int | None, tuple[date, ...] | None], dict[str, object]] = {}
        for row in rows.to_list():
            start, until, done = row["a"], row["u"], row["d"]
            if start is None:
                out.append(None)
                continue
            reports = (
                tuple(sorted({d for d in done if d is not None})) if done is not None else None
            )
            key = (start.year, until.year if until is not None else None, reports)
            found = seen.get(key)
            if found is None:
                y = yearly(cal, spec, start, until, reports, as_of)
                found = seen[key] = {"status": y.status.value, "due": y.due}
            out.append(found)
        return pl.Series(out, dtype=_YEARLY)

    return pl.struct(fields).map_batches(run, return_dtype=_YEARLY)


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
    if spec.direction == "each_year":
        return []  # its dates depend on the evaluation date: see yearly_columns
    return [("due", None, True)]  # by


# The span of days the calendar arrays cover unless a batch needs more: built once per pack.
DEFAULT_SPAN = (_day(date(1990, 1, 1)), _day(date(2100, 12, 31)))


class DeadlinePlan:
    """Everything a pack's deadlines need, built once per pack: arrays and year tables."""

    def __init__(self, pack: CompiledPack) -> None:
        self.pack = pack
        self.rules = [r for r in pack.checked_rules if r.kind == "deadline"]
        self.plans = [(r, *need) for r in self.rules for need in _needs(r)]
        self.anchors = sorted({r.anchor for r in self.rules if r.anchor and not _is_year(r)})
        longest = max((_span_days(p[2]) for p in self.plans), default=0)
        # Enough days after the last start for the longest period: at most two rest days
        # a week, the longest official holiday, and every pack rest day.
        self.reach = longest + 40 + len(pack.calendar.extra_rest_days)
        self.years = {r.id: _by_table(pack.calendar, r) for r in self.rules if _is_year(r)}
        self._arrays: dict[tuple[int, int], CalendarArrays] = {}

    def span(self, frame: pl.DataFrame) -> tuple[int, int]:
        """The days this batch needs: the default span, widened to its own dates."""
        lo, hi = DEFAULT_SPAN
        if self.anchors:
            days = [pl.col(a).cast(pl.Int32) for a in self.anchors]
            first, last = frame.select(
                pl.min_horizontal([d.min() for d in days]).alias("first"),
                pl.max_horizontal([d.max() for d in days]).alias("last"),
            ).row(0)
            if first is not None and last is not None:
                lo, hi = min(lo, int(first) - 1), max(hi, int(last) + self.reach)
        return lo, hi

    def arrays(self, span: tuple[int, int]) -> CalendarArrays:
        found = self._arrays.get(span)
        if found is None:
            found = CalendarArrays.build(self.pack.calendar, *span)
            if span == DEFAULT_SPAN:
                self._arrays[span] = found
        return found

    def stages(self, span: tuple[int, int], names: dict[str, str]) -> list[list[pl.Expr]]:
        """Two stages of expressions: raw last days, then the calendar's moves.

        ``names`` maps ``"<output>:<rule_id>"`` to the Date column to produce. Dates are
        computed for every row with a known anchor, whatever the rule's status will be.
        """
        arrays = self.arrays(span)
        raw: list[pl.Expr] = []
        final: list[pl.Expr] = []
        for rule, out, period, extend in self.plans:
            assert rule.anchor is not None
            key = f"{out}:{rule.id}"
            tmp = f"__raw:{key}"
            anchor = pl.col(rule.anchor)
            if period is None:  # by: a fixed day of a year named by an integer fact
                spec = rule.deadline
                assert spec is not None
                # Out-of-range years are clamped, as the engine does (it also warns).
                year = (anchor + spec.by_offset).clip(1, 9998) - 1
                final.append(_as_date(pl.lit(self.years[rule.id]).gather(year)).alias(names[key]))
                continue
            if period.unit == "working_days" and period.amount > 0:
                day = arrays.nth_working(anchor.cast(pl.Int32), period.amount)
                final.append(_as_date(day).alias(names[key]))
                continue
            last = _raw_last(anchor, period)
            assert last is not None
            raw.append(last.alias(tmp))
            if extend and period.amount > 0:
                moved = (
                    pl.when(arrays.is_working(pl.col(tmp)))
                    .then(pl.col(tmp))
                    .otherwise(arrays.next_working(pl.col(tmp)))
                )
            else:
                moved = pl.col(tmp)
            final.append(_as_date(moved).alias(names[key]))
        return [raw, final]


def _is_year(rule: CompiledRule) -> bool:
    return rule.deadline is not None and rule.deadline.direction == "by"
