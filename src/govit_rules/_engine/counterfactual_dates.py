"""Counterfactuals of deadlines: the last day that still meets a period, and why.

Owns the deadline part of ``Verdict.counterfactuals()``: for a deadline with a completion
date, the day on which completing it would change its status (the due day itself for a
missed period, the day after for a met one); for one not yet done, what each such day
would decide; for a missed one, the nearest start date that would meet it. Each comes with
the calendar reason: the start day is not counted (Civil Code Art. 201), months end on the
corresponding day (Art. 202), a last day on a rest day moves to the next working day
(Art. 203), and working days follow the official holiday arrangement.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .._packs.loader import CompiledPack, CompiledRule
from .._vocab.verdict import DeadlineResult, Status, Text
from .boundaries import probe_values
from .counterfactual import _kind_of, _Session, make, observe

__all__ = ["calendar_note", "deadline_counterfactuals"]

_DAY = timedelta(days=1)
_SEARCH_DAYS = 400


def deadline_counterfactuals(s: _Session) -> None:
    """Add the verified counterfactuals of every deadline of the verdict to ``s``."""
    for d in s.base.deadlines:
        if d.status is Status.not_applicable:
            continue
        rule = s.pack.rule(d.rule_id)
        if not s.wanted(rule):
            continue
        note = calendar_note(s.pack, rule, d)
        if d.occurrences:
            _yearly(s, rule, d, note)
            continue
        try:
            days, probes = _done_days(rule, d), _done_probes(rule, d)
        except OverflowError:  # a last day at the end of the calendar: no day after it
            days, probes = [], []
        if rule.done and d.done_date is not None:
            for day in days:
                s.consider("deadline", rule.id, "deadline", {rule.done: (day, None)}, rule, note)
        elif rule.done:
            s.answers("deadline", rule.id, rule.done, probes)
        if d.status in (Status.missed, Status.too_early):
            _anchor_search(s, rule, d, note)
            for alt in make(rule.when, False, s.p, s.clock):
                s.consider("deadline", rule.id, _kind_of(alt), alt, rule)
        if d.status is Status.unknown:
            for fact in d.missing_facts:
                if fact != rule.done:
                    s.answers("deadline", rule.id, fact, probe_values(fact, [rule], s.p))


def _yearly(s: _Session, rule: CompiledRule, d: DeadlineResult, note: Text) -> None:
    """A yearly deadline: a report on the last day of every year that has none."""
    if not rule.done:
        return
    lacking = tuple(o.due for o in d.occurrences if o.status in (Status.missed, Status.unknown))
    if not lacking:
        return
    reports = tuple(getattr(s.p, rule.done) or ())
    every = tuple(sorted({*reports, *lacking}))
    if d.status is Status.missed:
        s.consider("deadline", rule.id, "deadline", {rule.done: (every, None)}, rule, note)
    elif d.status is Status.unknown:
        s.answers("deadline", rule.id, rule.done, [(), lacking])


def _done_days(rule: CompiledRule, d: DeadlineResult) -> list[date]:
    """Completion days at which the deadline's status changes, nearest first."""
    assert rule.deadline is not None
    direction = rule.deadline.direction
    if direction in ("within", "by") and d.due is not None:
        return [d.due] if d.status is Status.missed else [d.due + _DAY]
    if direction == "at_least" and d.earliest is not None:
        return [d.earliest] if d.status is Status.missed else [d.earliest - _DAY]
    if d.earliest is None or d.latest is None:
        return []
    if d.status is Status.too_early:
        return [d.earliest]
    if d.status is Status.missed:
        return [d.latest]
    return [d.latest + _DAY, d.earliest - _DAY]


def _done_probes(rule: CompiledRule, d: DeadlineResult) -> list[Any]:
    assert rule.deadline is not None
    direction = rule.deadline.direction
    if direction in ("within", "by") and d.due is not None:
        return [d.due, d.due + _DAY]
    if direction == "at_least" and d.earliest is not None:
        return [d.earliest - _DAY, d.earliest]
    if d.earliest is not None and d.latest is not None:
        return [d.earliest - _DAY, d.earliest, d.latest, d.latest + _DAY]
    return []


