"""What the status loop builds besides statuses: routes, deadlines and message texts.

Owns the per-evaluation context (:class:`Ctx`: the project, the date, the warnings, the
rendering of a rule's message), the construction of output models without revalidation
(:func:`make`), the route a route rule prescribes (:func:`route_of`) and the Civil Code
deadline arithmetic applied to project facts (:func:`deadline_result`), the recurring
``each_year`` deadline's included (:func:`yearly`, which the portfolio shares).
"""

from __future__ import annotations

import calendar as _pycal
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from .._lang.clock import Clock
from .._law.calendar import WorkdayCalendar
from .._packs.compiled import CompiledPack, CompiledRule
from .._packs.kinds.deadline import DeadlineSpec
from .._packs.template import MessageTemplate
from .._vocab.project import Project
from .._vocab.verdict import DeadlineResult, Occurrence, RouteResult, Status, Text, make

__all__ = ["Ctx", "Yearly", "deadline_result", "make", "route_of", "yearly"]

S = Status


class Ctx:
    """Per-evaluation scratch state; never shared between calls."""

    __slots__ = ("as_of", "clock", "p", "pack", "refs", "warnings")

    def __init__(self, pack: CompiledPack, p: Project, as_of: date) -> None:
        self.pack = pack
        self.p = p
        self.as_of = as_of
        # What a condition reads besides the project: the date, and the calendar of periods.
        self.clock = Clock(as_of, pack.calendar)
        self.warnings: list[str] = []
        self.refs = pack.fixed

    def render(
        self, rule: CompiledRule, status: Status, extra: Mapping[str, Any] | None = None
    ) -> Text:
        static, names = self.pack.messages[rule.id]
        if static is not None:
            return static
        facts = self.p.__dict__
        ctx: dict[str, Any] = {}
        for name in names:
            if name in facts:
                ctx[name] = _plain(facts[name])
        ctx["status"] = status.value
        if extra:
            ctx.update(extra)
        zh, en = rule.message_zh, rule.message_en
        return make(
            Text,
            zh=zh if isinstance(zh, str) else _render(zh, ctx),
            en=en if isinstance(en, str) else _render(en, ctx),
        )


def _render(t: MessageTemplate, ctx: Mapping[str, Any]) -> str:
    try:
        return t.render(ctx)
    except Exception as exc:  # a message must never break a verdict
        return f"[message could not be rendered: {exc}]"


def _plain(v: Any) -> Any:
    if isinstance(v, frozenset):
        return sorted(str(x) for x in v)
    if hasattr(v, "value") and isinstance(getattr(v, "value", None), str):
        return v.value
    return v


def route_of(pack: CompiledPack, rule: CompiledRule) -> RouteResult:
    """The route a rule prescribes (built once per pack: see ``CompiledPack.route_result``)."""
    return pack.route_result(rule.id)


