"""The columnar evaluator agrees with the per-project engine, cell for cell.

Differential: for every shipped pack, hypothesis draws whole portfolios (tables of
projects) biased to where the two could part ways: every numeric threshold of the pack at
its value and a cent (or a year) either side, unknown facts everywhere, dates on official
holidays and make-up working days, month ends, dates before and beyond the calendar's data,
completion dates on a deadline's exact last day and a day either side, and evaluation dates
outside the pack's period of force. ``evaluate_columns`` must equal ``evaluate_rows`` (the
per-project engine, row by row) in every cell.

CI size: ``GOVIT_DIFF_EXAMPLES`` portfolios per pack (default 12, of up to 40 projects);
a longer run: ``GOVIT_DIFF_EXAMPLES=500 .venv/bin/python -m pytest tests/test_columnar.py``.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

from govit_rules import get_pack, jurisdictions, load_pack  # noqa: E402
from govit_rules._lang.conditions import FactRef, fact_types  # noqa: E402
from govit_rules._lang.conditions import tests_of as leaf_tests  # noqa: E402
from govit_rules._law.calendar import _OFFICIAL  # noqa: E402
from govit_rules._packs.loader import CompiledPack  # noqa: E402
from govit_rules._portfolio.columnar import evaluate_columns, verdict_for_row  # noqa: E402
from govit_rules._portfolio.exprs import fact_dtype  # noqa: E402
from govit_rules._portfolio.rowwise import evaluate_rows, verdict_row  # noqa: E402
from govit_rules._portfolio.statuses import read_facts  # noqa: E402
from govit_rules._vocab.project import Project  # noqa: E402
from govit_rules.errors import ProjectValidationError  # noqa: E402

EXAMPLES = int(os.environ.get("GOVIT_DIFF_EXAMPLES", "12"))
TYPES = fact_types()
CENT = Decimal("0.01")
DAY = timedelta(days=1)
PACKS = jurisdictions()
# The pack that uses every newer rule feature: exemptions, time limits, dates that prove a
# period cut short, duties carried back in outside the scope, and document choices.
FEATURES = Path(__file__).parent / "fixtures" / "features"


def _pack(name: str) -> CompiledPack:
    return load_pack(FEATURES) if name == "features" else get_pack(name)


# Days where a working-day count can go wrong: official holidays and make-up working days
# (2025-2026, and their neighbours), month ends, and days outside the calendar's data.
_SPECIAL = sorted(
    {d for d in _OFFICIAL.holidays | _OFFICIAL.make_up_working_days if d.year >= 2024}
    | {date(2024, 1, 31), date(2024, 2, 29), date(2025, 2, 28), date(2026, 12, 31)}
    | {date(2027, 1, 1), date(2027, 10, 1), date(2030, 2, 28), date(2003, 12, 31)}
)
_DATES = st.one_of(
    st.sampled_from(_SPECIAL),
    st.sampled_from(_SPECIAL).map(lambda d: d - DAY),
    st.dates(min_value=date(2002, 1, 1), max_value=date(2029, 12, 31)),
)


def _valid(fact: str, value: Any) -> bool:
    try:
        Project.model_validate({fact: value})
    except ValueError:
        return False
    return True


def _edges(pack: CompiledPack) -> dict[str, list[Any]]:
    """Every literal the pack compares a fact with, and its neighbours."""
    out: dict[str, set[Any]] = {}
    for rule in pack.rules:
        for cond in (rule.when, rule.main, rule.unless):
            for t in leaf_tests(cond) if cond is not None else ():
                if isinstance(t.value, FactRef | frozenset) or t.fact == "today":
                    continue
                kind = TYPES[t.fact].kind
                v = t.value
                near = (
                    {v - CENT, v, v + CENT}
                    if kind == "number"
                    else {v - 1, v, v + 1}
                    if kind == "integer"
                    else {v - DAY, v, v + DAY}
                    if kind == "date"
                    else set()
                )
                out.setdefault(t.fact, set()).update(x for x in near if _valid(t.fact, x))
    return {k: sorted(v) for k, v in out.items()}


def _strategy(
    pack: CompiledPack, fact: str, edges: list[Any], known: int = 1
) -> st.SearchStrategy[Any]:
    """A cell: unknown, or a value; ``known`` times more often a value than unknown."""
    ftype = TYPES[fact]
    kind = ftype.kind
    base: st.SearchStrategy[Any]
    if kind == "number":
        base = st.decimals(min_value=0, max_value=3000, places=2).filter(lambda v: _valid(fact, v))
    elif kind == "integer":
        base = (
            st.sampled_from([1990, 2003, 2024, 2025, 2026, 2027, 2028, 2100])
            if "year" in fact
            else st.integers(0, 4)
        ).filter(lambda v: _valid(fact, v))
    elif kind == "date":
        base = _DATES
    elif kind == "dates":
        base = st.lists(_DATES, max_size=4)
    elif kind == "bool":
        base = st.booleans()
    elif kind == "enum":
        assert ftype.enum is not None
        base = st.sampled_from([m.value for m in ftype.enum])
    elif kind == "set":
        # Only declared documents: an undeclared one is refused (tested on its own).
        pool = [m.value for m in ftype.enum] if ftype.enum is not None else sorted(pack.documents)
        # Repeats allowed: a list with a member twice is the same set.
        base = st.lists(st.sampled_from(pool), max_size=min(6, len(pool)))
    else:
        base = st.sampled_from(["a", "b"])
    if edges:
        base = st.one_of(st.sampled_from(edges), base)
    return st.one_of(st.none(), *[base] * known)


def _bounds(pack: CompiledPack, rule: Any, anchor: date) -> list[date]:
    """The days a completion date is judged against (both ends of a window)."""
    spec = rule.deadline
    cal = pack.calendar
    periods = [spec.period] if spec.period is not None else [spec.start, spec.end]
    out = []
    for period in periods:
        if period is not None:
            out.append(cal.period_end(anchor, period.amount, period.unit).date)
            out.append(
                cal.period_end(anchor, period.amount, period.unit, extend_rest_day=False).date
            )
    return out


def _near(day: date) -> st.SearchStrategy[date]:
    return st.sampled_from([day - DAY, day, day + DAY])


@st.composite
def portfolios(draw: st.DrawFn, pack: CompiledPack, as_of: date) -> pl.DataFrame:
    facts = read_facts(pack)
    edges = _edges(pack)
    # Half the portfolios have few unknowns, so that rules needing several facts at once
    # (a time-limited duty, a carried duty, an exemption's target) are decided often.
    known = draw(st.sampled_from([1, 6]))
    strategies = {f: _strategy(pack, f, edges.get(f, []), known) for f in facts}
    deadlines = [
        r
        for r in pack.rules
        if r.kind == "deadline" and r.done and r.deadline.direction not in ("by", "each_year")
    ]
    yearly = [r for r in pack.rules if r.kind == "deadline" and r.deadline.direction == "each_year"]
    rows = []
    for _ in range(draw(st.integers(1, 40))):
        row = {f: draw(s) for f, s in strategies.items()}
        for rule in deadlines:
            anchor = row.get(rule.anchor)
            if anchor is not None and draw(st.booleans()):
                bound = draw(st.sampled_from(_bounds(pack, rule, anchor)))
                row[rule.done] = draw(_near(bound))
            if anchor is not None and rule.shown_by and draw(st.booleans()):
                # A later step dated around the period's earliest end, completion unknown.
                bound = draw(st.sampled_from(_bounds(pack, rule, anchor)))
                row[draw(st.sampled_from(rule.shown_by))] = draw(_near(bound))
                if draw(st.booleans()):
                    row[rule.done] = None
        for rule in yearly:
            anchor = row.get(rule.anchor)
            if anchor is not None and rule.done and draw(st.booleans()):
                # Reports on, a day before and a day after some year-ends from the anchor's
                # year on: every one a year's last day (31 Dec 2022 and 2023 are rest days).
                years = draw(st.lists(st.integers(anchor.year, anchor.year + 4), max_size=5))
                row[rule.done] = [draw(_near(date(min(y, 9998), 12, 31))) for y in years]
        for rule in pack.rules:
            if rule.limit is not None and draw(st.booleans()):
                row[rule.limit] = draw(_near(as_of))  # the day before, on and after the limit
        rows.append(row)
    # Some columns absent altogether: an unknown fact for every project.
    dropped = draw(st.sets(st.sampled_from(facts), max_size=3))
    schema = {f: fact_dtype(TYPES[f]) for f in facts if f not in dropped}
    frame = pl.DataFrame(
        [{k: v for k, v in row.items() if k in schema} for row in rows], schema=schema
    )
    return frame.with_columns(pl.Series("project_id", [f"P{i}" for i in range(len(rows))]))


def _as_of(pack: CompiledPack) -> st.SearchStrategy[date]:
    start = pack.in_force_from
    return st.one_of(
        st.sampled_from([start - DAY, start, date(2026, 11, 25), date(2027, 3, 1)]),
        st.dates(min_value=start, max_value=date(2028, 12, 31)),
    )


def _mismatches(a: pl.DataFrame, b: pl.DataFrame) -> list[str]:
    assert a.columns == b.columns
    assert a.schema == b.schema
    out = []
    for name in a.columns:
        for i, (x, y) in enumerate(zip(a[name].to_list(), b[name].to_list(), strict=True)):
            if x != y:
                out.append(f"row {i} {name}: columnar {x!r}, engine {y!r}")
    return out


def _differential(pack: CompiledPack) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data(), as_of=_as_of(pack))
    def check(data: st.DataObject, as_of: date) -> None:
        frame = data.draw(portfolios(pack, as_of))
        columnar = evaluate_columns(pack, frame, as_of)
        engine = evaluate_rows(pack, frame, as_of)
        problems = _mismatches(columnar, engine)
        assert not problems, "\n".join(problems[:20])

    check()


@pytest.mark.parametrize("jurisdiction", [*PACKS, "features"])
def test_columnar_statuses_equal_the_engine_on_generated_portfolios(jurisdiction: str) -> None:
    _differential(_pack(jurisdiction))


# A variant of the features pack: an exemption with a condition of its own, lifting a
# deadline, a document rule, a carried duty, a carried route and a carried prohibition.
_VARIANT_RULES = """
  - id: secret.exempt
    kind: exemption
    cite: {article: 6}
    when: {is_secret: true}
    exempt_if: {total_investment: {below: 100}}
    exempts: [copy.plan, trial.minimum, documents.service, approval.route, no-major-change]
    message: {zh: 涉密小项目豁免。, en: Small secret projects are exempt.}

  - id: no-major-change
    kind: prohibition
    cite: {article: 6}
    despite_scope: true
    prohibits: {major_change: true, major_change_approved: false}
    unless: {total_investment: {below: 10}}
    message: {zh: 未经批准不得重大变更。, en: No unapproved major change.}