def _anchor_search(s: _Session, rule: CompiledRule, d: DeadlineResult, note: Text) -> None:
    """The nearest start (or plan year) that no longer misses the deadline."""
    assert rule.anchor is not None and rule.deadline is not None
    anchor: str = rule.anchor
    now = getattr(s.p, anchor)
    if isinstance(now, int):  # a 'by' deadline: the year the plan is for
        s.consider("deadline", rule.id, "deadline", {rule.anchor: (now + 1, None)}, rule, note)
        return
    if not isinstance(now, date):
        return
    # A later start gives more time; a minimum period or a too-early finish needs an earlier one.
    later = rule.deadline.direction != "at_least" and d.status is not Status.too_early
    sign = 1 if later else -1
    status = d.status.value

    def moved(n: int) -> date | None:
        try:
            return now + sign * n * _DAY
        except OverflowError:
            return None

    def ok(n: int) -> bool:
        day = moved(n)
        v = s.eval({anchor: day}) if day is not None else None
        return v is not None and observe(v, "deadline", rule.id) != status

    if not ok(_SEARCH_DAYS):
        return
    lo, hi = 0, _SEARCH_DAYS
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    day = moved(hi)
    if day is not None:
        s.consider("deadline", rule.id, "deadline", {rule.anchor: (day, None)}, rule, note)


def _counted(pack: CompiledPack, start: date, end: date) -> tuple[int, int]:
    """Weekday holidays skipped and weekend make-up working days counted in (start, end]."""
    holidays = make_up = 0
    for ordinal in range(start.toordinal() + 1, end.toordinal() + 1):
        day = date.fromordinal(ordinal)
        working, _ = pack.calendar.is_working_day(day)
        if day.weekday() < 5 and not working:
            holidays += 1
        elif day.weekday() >= 5 and working:
            make_up += 1
    return holidays, make_up


def calendar_note(pack: CompiledPack, rule: CompiledRule, d: DeadlineResult) -> Text:
    """Why the deadline's last (or first) day is the day it is."""
    spec = rule.deadline
    assert spec is not None
    anchor = d.anchor_date
    tail_en = tail_zh = ""
    if d.provisional:
        tail_en = "; provisional: the period runs beyond the official calendar data"
        tail_zh = "；期间超出官方节假日数据范围，结果为暂定"
    if spec.direction in ("by", "each_year") or anchor is None:
        if d.due is None:
            return Text(zh=f"期限：{d.period}{tail_zh}", en=f"deadline: {d.period}{tail_en}")
        moved_en = " (moved past a rest day, Civil Code Art. 203)" if d.extended else ""
        moved_zh = "（原定日为休息日，顺延，民法典第二百零三条）" if d.extended else ""
        return Text(
            zh=f"最后一日为 {d.due}{moved_zh}{tail_zh}",
            en=f"the last day is {d.due}{moved_en}{tail_en}",
        )
    if spec.direction == "at_least":
        return Text(
            zh=f"自 {anchor} 次日起算（民法典第二百零一条），最早 {d.earliest} 满足{d.period}；"
            f"最短期间不因休息日顺延{tail_zh}",
            en=f"counted from the day after {anchor} (Civil Code Art. 201), {d.period} is "
            f"reached on {d.earliest}; a minimum period is not extended over rest days{tail_en}",
        )
    end = spec.period if spec.direction == "within" else spec.end
    last = d.due if spec.direction == "within" else d.latest
    assert end is not None and last is not None
    if end.unit == "working_days":
        holidays, make_up = _counted(pack, anchor, last)
        return Text(
            zh=f"自 {anchor} 次日起算（民法典第二百零一条），{end.describe()} 的最后一日为 {last}；"
            f"其间跳过 {holidays} 个工作日假日，计入 {make_up} 个调休上班日（官方节假日安排）{tail_zh}",
            en=f"counted from the day after {anchor} (Civil Code Art. 201), {end.describe()} "
            f"end on {last}; the count skips {holidays} weekday holiday(s) and counts "
            f"{make_up} weekend make-up working day(s) of the official calendar{tail_en}",
        )
    raw = pack.calendar.period_end(anchor, end.amount, end.unit, extend_rest_day=False).date
    if raw != last:
        return Text(
            zh=f"自 {anchor} 次日起算（民法典第二百零一条），{end.describe()} 止于 {raw}，"
            f"该日为休息日，顺延至 {last}（第二百零三条）{tail_zh}",
            en=f"counted from the day after {anchor} (Civil Code Art. 201), {end.describe()} "
            f"end on {raw}, a rest day, so the last day moves to {last} (Art. 203){tail_en}",
        )
    return Text(
        zh=f"自 {anchor} 次日起算（民法典第二百零一条），{end.describe()} 的最后一日为 {last}，"
        f"该日为工作日{tail_zh}",
        en=f"counted from the day after {anchor} (Civil Code Art. 201), {end.describe()} "
        f"end on {last}, a working day{tail_en}",
    )
