"""The date a condition is evaluated on, and date arithmetic on the pack's calendar.

Owns :class:`Clock`: ``today`` for conditions that test the evaluation date ("as of today
the approval is void"), and :meth:`Clock.plus`, the last day of a period counted from a
date exactly as a deadline counts it (Civil Code Art. 201: the starting day is not
counted; Art. 202: a period in months or years ends on the corresponding day; Art. 203: a
last day on a rest day moves to the next working day). One clock serves one evaluation and
notes when its arithmetic ran beyond the official calendar's data.
"""

from __future__ import annotations

from datetime import date

from .._law.calendar import PeriodUnit, WorkdayCalendar
from .nodes import Period

__all__ = ["Clock"]


class Clock:
    """The evaluation date and the working-day calendar a condition's periods count on."""

    __slots__ = ("calendar", "provisional", "today")

    def __init__(self, today: date, calendar: WorkdayCalendar | None = None) -> None:
        self.today = today
        self.calendar = calendar if calendar is not None else WorkdayCalendar()
        # Set when a period ran beyond the official holiday data (weekdays were counted as
        # working days there): the evaluator turns it into a warning.
        self.provisional = False

    def plus(self, start: date, period: Period) -> date | None:
        """The last day of ``period`` counted from ``start``; None when it would end after
        9999-12-31 (no calendar date is its last day, so a test on it stays unknown)."""
        unit: PeriodUnit = period.unit  # type: ignore[assignment]
        try:
            r = self.calendar.period_end(start, period.amount, unit, extend_rest_day=True)
        except (OverflowError, ValueError):
            return None
        if r.provisional:
            self.provisional = True
        return r.date