def deadline_result(
    ctx: Ctx, rule: CompiledRule, w: bool | None, not_due: bool
) -> tuple[DeadlineResult, bool]:
    """The deadline result and whether an unknown status should count against the outcome."""
    spec = rule.deadline
    assert spec is not None and rule.anchor is not None
    p = ctx.p
    cal = ctx.pack.calendar
    ref = ctx.refs[rule.id][0]
    anchor_value = getattr(p, rule.anchor)
    done_value = getattr(p, rule.done) if rule.done else None
    reports = None
    if spec.direction == "each_year":
        # Every report's date; the result's done_date is the decisive year's report.
        reports, done_value = done_value, None
    # The stage of a deadline is the rule's, or else the stage its anchor fact belongs to.
    if not not_due and rule.stage is None and p.stage is not None:
        anchor_stage = ctx.pack.anchor_stage.get(rule.anchor)
        not_due = anchor_stage is not None and p.stage.rank < anchor_stage.rank
    due = earliest = latest = None
    provisional = extended = False
    missing: list[str] = []
    occurrences: list[Occurrence] = []
    counts = True
    if w is False:
        status = S.not_applicable
    elif w is None:
        status = S.unknown
        missing = rule.when_missing(p, ctx.clock)
    elif anchor_value is None:
        status = S.upcoming if not_due else S.unknown
        missing = [rule.anchor]
    elif spec.direction == "each_year":
        until = getattr(p, spec.until) if spec.until else None
        y = yearly(cal, spec, anchor_value, until, reports, ctx.as_of)
        status, due, provisional, extended = y.status, y.due, y.provisional, y.extended
        done_value, occurrences = y.done_date, y.occurrences
        if y.clamped:
            ctx.warnings.append(
                f"{rule.id}: a year from {rule.anchor} = {anchor_value} to "
                f"{spec.until or 'the date judged'} is out of range (1–9998); "
                "the years were clamped"
            )
        if status is S.unknown:
            if rule.done:
                missing = [rule.done]
            else:
                counts = False
    else:
        try:
            due, earliest, latest, provisional, extended = _dates(ctx, rule, anchor_value)
        except (OverflowError, ValueError):
            # The period would end after 9999-12-31: no calendar date can be its last day.
            ctx.warnings.append(
                f"{rule.id}: the period from {rule.anchor} = {anchor_value} ends beyond "
                "9999-12-31; its deadline is out of range and was not computed"
            )
            status, counts = S.unknown, False
        else:
            status = _deadline_status(spec.direction, due, earliest, latest, done_value, ctx.as_of)
            if done_value is None and rule.shown_by and earliest is not None:
                # A later step taken before the period could have ended proves it was cut
                # short, even when the period's own end is not given.
                later = [d for d in (getattr(p, f) for f in rule.shown_by) if d is not None]
                if later and min(later) < earliest:
                    status = _deadline_status(
                        spec.direction, due, earliest, latest, min(later), ctx.as_of
                    )
            if status is S.unknown:
                if rule.done:
                    missing = [rule.done]
                else:
                    counts = False
        if provisional:
            first, last_year = cal.data_years
            ctx.warnings.append(
                f"{rule.id}: the period runs beyond the official calendar data ({first}–{last_year}); "
                "it was computed with weekdays as working days and is provisional"
            )
    if status is S.upcoming:
        counts = False
    extra = {
        "due": due,
        "earliest": earliest,
        "latest": latest,
        "anchor_date": anchor_value,
        "done_date": done_value,
    }
    interp = ctx.refs[rule.id][2]
    result = make(
        DeadlineResult,
        rule_id=rule.id,
        citation=ref,
        also_cites=ctx.refs[rule.id][1],
        status=status,
        anchor=rule.anchor,
        anchor_date=anchor_value if isinstance(anchor_value, date) else None,
        anchor_year=anchor_value if isinstance(anchor_value, int) else None,
        period=ctx.pack.period_texts[rule.id],
        due=due,
        earliest=earliest,
        latest=latest,
        done=rule.done,
        done_date=done_value,
        provisional=provisional,
        extended=extended,
        calendar=ctx.pack.calendar_name,
        missing_facts=missing,
        interpretation=interp,
        occurrences=occurrences,
    )
    # The message is rendered when first read.
    object.__setattr__(
        result, "__pydantic_private__", {"_build": lambda _name: ctx.render(rule, status, extra)}
    )
    return result, counts


class Yearly(NamedTuple):
    """A recurring deadline's status, its decisive occurrence and every year's occurrence."""

    status: Status
    due: date
    done_date: date | None
    occurrences: list[Occurrence]
    provisional: bool
    extended: bool
    clamped: bool  # a year lay outside 1–9998 and was brought back into it


def yearly_due(cal: WorkdayCalendar, spec: DeadlineSpec, year: int) -> tuple[date, bool, bool]:
    """``(due, provisional, extended)``: the named day of ``year``, moved per ``rest_day``."""
    last = _pycal.monthrange(year, spec.by_month)[1]
    fixed = date(
        year, spec.by_month, last if spec.by_day == "last" else min(int(spec.by_day), last)
    )
    if spec.rest_day == "stays":
        # The text names the calendar day itself ("每年年底前"): it stays the last day even
        # on a rest day, so a year-end deadline never rolls into January.
        return fixed, False, False
    working, provisional = cal.is_working_day(fixed)
    if working:
        return fixed, provisional, False
    # Civil Code Art. 203: a last day on a rest day moves to the next working day.
    r = cal.next_working_day(fixed)
    return r.date, provisional or r.provisional, True


