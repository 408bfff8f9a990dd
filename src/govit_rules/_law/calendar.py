"""Statutory periods and the official working-day calendar.

This module owns every date computation the engine makes about legal deadlines:

* which days are working days (the State Council's annual holiday arrangement, as
  published in the ``chinese_calendar`` package, plus rest/working days a rule pack
  may add on top);
* where a period counted in days, working days, months or years ends, following the
  PRC Civil Code (民法典) Arts. 201-203.

Dates beyond the official data never raise: the calendar falls back to "Monday to
Friday are working days" and marks the result ``provisional`` so that callers can say
the deadline may move once the State Council publishes that year's arrangement.

Everything here is immutable; a :class:`WorkdayCalendar` may be shared across threads.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata
from typing import Final, Literal, get_args

import chinese_calendar  # type: ignore[import-untyped]

__all__ = ["PeriodResult", "PeriodUnit", "WorkdayCalendar"]

PeriodUnit = Literal["days", "working_days", "months", "years"]

_UNITS: Final[frozenset[str]] = frozenset(get_args(PeriodUnit))
_ONE_DAY: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """The outcome of a period computation.

    ``date`` is the last day of the period (or the counted working day);
    ``provisional`` is True if any day consulted lay outside the official calendar
    data, so a future holiday arrangement could change the answer; ``extended`` is
    True if Civil Code Art. 203 moved the last day past a rest day.
    """

    date: date
    provisional: bool
    extended: bool


@dataclass(frozen=True, slots=True)
class _OfficialData:
    """Immutable snapshot of the ``chinese_calendar`` tables."""

    holidays: frozenset[date]
    make_up_working_days: frozenset[date]
    first_year: int
    last_year: int
    version: str


def _load_official() -> _OfficialData:
    holidays = frozenset(_as_date(d) for d in chinese_calendar.holidays)
    workdays = frozenset(_as_date(d) for d in chinese_calendar.workdays)
    # chinese_calendar itself treats the years spanned by its holiday table as the
    # covered range (and raises outside it); mirror that exactly.
    years = [d.year for d in holidays]
    try:
        version = metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored/odd installs
        version = str(getattr(chinese_calendar, "__version__", "unknown"))
    return _OfficialData(
        holidays=holidays,
        make_up_working_days=workdays,
        first_year=min(years),
        last_year=max(years),
        version=version,
    )


def _as_date(d: date) -> date:
    # datetime is a subclass of date but never compares equal to one, so a datetime
    # would silently miss every lookup in the holiday sets.
    return d.date() if isinstance(d, datetime) else d


# Built once at import: the package's tables are static data, and a frozen snapshot
# is safe to share between every calendar instance and thread.
_OFFICIAL: Final = _load_official()


def _working_ordinals(official: _OfficialData) -> tuple[int, ...]:
    """Ordinals of every official working day in the covered years, in order.

    Counting n working days then becomes one bisection instead of a walk day by day.
    """
    out = []
    d = date(official.first_year, 1, 1)
    end = date(official.last_year, 12, 31)
    while d <= end:
        if d in official.make_up_working_days or (d not in official.holidays and d.weekday() < 5):
            out.append(d.toordinal())
        d += timedelta(days=1)
    return tuple(out)


_WORKING_ORDINALS: Final = _working_ordinals(_OFFICIAL)


def _add_months(start: date, months: int) -> date:
    """Civil Code Art. 202: the corresponding day of the final month, else its last day."""
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    last_day = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


class WorkdayCalendar:
    """Official calendar plus optional pack-supplied extra rest days and extra working days.

    Precedence, most specific first: a pack's extra working day, a pack's extra rest
    day, the official make-up working days (调休), the official holidays, and finally
    the ordinary week (Saturday and Sunday rest).
    """

    __slots__ = ("_extra_rest", "_extra_work", "_official")

    def __init__(
        self,
        extra_rest_days: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self._official: _OfficialData = _OFFICIAL
        self._extra_work: frozenset[date] = frozenset(_as_date(d) for d in extra_working_days)
        self._extra_rest: frozenset[date] = (
            frozenset(_as_date(d) for d in extra_rest_days) - self._extra_work
        )

    def __repr__(self) -> str:
        return f"WorkdayCalendar({self.name!r})"

    @property
    def name(self) -> str:
        """Human-readable source of the calendar, for reports and audit trails."""
        first, last = self.data_years
        name = f"chinese-calendar {self._official.version} ({first}–{last})"
        extras = len(self._extra_rest) + len(self._extra_work)
        if extras:
            name += f" + {extras} pack day{'s' if extras != 1 else ''}"
        return name

    @property
    def official_holidays(self) -> frozenset[date]:
        """The official rest days of the holiday arrangements in the data."""
        return self._official.holidays

    @property
    def official_working_days(self) -> frozenset[date]:
        """The official make-up working days (调休) in the data."""
        return self._official.make_up_working_days

    @property
    def extra_rest_days(self) -> frozenset[date]:
        """The pack's extra rest days (those not also named extra working days)."""
        return self._extra_rest

    @property
    def extra_working_days(self) -> frozenset[date]:
        """The pack's extra working days."""
        return self._extra_work

    @property
    def data_years(self) -> tuple[int, int]:
        """First and last year for which the official holiday arrangement is known."""
        return self._official.first_year, self._official.last_year

    def covers(self, d: date) -> bool:
        """True if ``d`` lies inside the official data or is an explicit pack day."""
        d = _as_date(d)
        return self._covered(d)

    def is_working_day(self, d: date) -> tuple[bool, bool]:
        """Return ``(is working day, provisional)`` for ``d``."""
        d = _as_date(d)
        return self._working(d), not self._covered(d)

    def next_working_day(self, d: date) -> PeriodResult:
        """The first working day strictly after ``d`` (``extended`` is always False)."""
        day, provisional = self._next_working(_as_date(d))
        return PeriodResult(day, provisional, extended=False)

    def add_working_days(self, start: date, n: int) -> PeriodResult:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted.

        Art. 201 excludes the starting day. The result is a working day by
        construction, so Art. 203 never applies (``extended`` is always False).
        """
        if n < 1:
            raise ValueError(f"n must be >= 1 working day, got {n}")
        day = _as_date(start)
        if not self._extra_work and not self._extra_rest:
            ords = _WORKING_ORDINALS
            first = date(self._official.first_year, 1, 1).toordinal()
            i = bisect_right(ords, day.toordinal()) + n - 1
            if day.toordinal() >= first and i < len(ords):
                return PeriodResult(date.fromordinal(ords[i]), False, extended=False)
        provisional = False
        for _ in range(n):
            day, step_provisional = self._next_working(day)
            provisional = provisional or step_provisional
        return PeriodResult(day, provisional, extended=False)

    def period_end(
        self,
        start: date,
        amount: int,
        unit: PeriodUnit,
        *,
        extend_rest_day: bool = True,
    ) -> PeriodResult:
        """Last day of a period of ``amount`` ``unit`` beginning after ``start``.

        Art. 201: the starting day is not counted. Art. 202: a period in months or
        years ends on the corresponding day of the final month, or that month's last
        day. Art. 203: a last day falling on a rest day moves to the next working day
        (only if ``extend_rest_day``; some rules count calendar days strictly).
        An ``amount`` of 0 returns ``start`` itself, unextended.
        """
        if unit not in _UNITS:
            raise ValueError(f"unknown period unit {unit!r}; expected one of {sorted(_UNITS)}")
        if amount < 0:
            raise ValueError(f"period amount must be >= 0, got {amount}")
        start = _as_date(start)
        if amount == 0:
            return PeriodResult(start, provisional=False, extended=False)
        if unit == "working_days":
            return self.add_working_days(start, amount)
        if unit == "days":
            last = start + timedelta(days=amount)
        elif unit == "months":
            last = _add_months(start, amount)
        else:
            last = _add_months(start, 12 * amount)
        provisional = not self._covered(last)
        if not extend_rest_day or self._working(last):
            return PeriodResult(last, provisional, extended=False)
        moved, moved_provisional = self._next_working(last)
        return PeriodResult(moved, provisional or moved_provisional, extended=True)

    # -- internals -------------------------------------------------------------------

    def _covered(self, d: date) -> bool:
        return (
            self._official.first_year <= d.year <= self._official.last_year
            or d in self._extra_work
            or d in self._extra_rest
        )

    def _working(self, d: date) -> bool:
        if d in self._extra_work:
            return True
        if d in self._extra_rest:
            return False
        # A make-up working day (调休) is a working day even on a weekend, which is why
        # Art. 203's "statutory rest day" cannot simply mean Saturday or Sunday.
        if d in self._official.make_up_working_days:
            return True
        if d in self._official.holidays:
            return False
        return d.weekday() < 5

    def _next_working(self, d: date) -> tuple[date, bool]:
        provisional = False
        while True:
            d += _ONE_DAY
            provisional = provisional or not self._covered(d)
            if self._working(d):
                return d, provisional