"""


def test_columnar_statuses_equal_the_engine_where_exemptions_lift_carried_rules(
    tmp_path: Path,
) -> None:
    import shutil

    shutil.copytree(FEATURES, tmp_path / "p")
    rules = tmp_path / "p" / "rules" / "main.yaml"
    text = rules.read_text("utf-8").replace(
        "    route: project_approval\n", "    despite_scope: true\n    route: project_approval\n"
    )
    rules.write_text(text + _VARIANT_RULES, "utf-8")
    pack = load_pack(tmp_path / "p")
    assert pack.rule("approval.route").despite_scope
    _differential(pack)


# --- the contract, case by case ---------------------------------------------------------


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    facts = sorted({k for row in rows for k in row})
    schema = {f: fact_dtype(TYPES[f]) for f in facts}
    return pl.DataFrame(rows, schema=schema)


DAZHOU_1000 = {
    "unit_type": "government_organ",
    "unit_level": "own_level",
    "funding_sources": ["local_budget"],
    "is_secret": False,
    "delivery_mode": "self_build",
    "total_investment": Decimal("1000.00"),
    "collectively_reviewed": False,
    "budget_review_submitted_on": date(2026, 9, 25),
}


def test_the_readme_project_gets_its_approver_and_its_working_day_deadline() -> None:
    # Art. 10(2)(iv) decides the approver; Art. 38 counts 30 working days over National Day.
    out = evaluate_columns(get_pack("dazhou"), _frame([DAZHOU_1000]), date(2026, 11, 25))
    assert out["approver:project_approval"].to_list() == ["municipal_party_standing_committee"]
    assert out["due:budget-review.period"].to_list() == [date(2026, 11, 12)]


@pytest.mark.parametrize("amount", ["199.99", "200.00", "200.01"])
def test_the_approver_changes_exactly_at_the_dazhou_band_threshold(amount: str) -> None:
    # Art. 10(2): the bands are cut at 200万; both sides and the value itself are pinned.
    pack = get_pack("dazhou")
    frame = _frame([{**DAZHOU_1000, "total_investment": Decimal(amount)}])
    columnar = evaluate_columns(pack, frame, date(2026, 11, 25))
    engine = evaluate_rows(pack, frame, date(2026, 11, 25))
    assert columnar.equals(engine)


def test_a_row_keeps_its_place_and_its_project_id() -> None:
    pack = get_pack("dazhou")
    rows = [{**DAZHOU_1000, "total_investment": Decimal(v)} for v in ("10", "5000", "300")]
    frame = _frame(rows).with_columns(pl.Series("project_id", ["c", "a", "b"]))
    out = evaluate_columns(pack, frame, date(2026, 11, 25))
    assert out.columns[:2] == ["project_id", "outcome"]
    assert out["project_id"].to_list() == ["c", "a", "b"]
    assert out.equals(evaluate_rows(pack, frame, date(2026, 11, 25)))


def test_a_pack_not_yet_in_force_says_nothing_about_any_rule() -> None:
    pack = get_pack("dazhou")
    out = evaluate_columns(pack, _frame([DAZHOU_1000]), pack.in_force_from - DAY)
    assert out["outcome"].to_list() == ["not_in_force"]
    statuses = [c for c in out.columns if c.startswith("status:")]
    assert out.select(statuses).null_count().sum_horizontal().item() == len(statuses)


def test_an_empty_portfolio_gives_an_empty_table_of_the_same_columns() -> None:
    pack = get_pack("dazhou")
    empty = _frame([DAZHOU_1000]).head(0)
    out = evaluate_columns(pack, empty, date(2026, 11, 25))
    assert out.height == 0
    assert out.schema == evaluate_rows(pack, empty, date(2026, 11, 25)).schema


def test_a_column_of_float_money_is_refused_as_inexact() -> None:
    frame = pl.DataFrame({"total_investment": [199.99]})
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(get_pack("dazhou"), frame, date(2026, 11, 25))
    assert "total_investment" in str(err.value.problems[0])


def test_integer_money_is_taken_exactly() -> None:
    pack = get_pack("dazhou")
    ints = _frame([DAZHOU_1000]).with_columns(pl.lit(200, dtype=pl.Int64).alias("total_investment"))
    decimals = _frame([{**DAZHOU_1000, "total_investment": Decimal("200.00")}])
    on = date(2026, 11, 25)
    assert evaluate_columns(pack, ints, on).equals(evaluate_columns(pack, decimals, on))


def test_the_verdict_of_any_row_is_the_engines_and_matches_its_columns() -> None:
    pack = get_pack("dazhou")
    on = date(2026, 11, 25)
    frame = _frame([DAZHOU_1000, {**DAZHOU_1000, "total_investment": Decimal("150.00")}])
    out = evaluate_columns(pack, frame, on)
    verdict = verdict_for_row(pack, frame, 1, on)
    assert verdict.outcome.value == out["outcome"][1]
    assert verdict_row(pack, verdict) == out.drop("project_id", strict=False).row(1, named=True)


def test_importing_the_library_does_not_import_polars() -> None:
    import subprocess
    import sys

    code = "import sys, govit_rules; sys.exit('polars' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_an_arrow_table_in_gives_the_same_answers_as_a_polars_frame() -> None:
    pack = get_pack("dazhou")
    frame = _frame([DAZHOU_1000, {**DAZHOU_1000, "components": ["server_room"]}])
    on = date(2026, 11, 25)
    assert evaluate_columns(pack, frame.to_arrow(), on).equals(evaluate_columns(pack, frame, on))


def test_something_that_is_no_table_is_refused_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match="Polars or pandas DataFrame or an Arrow table"):
        evaluate_columns(get_pack("dazhou"), [DAZHOU_1000], date(2026, 11, 25))  # type: ignore[arg-type]


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_dates_far_outside_the_calendar_data_follow_the_engines_weekday_rule(
    jurisdiction: str,
) -> None:
    # Beyond the official data the engine counts Monday to Friday (flagged provisional);
    # these dates also lie outside the span the columnar calendar arrays cover by default.
    pack = get_pack(jurisdiction)
    dates = [f for f in read_facts(pack) if TYPES[f].kind == "date"]
    rows = [
        {f: day + timedelta(days=i) for i, f in enumerate(dates)}
        for day in (date(1985, 2, 28), date(2150, 12, 24), date(2099, 12, 31))
    ]
    frame = _frame(rows)
    for on in (date(2026, 11, 25), date(2151, 1, 5)):
        assert not _mismatches(evaluate_columns(pack, frame, on), evaluate_rows(pack, frame, on))


def test_a_value_outside_a_facts_vocabulary_is_refused_with_its_row_and_a_suggestion() -> None:
    frame = _frame([DAZHOU_1000, {**DAZHOU_1000, "unit_type": "government_organs"}])
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(get_pack("dazhou"), frame, date(2026, 11, 25))
    (problem,) = err.value.problems
    assert "row 2" in str(problem)
    assert "did you mean 'government_organ'" in str(problem)


def test_a_negative_amount_and_an_unknown_set_member_are_refused_like_the_engine_does() -> None:
    frame = _frame(
        [
            {**DAZHOU_1000, "total_investment": Decimal("-0.01")},
            {**DAZHOU_1000, "funding_sources": ["local_budget", "lottery"]},
        ]
    )
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(get_pack("dazhou"), frame, date(2026, 11, 25))
    shown = " ".join(str(p) for p in err.value.problems)
    assert "row 1" in shown and "total_investment" in shown
    assert "row 2" in shown and "funding_sources" in shown


def test_a_column_that_cannot_be_read_as_its_type_is_named() -> None:
    frame = pl.DataFrame({"budget_review_submitted_on": ["2026-09-25", "soon"]})
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(get_pack("dazhou"), frame, date(2026, 11, 25))
    assert "budget_review_submitted_on" in str(err.value.problems[0])


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.decimals(min_value=0, max_value=500, places=2)),
            st.one_of(st.none(), st.decimals(min_value=0, max_value=5000, places=2)),
        ),
        min_size=1,
        max_size=20,
    ),
    times=st.sampled_from(["0.1", "0.15", "1.5", "3", "0.001"]),
    op=st.sampled_from(["at_least", "above", "at_most", "below", "eq", "ne"]),
    snap=st.booleans(),
)
def test_a_scaled_fact_reference_compares_exactly_like_the_engine(
    rows: list[tuple[Decimal | None, Decimal | None]], times: str, op: str, snap: bool
) -> None:
    # Polars rounds a decimal product to the wider operand's scale (199.99 × 0.1 = 20.00);
    # the columnar form must not: 19.999 is below 20.
    from govit_rules._lang.conditions import Test, interpret
    from govit_rules._portfolio.exprs import LeafCache

    factor = Decimal(times)
    if snap:  # put some left sides exactly on the scaled right side, or a cent off it
        rows = [
            (b * factor + CENT * (i % 3 - 1) if b is not None else a, b)
            for i, (a, b) in enumerate(rows)
        ]
        rows = [(a if a is None or a >= 0 else None, b) for a, b in rows]
    cond = Test("adjustment_amount", op, FactRef("approved_estimate", factor))
    frame = pl.DataFrame(
        {"adjustment_amount": [a for a, _ in rows], "approved_estimate": [b for _, b in rows]},
        schema={"adjustment_amount": pl.Decimal(38, 6), "approved_estimate": pl.Decimal(38, 2)},
    )
    cache = LeafCache()
    expr = cache.expr(cond)
    got = frame.with_columns(cache.leaf_columns()).select(expr).to_series().to_list()
    want = [
        interpret(cond, Project.model_validate({"adjustment_amount": a, "approved_estimate": b}))
        for a, b in rows
    ]
    assert got == want


def test_sweeping_evaluation_dates_keeps_a_bounded_number_of_compiled_plans() -> None:
    from govit_rules._portfolio.columnar import _KEEP, _pack_cache

    pack = get_pack("hailing")
    frame = _frame([{"total_investment": Decimal("10.00")}])
    for day in range(20):
        evaluate_columns(pack, frame, date(2026, 1, 1) + timedelta(days=day))
    assert len(_pack_cache(pack)) <= _KEEP + 1  # the plans and the deadline arrays


# --- the newer rule features, case by case (tests/fixtures/features) ----------------------

FEATURES_ON = date(2026, 6, 1)
LOCAL = {"funding_sources": ["local_budget"], "delivery_mode": "self_build"}


def _both(pack: CompiledPack, rows: list[dict[str, Any]], on: date = FEATURES_ON) -> Any:
    """The columnar output, after checking it equals the engine's in every cell."""
    frame = _frame(rows)
    columnar = evaluate_columns(pack, frame, on)
    problems = _mismatches(columnar, evaluate_rows(pack, frame, on))
    assert not problems, "\n".join(problems)
    return columnar


