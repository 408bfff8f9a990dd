"""A deadline recurring every year (``each_year``) and the ``dates`` fact type it reads.

Pins the arithmetic (occurrences in year order; a named day that stays in its own year; a
report each year never gives a miss), the fact type (a sorted, distinct, bounded list of
dates with located errors; only ``known`` in conditions), the keys' lint errors and the
Dazhou Art. 51 readings on a 31 December that is a rest day.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govit_rules import PackError, ProjectValidationError, evaluate, get_pack, load_pack
from govit_rules._engine.results import yearly
from govit_rules._packs.kinds.deadline import DeadlineSpec
from govit_rules._vocab.project import Project
from govit_rules._vocab.values import MAX_DATES
from govit_rules._vocab.verdict import Status
from helpers import copy_mini, run_cli

DAZHOU = get_pack("dazhou", "2026-11-25")
CAL = DAZHOU.calendar
RULE = "performance.monitoring-report"
REPORTS = "monitoring_reports_submitted_on"


def _spec(rest_day: str, month: int = 12, day: int | str = "last") -> DeadlineSpec:
    return DeadlineSpec("each_year", by_month=month, by_day=day, rest_day=rest_day)


_days = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31))
_spans = st.tuples(_days, st.integers(0, 8), st.sampled_from(["stays", "next_working_day"]))


# --- the arithmetic ------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(_spans, st.integers(1, 12), st.one_of(st.just("last"), st.integers(1, 31)), _days)
def test_occurrences_run_in_year_order_from_the_anchor_year_to_the_until_year(
    span: tuple[date, int, str], month: int, day: int | str, as_of: date
) -> None:
    start, years, rest_day = span
    until = date(start.year + years, 6, 30)
    y = yearly(CAL, _spec(rest_day, month, day), start, until, (), as_of)
    assert [o.year for o in y.occurrences] == list(range(start.year, until.year + 1))
    dues = [o.due for o in y.occurrences]
    assert dues == sorted(dues) and len(set(dues)) == len(dues)
    if rest_day == "stays":
        assert all(o.due.year == o.year and o.due.month == month for o in y.occurrences)
        assert not y.extended and not y.provisional


@settings(max_examples=150, deadline=None)
@given(_spans, _days, st.data())
def test_a_report_in_every_past_year_never_gives_a_miss(
    span: tuple[date, int, str], as_of: date, data: st.DataObject
) -> None:
    start, years, rest_day = span
    until = date(start.year + years, 1, 1)
    spec = _spec(rest_day)
    base = yearly(CAL, spec, start, until, (), as_of)
    # One report in each occurrence's own window: from the day after the previous due day.
    reports: list[date] = []
    previous = None
    for o in base.occurrences:
        low = previous + timedelta(days=1) if previous else o.due - timedelta(days=300)
        reports.append(data.draw(st.dates(min_value=low, max_value=o.due)))
        previous = o.due
    covered = yearly(CAL, spec, start, until, tuple(reports), as_of)
    assert covered.status is Status.met
    assert all(o.status is Status.met for o in covered.occurrences)
    assert covered.due == covered.occurrences[-1].due


def test_a_past_year_without_a_report_is_the_decisive_miss() -> None:
    y = yearly(
        CAL,
        _spec("stays"),
        date(2023, 5, 1),
        None,
        (date(2023, 12, 1), date(2025, 3, 1)),
        date(2026, 11, 25),
    )
    assert [o.status.value for o in y.occurrences] == ["met", "missed", "met", "upcoming"]
    assert y.status is Status.missed and y.due == date(2024, 12, 31)


def test_unknown_reports_are_unknown_once_a_year_end_has_passed_and_upcoming_before() -> None:
    past = yearly(CAL, _spec("stays"), date(2025, 5, 1), None, None, date(2026, 2, 1))
    assert past.status is Status.unknown and past.due == date(2025, 12, 31)
    first = yearly(CAL, _spec("stays"), date(2026, 5, 1), None, None, date(2026, 11, 25))
    assert first.status is Status.upcoming and first.due == date(2026, 12, 31)


def test_a_cycle_reaching_year_9999_is_clamped_with_a_warning_not_a_crash() -> None:
    v = evaluate(
        {"stage": "construction", "construction_started_on": "9999-06-01", REPORTS: []},
        "dazhou",
        as_of="2026-11-25",
    )
    (d,) = [d for d in v.deadlines if d.rule_id == RULE]
    assert d.occurrences[-1].year == 9998
    assert any("out of range" in w for w in v.warnings)


# --- Dazhou Art. 51: the two readings of a year-end on a rest day ----------------------------


def test_a_saturday_31_december_2022_stays_the_last_day_and_the_art_203_reading_is_shown() -> None:
    # 31 Dec 2022 is a Saturday and 1-2 Jan 2023 the New Year holiday: Art. 203 moves it to
    # 3 January 2023, the day the report was sent.
    assert date(2022, 12, 31).weekday() == 5
    project = {
        "construction_started_on": "2022-05-01",
        "accepted_on": "2022-11-30",
        REPORTS: ["2023-01-03"],
    }
    v = evaluate(project, "dazhou", as_of="2023-06-30")
    (d,) = [d for d in v.deadlines if d.rule_id == RULE]
    assert (d.status, d.due) == (Status.missed, date(2022, 12, 31))
    (reading,) = [r for r in v.readings if r.rule_id == RULE]
    assert reading.chosen.status is Status.missed
    assert (reading.alternative.status, reading.alternative.due) == (Status.met, date(2023, 1, 3))


def test_a_report_on_a_working_31_december_is_in_time_under_both_readings() -> None:
    project = {"construction_started_on": "2024-05-01", "accepted_on": "2024-11-30"}
    v = evaluate({**project, REPORTS: ["2024-12-31"]}, "dazhou", as_of="2025-06-30")
    assert v.deadline(RULE).status is Status.met
    assert not [r for r in v.readings if r.rule_id == RULE]


def test_the_verdict_json_lists_every_year_with_its_report() -> None:
    v = evaluate(
        {"construction_started_on": "2024-03-01", REPORTS: ["2024-12-20", "2025-12-15"]},
        "dazhou",
        as_of="2026-11-25",
    )
    data = json.loads(v.model_dump_json())
    (d,) = [d for d in data["deadlines"] if d["rule_id"] == RULE]
    assert d["occurrences"] == [
        {"year": 2024, "due": "2024-12-31", "done_date": "2024-12-20", "status": "met"},
        {"year": 2025, "due": "2025-12-31", "done_date": "2025-12-15", "status": "met"},
        {"year": 2026, "due": "2026-12-31", "done_date": None, "status": "upcoming"},
    ]
    assert d["due"] == "2026-12-31" and d["status"] == "upcoming"


# --- the dates fact type ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(_days, max_size=12))
def test_a_project_with_a_dates_fact_survives_a_json_round_trip_sorted_and_distinct(
    days: list[date],
) -> None:
    p = Project.model_validate({REPORTS: [d.isoformat() for d in days]})
    assert getattr(p, REPORTS) == tuple(sorted(set(days)))
    again = Project.model_validate_json(p.model_dump_json())
    assert again == p


def test_a_bad_date_in_the_list_is_a_located_error() -> None:
    with pytest.raises(ProjectValidationError) as info:
        evaluate({REPORTS: ["2024-12-20", "20251215"]}, "dazhou", as_of="2026-11-25")
    (problem,) = info.value.problems
    assert problem.path == f"{REPORTS}.1"
    assert "2025-12-15" in problem.message


def test_a_single_date_or_too_many_dates_is_refused() -> None:
    with pytest.raises(ProjectValidationError, match="list of YYYY-MM-DD"):
        evaluate({REPORTS: "2024-12-20"}, "dazhou", as_of="2026-11-25")
    many = [(date(2000, 1, 1) + timedelta(days=i)).isoformat() for i in range(MAX_DATES + 1)]
    with pytest.raises(ProjectValidationError, match=f"at most {MAX_DATES}"):
        evaluate({REPORTS: many}, "dazhou", as_of="2026-11-25")


def test_the_project_schema_gives_a_dates_fact_as_an_array_of_dates() -> None:
    prop = Project.model_json_schema()["properties"][REPORTS]
    array = next(a for a in prop["anyOf"] if a.get("type") == "array")
    assert array["items"] == {"format": "date", "type": "string"}
    assert array["maxItems"] == MAX_DATES


# --- the pack format: lint errors of the new keys --------------------------------------------

_EACH_YEAR = """
  - id: performance.yearly
    kind: deadline
    cite: {article: 8}
    anchor: approved_on
    each_year: {month: 12, day: last, until: accepted_on, rest_day: stays}
    done: monitoring_reports_submitted_on
    message: {zh: 每年年底前报告。, en: Report before each year-end.}
