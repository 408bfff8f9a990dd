"""Conditions on the evaluation date: ``today`` and periods added to dates (issue 13).

A condition may compare a date with the date it is evaluated on, and with the last day of
a period counted from a date as a deadline counts it (Civil Code Arts. 201-203). Pinned
here: parsing and its located errors, the arithmetic at its edges (rest days, month ends,
the calendar's data, 9999-12-31), and that every engine (compiled functions, the fused
status function, the interpreter, Rete and the columnar portfolio) gives the same answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers import FEATURES, copy_fixture

from govit_rules import PackError, Project, evaluate, get_pack, load_pack
from govit_rules._io.yaml import load_yaml
from govit_rules._lang.clock import Clock
from govit_rules._lang.conditions import (
    ConditionCompiler,
    ConditionParser,
    FactRef,
    Period,
    deciding_missing,
    facts_of,
    interpret,
    reads_today,
)
from govit_rules._lang.conditions import (
    Test as CondTest,
)
from govit_rules._law.calendar import WorkdayCalendar
from govit_rules._vocab.verdict import rule_status
from govit_rules._vocab.vocabulary import read_facts
from govit_rules.errors import Problem

CAL = WorkdayCalendar()


def parse(text: str) -> tuple[Any, list[Problem]]:
    raw, problems = load_yaml("c.yaml", text)
    assert not problems
    parser = ConditionParser("c.yaml", problems)
    return parser.parse(raw, raw.start), problems


def compiled(cond: Any) -> Any:
    c = ConditionCompiler()
    c.add_function("f", cond)
    c.add_missing_function("m", cond)
    ns = c.build("<test>")
    return ns["f"], ns["m"]


LAPSE = "today: {after: {fact: approved_on, plus: {years: 2}}}\n"


# --- the language ------------------------------------------------------------------------------


def test_today_is_read_on_either_side_of_a_date_comparison() -> None:
    left, problems = parse("today: {after: {fact: approval_valid_until}}\n")
    right, more = parse("approval_valid_until: {before: today}\n")
    assert not problems and not more
    assert left == CondTest("today", "after", FactRef("approval_valid_until"), left.pos)
    assert right == CondTest("approval_valid_until", "before", FactRef("today"), right.pos)
    assert reads_today(left) and reads_today(right)


def test_today_is_the_evaluation_date_and_never_a_missing_fact() -> None:
    cond, _ = parse("approval_valid_until: {before: today}\n")
    f, m = compiled(cond)
    p = Project(approval_valid_until=date(2026, 10, 1))
    assert f(p, Clock(date(2026, 10, 1))) is False  # the last valid day itself
    assert f(p, Clock(date(2026, 10, 2))) is True
    assert f(Project(), Clock(date(2026, 10, 2))) is None
    assert m(Project(), Clock(date(2026, 10, 2))) == ["approval_valid_until"]
    assert list(facts_of(cond)) == ["approval_valid_until"]


def test_a_period_added_to_a_date_ends_on_its_civil_code_last_day() -> None:
    cond, problems = parse(LAPSE)
    assert not problems
    assert cond.value == FactRef("approved_on", None, Period(2, "years"))
    f, _ = compiled(cond)
    # Two years from 2024-05-31 end on Sunday 2026-05-31: the last day is Monday 1 June.
    p = Project(approved_on=date(2024, 5, 31))
    assert f(p, Clock(date(2026, 6, 1), CAL)) is False
    assert f(p, Clock(date(2026, 6, 2), CAL)) is True


def test_a_month_period_from_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    cond, _ = parse("today: {after: {fact: approved_on, plus: {months: 1}}}\n")
    f, _ = compiled(cond)
    p = Project(approved_on=date(2025, 1, 31))  # 2025-02-28 is a Friday
    assert f(p, Clock(date(2025, 2, 28), CAL)) is False
    assert f(p, Clock(date(2025, 3, 1), CAL)) is True


def test_working_days_added_to_a_date_skip_the_spring_festival() -> None:
    cond, _ = parse(
        "budget_review_completed_on: {on_or_before: {fact: budget_review_submitted_on, plus: {working_days: 3}}}\n"
    )
    f, _ = compiled(cond)
    start = date(2026, 2, 13)  # the Friday before the 2026 Spring Festival holidays
    last = CAL.period_end(start, 3, "working_days").date
    assert last > start + timedelta(days=7)
    on_time = Project(budget_review_submitted_on=start, budget_review_completed_on=last)
    late = Project(budget_review_submitted_on=start, budget_review_completed_on=last + timedelta(1))
    assert f(on_time, Clock(date(2026, 6, 1), CAL)) is True
    assert f(late, Clock(date(2026, 6, 1), CAL)) is False


def test_a_period_ending_after_9999_leaves_its_test_unknown_and_asks_for_nothing() -> None:
    cond, _ = parse(LAPSE)
    f, m = compiled(cond)
    p = Project(approved_on=date(9999, 1, 1))
    clock = Clock(date(2026, 6, 1), CAL)
    assert f(p, clock) is None
    assert interpret(cond, p, clock) is None
    assert m(p, clock) == []


def test_a_period_beyond_the_calendar_data_warns_that_the_verdict_is_provisional() -> None:
    pack = load_pack(FEATURES)
    _first, last = CAL.data_years
    approved = date(last + 1, 1, 5)
    verdict = evaluate(
        {"funding_sources": ["local_budget"], "total_investment": 100, "approved_on": approved},
        pack=pack,
        as_of=date(last + 1, 6, 1),
    )
    assert any("provisional" in w and "condition" in w for w in verdict.warnings)
    inside = evaluate(
        {"funding_sources": ["local_budget"], "total_investment": 100, "approved_on": "2026-01-05"},
        pack=pack,
        as_of=date(2026, 6, 1),
    )
    assert not any("condition" in w for w in inside.warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "approved_on: {after: {fact: approved_on, plus: {yeras: 2}}}\n",
            "c.yaml:1:48: bad-period: 'plus' takes one period such as {years: 2}; did you mean "
            "'years'? (units: days, working_days, months, years); got {'yeras': 2}",
        ),
        (
            "today: {after: {fact: approved_on, plus: {years: 0}}}\n",
            "c.yaml:1:42: bad-period: years is a whole number from 1 to 100; got 0",
        ),
        (
            "today: {after: {fact: approved_on, plus: {days: 36601}}}\n",
            "c.yaml:1:42: bad-period: days is a whole number from 1 to 36600; got 36601",
        ),
        (
            "total_investment: {above: {fact: approved_estimate, plus: {days: 1}}}\n",
            "c.yaml:1:27: bad-value: 'plus' adds a period to a date only",
        ),
        (
            "today: {known: true}\n",
            "c.yaml:1:9: bad-operator: 'today' is always known; test a date fact",
        ),
        (
            "todya: {after: 2026-01-01}\n",
            "c.yaml:1:1: unknown-fact: no fact 'todya' in the project model; did you mean 'today'?",
        ),
        (
            "today: {above: 3}\n",
            "c.yaml:1:9: bad-operator: 'above' does not apply to 'today', a date; use one of: "
            "eq, ne, on_or_after, after, on_or_before, before, known",
        ),
        (
            "today: {after: {fact: total_investment}}\n",
            "c.yaml:1:16: type-mismatch: cannot compare 'today' (date) with 'total_investment' "
            "(number)",
        ),
    ],
)
def test_a_mistake_with_today_or_a_period_is_located_and_says_what_is_allowed(
    text: str, message: str
) -> None:
    _, problems = parse(text)
    assert [str(p) for p in problems] == [message]


def test_a_pack_may_not_declare_a_fact_named_today(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("facts:\n  - {name: today, type: date, zh: 今天, en: Today.}\n", "utf-8")
    with pytest.raises(PackError) as exc:
        read_facts(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:2:5: bad-name: 'today' is reserved: conditions read it as the evaluation "
        "date; pick another name"
    ]


# --- every engine agrees -----------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    approved=st.one_of(st.none(), _DAYS),
    started=st.one_of(st.none(), _DAYS),
    on=_DAYS,
    unit=st.sampled_from(["days", "working_days", "months", "years"]),
    amount=st.integers(min_value=1, max_value=30),
)
def test_compiled_functions_and_the_interpreter_agree_on_dated_tests(
    approved: date | None, started: date | None, on: date, unit: str, amount: int
) -> None:
    text = (
        "any:\n"
        f"  - today: {{after: {{fact: approved_on, plus: {{{unit}: {amount}}}}}}}\n"
        f"  - construction_started_on: {{on_or_before: {{fact: today, plus: {{{unit}: {amount}}}}}}}\n"
        "  - approved_on: {before: today}\n"
    )
    cond, problems = parse(text)
    assert not problems
    f, m = compiled(cond)
    p = Project(approved_on=approved, construction_started_on=started)
    clock = Clock(on, CAL)
    assert f(p, clock) == interpret(cond, p, clock)
    if f(p, clock) is None:
        assert m(p, clock) == deciding_missing(cond, p, clock)


WENDENG_BASE = {
    "unit_type": "government_organ",
    "unit_level": "own_level",
    "funding_sources": ["local_budget"],
    "is_secret": False,
}


@settings(max_examples=60, deadline=None)
@given(
    valid_until=st.one_of(st.none(), _DAYS),
    stage=st.sampled_from([None, "procurement", "construction", "design_review"]),
    on=_DAYS,
)
def test_wendeng_art_17_lapse_is_decided_alike_by_the_loop_and_the_fused_function(
    valid_until: date | None, stage: str | None, on: date
) -> None:
    from govit_rules._engine.decider import COMPILED
    from govit_rules._engine.evaluate import evaluate_pack

    class Loop:  # the reference status loop: the same compiled conditions, not fused
        compiled = False
        when, main, unless = COMPILED.when, COMPILED.main, COMPILED.unless

    pack = get_pack("wendeng", on)
    project = {**WENDENG_BASE, "approval_valid_until": valid_until, "stage": stage}
    fused = evaluate_pack(pack, project, on)
    loop = evaluate_pack(pack, project, on, decider=Loop())  # type: ignore[arg-type]
    rule = "construction.approval-lapsed"
    assert rule_status(fused, rule) == rule_status(loop, rule)
    assert fused.outcome == loop.outcome


def test_the_rete_engine_reads_today_and_periods_as_the_compiled_engine_does() -> None:
    pytest.importorskip("durable.engine", reason="durable-rules is not installed")
    from govit_rules import evaluate as ev

    pack = load_pack(FEATURES)
    base = {"funding_sources": ["local_budget"], "total_investment": 100}
    for approved in (None, date(2026, 1, 5), date(2025, 12, 31)):
        for on in (date(2025, 12, 31), date(2026, 7, 6), date(2026, 7, 7)):
            project = {**base, "approved_on": approved}
            a = ev(project, pack=pack, as_of=on)
            b = ev(project, pack=pack, as_of=on, engine="rete")
            assert rule_status(a, "approval.lapse") == rule_status(b, "approval.lapse"), (
                approved,
                on,
            )
            assert a.outcome == b.outcome


def test_the_columnar_portfolio_reads_today_and_periods_as_the_engine_does(
    tmp_path: Path,
) -> None:
    pl = pytest.importorskip("polars")
    from govit_rules._portfolio.columnar import evaluate_columns

    pack = load_pack(copy_fixture(FEATURES, tmp_path))
    days = [None, date(2025, 12, 31), date(2026, 1, 5), date(2026, 1, 6), date(9999, 1, 1)]
    rows = [
        {"funding_sources": ["local_budget"], "total_investment": 100, "approved_on": d}
        for d in days
    ]
    frame = pl.DataFrame(rows)
    for on in (date(2025, 12, 31), date(2026, 7, 6), date(2026, 7, 7)):
        out = evaluate_columns(pack, frame, on)
        for row, got in zip(rows, out["status:approval.lapse"].to_list(), strict=True):
            want = rule_status(evaluate(row, pack=pack, as_of=on), "approval.lapse")
            assert got == want, (row, on)