@pytest.fixture(scope="module")
def features() -> CompiledPack:
    return _pack("features")


@pytest.mark.parametrize(
    ("amount", "exemption", "route", "approver"),
    [
        ("49.99", "exempt", "not_applicable", None),
        ("50.00", "not_applicable", "required", "bureau"),
        ("50.01", "not_applicable", "required", "bureau"),
    ],
)
def test_an_exemption_lifts_the_approval_exactly_below_its_threshold(
    features: CompiledPack, amount: str, exemption: str, route: str, approver: str | None
) -> None:
    # Art. 2(2): projects below 50万 need no approval; 50万 itself is not below.
    out = _both(features, [{**LOCAL, "total_investment": Decimal(amount)}])
    assert out["status:approval.small-exempt"].to_list() == [exemption]
    assert out["status:approval.route"].to_list() == [route]
    assert out["approver:project_approval"].to_list() == [approver]


def test_a_breach_an_unknown_exemption_may_lift_is_unknown_not_a_breach(
    features: CompiledPack,
) -> None:
    # Art. 2(2) unknown (no amount, no delivery mode): the missing approval of Art. 2(1)
    # is not yet a breach.
    out = _both(features, [{"funding_sources": ["local_budget"]}])
    assert out["status:approval.small-exempt"].to_list() == ["unknown"]
    assert out["status:approval.plan-required"].to_list() == ["unknown"]
    assert out["outcome"].to_list() == ["needs_information"]