"""


def _with_rule(tmp_path: Path, text: str) -> Path:
    root = copy_mini(tmp_path)
    rules = root / "rules" / "main.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + text, encoding="utf-8")
    return root


def _problems(root: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_pack(root)
    return [str(p) for p in info.value.problems]


def test_an_each_year_deadline_loads_and_reads_its_until_fact(tmp_path: Path) -> None:
    pack = load_pack(_with_rule(tmp_path, _EACH_YEAR))
    rule = pack.rule("performance.yearly")
    assert rule.deadline is not None and rule.deadline.until == "accepted_on"
    assert "accepted_on" in rule.facts and REPORTS in rule.facts


def test_an_until_that_is_no_date_fact_is_a_located_error_with_a_suggestion(
    tmp_path: Path,
) -> None:
    (msg,) = _problems(
        _with_rule(tmp_path, _EACH_YEAR.replace("until: accepted_on", "until: acepted_on"))
    )
    assert "main.yaml:" in msg and "bad-anchor" in msg and "did you mean 'accepted_on'" in msg


def test_a_done_that_is_one_date_not_a_list_is_a_located_error(tmp_path: Path) -> None:
    text = _EACH_YEAR.replace("done: monitoring_reports_submitted_on", "done: accepted_on")
    (msg,) = _problems(_with_rule(tmp_path, text))
    assert "bad-anchor" in msg and "is not a dates fact" in msg


def test_each_year_without_a_rest_day_reading_is_refused(tmp_path: Path) -> None:
    msgs = _problems(_with_rule(tmp_path, _EACH_YEAR.replace(", rest_day: stays", "")))
    assert any("rest_day" in m for m in msgs)


def test_a_dates_fact_admits_only_known_in_a_condition(tmp_path: Path) -> None:
    text = _EACH_YEAR.replace(
        "    anchor: approved_on",
        "    when: {monitoring_reports_submitted_on: {eq: 2024-12-31}}\n    anchor: approved_on",
    )
    (msg,) = _problems(_with_rule(tmp_path, text))
    assert "bad-operator" in msg and "use one of: known" in msg
    fine = _EACH_YEAR.replace(
        "    anchor: approved_on",
        "    when: {monitoring_reports_submitted_on: {known: true}}\n    anchor: approved_on",
    )
    load_pack(_with_rule(tmp_path / "ok", fine))


def test_a_by_deadline_whose_day_stays_keeps_a_saturday(tmp_path: Path) -> None:
    # 2026-10-31 is a Saturday: by default it moves to Monday 2 November (Art. 203).
    root = copy_mini(tmp_path)
    rules = root / "rules" / "main.yaml"
    text = rules.read_text(encoding="utf-8")
    old = "by: {month: 10, day: last, year: plan_year, offset: -1}"
    assert old in text
    rules.write_text(
        text.replace(old, old[:-1] + ", rest_day: stays}"),
        encoding="utf-8",
    )
    facts = {"funding_sources": ["local_budget"], "is_secret": False, "total_investment": 100}
    verdict = evaluate(
        {**facts, "plan_year": 2027, "declared_on": "2026-11-02"},
        pack=load_pack(root),
        as_of=date(2026, 6, 1),
    )
    d = verdict.deadline("declaration.by")
    assert (d.due, d.extended, d.status) == (date(2026, 10, 31), False, Status.missed)


# --- the monitor and the portfolio -----------------------------------------------------------


def _event(kind: str, on: str, **payload: object) -> str:
    event: dict[str, object] = {"project": "P1", "jurisdiction": "dazhou", "type": kind, "date": on}
    if payload:
        event["payload"] = payload
    return json.dumps(event)


def test_each_report_event_adds_its_date_and_each_year_end_alerts_once_per_year() -> None:
    from govit_rules._engine.monitor import Monitor

    monitor = Monitor({"dazhou": DAZHOU}, due_within=10)
    scope = {"unit_type": "government_organ", "unit_level": "own_level", "is_secret": False}
    alerts = list(
        monitor.replay(
            [
                _event("facts", "2024-03-01", **scope),
                _event("construction_started", "2024-03-01"),
                _event("monitoring_reports_submitted", "2024-12-20"),
                _event("facts", "2025-12-24", name="x"),  # a week before the 2025 year-end
                _event("monitoring_reports_submitted", "2025-12-26"),
                _event("facts", "2026-12-25", name="y"),  # a week before the 2026 year-end
            ]
        )
    )
    yearly_alerts = [(a.kind, a.due) for a in alerts if a.rule_id == RULE]
    assert yearly_alerts == [
        ("met", date(2024, 12, 31)),  # every year so far reported
        ("due_soon", date(2025, 12, 31)),  # the next year-end, a week ahead
        ("met", date(2025, 12, 31)),
        ("due_soon", date(2026, 12, 31)),
    ]
    state = monitor.projects["P1"]
    assert getattr(state.project, REPORTS) == (date(2024, 12, 20), date(2025, 12, 26))


def test_a_csv_cell_of_dates_separated_by_bars_or_a_json_array_is_read_sorted(
    tmp_path: Path,
) -> None:
    pl = pytest.importorskip("polars")
    from govit_rules._portfolio.files import read_portfolio

    path = tmp_path / "p.csv"
    path.write_text(
        f'project_id,{REPORTS}\nA,2025-12-15|2024-12-20\nB,"[""2024-12-20""]"\nC,[]\nD,\n',
        encoding="utf-8",
    )
    frame = read_portfolio(path)
    assert frame.schema[REPORTS] == pl.List(pl.Date)
    assert frame[REPORTS].to_list() == [
        [date(2024, 12, 20), date(2025, 12, 15)],
        [date(2024, 12, 20)],
        [],
        None,
    ]


def test_a_bad_date_in_a_csv_cell_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    pytest.importorskip("polars")
    from govit_rules._portfolio.files import read_portfolio
    from govit_rules.errors import PortfolioError

    path = tmp_path / "p.csv"
    path.write_text(f"project_id,{REPORTS}\nA,2024-12-20|2025-13-01\n", encoding="utf-8")
    with pytest.raises(PortfolioError) as info:
        read_portfolio(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (2, 2)
    assert "'2025-13-01' is not a date" in problem.message


@pytest.mark.parametrize("as_of", ["2023-06-30", "2025-06-30", "2026-12-31", "2027-01-02"])
def test_the_columnar_evaluator_decides_each_year_like_the_engine(as_of: str) -> None:
    pl = pytest.importorskip("polars")
    from govit_rules._portfolio.columnar import evaluate_columns

    rows = [
        {
            "construction_started_on": date(2022, 5, 1),
            "accepted_on": date(2022, 11, 30),
            REPORTS: [date(2023, 1, 3)],
        },
        {"construction_started_on": date(2024, 3, 1), REPORTS: [date(2024, 12, 20)]},
        {"construction_started_on": date(2024, 3, 1), REPORTS: None},
        {"construction_started_on": date(2025, 3, 1), REPORTS: []},
        {"construction_started_on": None, REPORTS: [date(2024, 12, 20)]},
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "construction_started_on": pl.Date,
            "accepted_on": pl.Date,
            REPORTS: pl.List(pl.Date),
        },
    )
    day = date.fromisoformat(as_of)
    out = evaluate_columns(DAZHOU, frame, day)
    for i, row in enumerate(rows):
        facts = {k: v for k, v in row.items() if v is not None}
        d = evaluate(facts, pack=DAZHOU, as_of=day).deadline(RULE)
        assert out[f"status:{RULE}"][i] == d.status.value, (i, as_of)
        assert out[f"due:{RULE}"][i] == d.due, (i, as_of)


# --- the command line ------------------------------------------------------------------------


def test_check_and_explain_print_every_year_with_its_report_or_its_last_day(
    tmp_path: Path,
) -> None:
    project = tmp_path / "p.yaml"
    project.write_text(
        "construction_started_on: 2022-03-01\n"
        "accepted_on: 2024-05-01\n"
        f"{REPORTS}: [2023-01-03, 2023-12-20]\n",
        encoding="utf-8",
    )
    common = ("--jurisdiction", "dazhou", "--as-of", "2025-01-10")
    years = "each year: 2022 missed (due 2022-12-31); 2023 met on 2023-01-03; 2024 missed (due 2024-12-31)"
    check = run_cli("check", str(project), *common)
    assert years in check.stdout, check.stdout
    explain = run_cli("explain", str(project), *common, "--rule", RULE)
    assert years in explain.stdout, explain.stdout
    assert f"done {REPORTS} = unknown" not in explain.stdout