def yearly(
    cal: WorkdayCalendar,
    spec: DeadlineSpec,
    start: date,
    until: date | None,
    done: tuple[date, ...] | None,
    as_of: date,
) -> Yearly:
    """The occurrences of an ``each_year`` deadline from ``start``'s year to ``until``'s.

    Without ``until`` the cycle runs to ``as_of``'s year. A report meets year Y when dated
    after the previous year's last day and by Y's (the first year: any day up to its last
    day). A past year without one is missed; ``done`` None (not given) leaves it unknown.
    """
    first = start.year
    last = max(first, until.year if until is not None else as_of.year)
    clamped = last > 9998  # a date's year is at least 1
    first, last = max(1, min(9998, first)), max(1, min(9998, last))
    reports = done or ()
    occurrences: list[Occurrence] = []
    provisional = extended = False
    previous: date | None = None
    i = 0
    for year in range(first, last + 1):
        due, prov, ext = yearly_due(cal, spec, year)
        provisional, extended = provisional or prov, extended or ext
        while i < len(reports) and previous is not None and reports[i] <= previous:
            i += 1
        hit = reports[i] if i < len(reports) and reports[i] <= due else None
        if hit is not None:
            status = S.met
        elif due >= as_of:
            status = S.upcoming
        else:
            status = S.unknown if done is None else S.missed
        occurrences.append(make(Occurrence, year=year, due=due, done_date=hit, status=status))
        previous = due
    for wanted in (S.missed, S.unknown, S.upcoming):
        decisive = next((o for o in occurrences if o.status is wanted), None)
        if decisive is not None:
            break
    else:
        decisive, wanted = occurrences[-1], S.met
    return Yearly(
        wanted, decisive.due, decisive.done_date, occurrences, provisional, extended, clamped
    )


_Dates = tuple[date | None, date | None, date | None, bool, bool]


def _dates(ctx: Ctx, rule: CompiledRule, anchor_value: Any) -> _Dates:
    """``(due, earliest, latest, provisional, extended)`` of a deadline from its anchor.

    Raises OverflowError or ValueError when a period would end after 9999-12-31.
    """
    spec = rule.deadline
    assert spec is not None
    cal = ctx.pack.calendar
    due = earliest = latest = None
    provisional = extended = False
    if spec.direction == "within":
        assert spec.period is not None
        r = cal.period_end(anchor_value, spec.period.amount, spec.period.unit, extend_rest_day=True)
        due, provisional, extended = r.date, r.provisional, r.extended
    elif spec.direction == "at_least":
        assert spec.period is not None
        r = cal.period_end(
            anchor_value, spec.period.amount, spec.period.unit, extend_rest_day=False
        )
        earliest, provisional = r.date, r.provisional
    elif spec.direction == "window":
        assert spec.start is not None and spec.end is not None
        r1 = cal.period_end(anchor_value, spec.start.amount, spec.start.unit, extend_rest_day=False)
        r2 = cal.period_end(anchor_value, spec.end.amount, spec.end.unit, extend_rest_day=True)
        earliest, latest = r1.date, r2.date
        provisional, extended = r1.provisional or r2.provisional, r2.extended
    else:  # by: a fixed day of a year named by an integer fact
        year = int(anchor_value) + spec.by_offset
        if not 1 <= year <= 9998:
            year = max(1, min(9998, year))
            ctx.warnings.append(f"{rule.id}: year {anchor_value} is out of range")
        due, provisional, extended = yearly_due(cal, spec, year)
    return due, earliest, latest, provisional, extended


def _deadline_status(
    direction: str,
    due: date | None,
    earliest: date | None,
    latest: date | None,
    done: date | None,
    as_of: date,
) -> Status:
    if direction in ("within", "by"):
        assert due is not None
        if done is not None:
            return S.met if done <= due else S.missed
        return S.upcoming if as_of <= due else S.unknown
    if direction == "at_least":
        assert earliest is not None
        if done is not None:
            return S.met if done >= earliest else S.missed
        return S.upcoming
    assert earliest is not None and latest is not None
    if done is not None:
        if done < earliest:
            return S.too_early
        return S.met if done <= latest else S.missed
    return S.upcoming if as_of <= latest else S.unknown