@pytest.mark.parametrize(
    ("limit", "status"),
    [(-1, "violated"), (0, "required"), (1, "required"), (None, "unknown")],
)
def test_a_time_limited_duty_is_due_until_its_limit_day_and_breached_after(
    features: CompiledPack, limit: int | None, status: str
) -> None:
    # Art. 4: rectification within the limit; on the limit day it is still only due.
    row: dict[str, Any] = {
        **LOCAL,
        "rectification_ordered": True,
        "rectification_completed": False,
    }
    if limit is not None:
        row["rectification_due_on"] = FEATURES_ON + timedelta(days=limit)
    out = _both(features, [row])
    assert out["status:rectification.within-limit"].to_list() == [status]


@pytest.mark.parametrize(
    ("applied", "status"),
    [(date(2026, 4, 1), "missed"), (date(2026, 4, 2), "upcoming"), (None, "upcoming")],
)
def test_a_later_step_before_the_earliest_end_shows_the_trial_run_was_cut_short(
    features: CompiledPack, applied: date | None, status: str
) -> None:
    # Art. 5: at least a month from 2026-03-02, so not before 2026-04-02.
    row: dict[str, Any] = {**LOCAL, "trial_run_started_on": date(2026, 3, 2)}
    if applied is not None:
        row["acceptance_applied_on"] = applied
    out = _both(features, [row])
    assert out["status:trial.minimum"].to_list() == [status]


@pytest.mark.parametrize(("sent", "outcome"), [(False, "non_compliant"), (True, "not_applicable")])
def test_a_duty_carried_back_in_is_checked_for_a_project_outside_the_scope(
    features: CompiledPack, sent: bool, outcome: str
) -> None:
    # Art. 1 excludes projects on higher-level money; Art. 6 still asks them to copy the plan.
    row = {"funding_sources": ["higher_level_transfer"], "plan_copy_sent_to_coordinator": sent}
    out = _both(features, [row])
    assert out["outcome"].to_list() == [outcome]
    assert out["status:copy.plan"].to_list() == ["violated" if not sent else "satisfied"]
    assert out["status:approval.route"].to_list() == [None]


@pytest.mark.parametrize(
    ("submitted", "status"),
    [
        (["plan", "needs_report"], "satisfied"),
        (["plan", "last_contract"], "satisfied"),
        (["plan"], "violated"),
        (["needs_report", "last_contract"], "violated"),
    ],
)
def test_a_choice_of_documents_is_met_by_any_one_of_them(
    features: CompiledPack, submitted: list[str], status: str
) -> None:
    # Art. 3: the plan, and the previous contract or a service needs report.
    out = _both(features, [{**LOCAL, "submitted_documents": submitted}])
    assert out["status:documents.service"].to_list() == [status]


def test_a_period_ending_after_the_last_calendar_day_is_unknown_not_a_crash(
    features: CompiledPack,
) -> None:
    # Art. 7: ten days from 9999-12-25 would end in year 10000: no date, an uncounted unknown.
    rows = [
        {**LOCAL, "budget_review_submitted_on": d} for d in (date(9999, 12, 25), date(9999, 12, 20))
    ]
    out = _both(features, rows)
    assert out["status:review.period"].to_list() == ["unknown", "upcoming"]
    assert out["due:review.period"].to_list() == [None, date(9999, 12, 30)]


def test_an_undeclared_document_is_refused_with_its_row_and_a_suggestion(
    features: CompiledPack,
) -> None:
    frame = _frame([{**LOCAL, "submitted_documents": ["plan"]}, {"submitted_documents": ["plans"]}])
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(features, frame, FEATURES_ON)
    (problem,) = err.value.problems
    assert "row 2" in str(problem) and "submitted_documents" in str(problem)
    assert "did you mean 'plan'" in str(problem)


def test_an_undeclared_document_is_refused_even_where_the_pack_is_not_in_force() -> None:
    pack = get_pack("dazhou")
    frame = _frame([{**DAZHOU_1000, "submitted_documents": ["no_such_document"]}])
    with pytest.raises(ProjectValidationError):
        evaluate_columns(pack, frame, pack.in_force_from - DAY)


@pytest.mark.parametrize("year", [1989, 2101])
def test_a_year_outside_the_calendar_is_refused_like_the_engine_does(year: int) -> None:
    pack = get_pack("qinzhou")
    frame = pl.DataFrame({"plan_year": [2026, year]})
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(pack, frame, date(2026, 11, 25))
    assert "row 2" in str(err.value.problems[0]) and "plan_year" in str(err.value.problems[0])


@pytest.mark.parametrize("jurisdiction", [*PACKS, "features"])
def test_periods_running_past_the_last_calendar_day_agree_with_the_engine(
    jurisdiction: str,
) -> None:
    # Every date fact in the last days of 9999: calendar, month, year and working-day
    # periods that end in year 10000 are unknown without a date, as in the engine.
    pack = _pack(jurisdiction)
    dates = [f for f in read_facts(pack) if TYPES[f].kind == "date"]
    last = date(9999, 12, 31)
    rows = [{f: last - timedelta(days=k) for f in dates} for k in (0, 1, 5, 20, 45, 80, 400)]
    frame = _frame(rows)
    for on in (date(2026, 11, 25), last):
        assert not _mismatches(evaluate_columns(pack, frame, on), evaluate_rows(pack, frame, on))


def test_a_null_among_the_submitted_documents_is_refused_with_its_row(
    features: CompiledPack,
) -> None:
    frame = pl.DataFrame({"submitted_documents": [["plan"], ["plan", None]]})
    with pytest.raises(ProjectValidationError) as err:
        evaluate_columns(features, frame, FEATURES_ON)
    assert "row 2" in str(err.value.problems[0])


def test_a_batch_with_far_dates_does_not_keep_its_calendar_arrays() -> None:
    # Arrays up to 9999 are millions of days: built for the batch, then let go.
    from govit_rules._portfolio.columnar import _pack_cache
    from govit_rules._portfolio.deadlines import DEFAULT_SPAN

    pack = _pack("features")
    frame = _frame([{**LOCAL, "budget_review_submitted_on": date(9999, 12, 20)}])
    evaluate_columns(pack, frame, FEATURES_ON)
    spans = [k[1] for k in _pack_cache(pack) if isinstance(k, tuple)]
    assert all(span == DEFAULT_SPAN for span in spans)
