"""Counterfactuals: worked cases per kind, the verdict hook, what-if and boundaries."""

from __future__ import annotations

import json
import pickle
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from govit_rules import (
    Verdict,
    VerdictDetachedError,
    boundaries,
    evaluate,
    get_pack,
    what_if,
)
from govit_rules._engine.boundaries import first_on_side
from govit_rules._engine.counterfactual import Counterfactual
from govit_rules._engine.whatif import parse_assignments
from govit_rules.errors import ProjectValidationError
from helpers import MINI, run_cli

ON = date(2026, 11, 25)
DAZHOU = {
    "unit_type": "government_organ",
    "unit_level": "own_level",
    "funding_sources": ["local_budget"],
    "is_secret": False,
    "delivery_mode": "self_build",
    "collectively_reviewed": False,
}


def _cfs(project: dict[str, Any], jurisdiction: str = "dazhou") -> list[Counterfactual]:
    return evaluate(project, jurisdiction, as_of=ON).counterfactuals()


def _one(cfs: list[Counterfactual], name: str, **changes: Any) -> Counterfactual:
    found = [c for c in cfs if c.name == name and c.updates() == changes]
    assert len(found) == 1, [(c.name, c.updates()) for c in cfs if c.name == name]
    return found[0]


# --- money: Dazhou Art. 10(2) tiers, Art. 62 boundaries -----------------------------------


def test_art_10_2_a_project_of_250_reaches_the_vice_mayor_for_finance_at_199_99() -> None:
    cfs = _cfs({**DAZHOU, "total_investment": 250})
    down = _one(cfs, "project_approval", total_investment=Decimal("199.99"))
    assert down.kind == "threshold"
    assert down.before == "approval.tier-2 → mayor"
    assert down.after == "approval.tier-1 → vice_mayor_for_finance"
    # 200 itself belongs to tier 2 (Art. 62: 以上含本数), 199.99 is below it.
    tests = {x.test: x.included for x in down.crossing}
    assert tests == {"total_investment < 200": False, "total_investment ≥ 200": True}
    assert {c.en for c in down.cites} >= {"Art. 10(2)(i)", "Art. 10(2)(ii)", "Art. 62"}


def test_art_10_2_going_up_the_nearest_tiers_start_exactly_at_500_and_1000() -> None:
    cfs = _cfs({**DAZHOU, "total_investment": 250})
    assert _one(cfs, "project_approval", total_investment=Decimal(500)).after == (
        "approval.tier-3 → government_executive_meeting"
    )
    top = _one(cfs, "project_approval", total_investment=Decimal(1000))
    assert top.after == "approval.tier-4 → municipal_party_standing_committee"
    assert any(c.en == "Art. 10(2)(iv)" for c in top.cites)


def test_art_10_2_one_cent_less_than_a_promised_boundary_keeps_the_tier() -> None:
    v = evaluate({**DAZHOU, "total_investment": "499.99"}, "dazhou", as_of=ON)
    assert v.final_approver() == "mayor"
    v = evaluate({**DAZHOU, "total_investment": 200}, "dazhou", as_of=ON)
    assert v.final_approver() == "mayor"


def test_art_2_a_project_below_30_would_fall_under_the_measures_from_30_itself() -> None:
    (cf,) = _cfs({**DAZHOU, "total_investment": "29.99"})
    assert cf.updates() == {"total_investment": Decimal(30)}
    assert (cf.before, cf.after, cf.outcome_before) == (
        "out_of_scope",
        "satisfied",
        "not_applicable",
    )
    assert [c.en for c in cf.cites] == ["Art. 2(1)", "Art. 62"]


def test_art_43_the_supplementary_contract_cap_shows_the_exact_boundary_and_the_margin() -> None:
    project = {
        **DAZHOU,
        "total_investment": 100,
        "stage": "construction",
        "original_contract_amount": "1234.57",
        "supplementary_contract_amount": 150,
    }
    cfs = _cfs(project)
    cap = [c for c in cfs if c.updates() == {"supplementary_contract_amount": Decimal("123.45")}]
    assert cap, "lowering the supplement to the 10% cap is a counterfactual"
    crossing = cap[0].crossing[0]
    assert crossing.boundary.startswith("123.457")
    assert crossing.margin == Decimal("26.543")  # over the cap by 26.543万
    assert crossing.included is True


# --- booleans, sets and exceptions: Dazhou Art. 20(2)(i) ----------------------------------


def test_art_20_2_i_removing_the_servers_or_establishing_the_legal_exemption_lifts_it() -> None:
    cfs = _cfs({**DAZHOU, "total_investment": 100, "components": ["servers"]})
    flip = _one(cfs, "consolidation.no-own-hardware", components=frozenset())
    assert (flip.kind, flip.before, flip.after) == ("flip", "violated", "satisfied")
    exc = _one(cfs, "consolidation.no-own-hardware", exempted_by_law=True)
    assert exc.kind == "exception"
    assert exc.after == "satisfied"
    assert [c.en for c in exc.cites] == ["Art. 20(2)(i)"]


def test_art_15_the_infrastructure_exception_needs_both_of_its_facts() -> None:
    cfs = _cfs(
        {
            **DAZHOU,
            "total_investment": 100,
            "system_types": ["infrastructure"],
            "project_nature": "new",
            "centralised_build": False,
        }
    )
    exc = [c for c in cfs if c.name == "infrastructure.no-departmental-infrastructure"]
    lifted = [c for c in exc if c.kind == "exception"]
    assert lifted and lifted[0].updates() == {
        "national_rules_require_new_infrastructure": True,
        "new_infrastructure_approved": True,
    }


# --- dates: Dazhou Art. 38, 30 working days across National Day ----------------------------


def test_art_38_the_last_day_that_meets_the_budget_review_is_12_november_2026() -> None:
    project = {
        **DAZHOU,
        "total_investment": 100,
        "budget_review_submitted_on": "2026-09-25",
        "budget_review_completed_on": "2026-11-13",
    }
    cfs = _cfs(project)
    met = _one(cfs, "budget-review.period", budget_review_completed_on=date(2026, 11, 12))
    assert (met.before, met.after, met.kind) == ("missed", "met", "deadline")
    assert met.calendar is not None and "Art. 201" in met.calendar.en
    assert "weekday holiday" in met.calendar.en
    assert [c.en for c in met.cites] == ["Art. 38"]


def test_art_38_a_met_review_says_the_day_after_the_last_day_would_miss_it() -> None:
    project = {
        **DAZHOU,
        "total_investment": 100,
        "budget_review_submitted_on": "2026-09-25",
        "budget_review_completed_on": "2026-11-02",
    }
    late = _one(
        _cfs(project), "budget-review.period", budget_review_completed_on=date(2026, 11, 13)
    )
    assert (late.before, late.after) == ("met", "missed")


def test_art_38_a_review_not_yet_done_lists_what_each_completion_day_decides() -> None:
    project = {**DAZHOU, "total_investment": 100, "budget_review_submitted_on": "2026-09-25"}
    cfs = [c for c in _cfs(project) if c.name == "budget-review.period"]
    (unknown,) = [c for c in cfs if c.kind == "unknown"]
    assert [(a.value, a.after) for a in unknown.answers] == [
        (date(2026, 11, 12), "met"),
        (date(2026, 11, 13), "missed"),
    ]


# --- unknowns -------------------------------------------------------------------------------


def test_art_10_2_a_missing_investment_lists_the_route_each_side_of_each_boundary_gives() -> None:
    cfs = _cfs(DAZHOU)
    (route,) = [c for c in cfs if c.name == "project_approval" and c.kind == "unknown"]
    answers = {a.value: a.after for a in route.answers}
    assert answers[Decimal("199.99")] == "approval.tier-1 → vice_mayor_for_finance"
    assert answers[Decimal(200)] == "approval.tier-2 → mayor"
    assert answers[Decimal("999.99")] == "approval.tier-3 → government_executive_meeting"
    assert answers[Decimal(1000)] == "approval.tier-4 → municipal_party_standing_committee"


# --- the verdict hook -----------------------------------------------------------------------


def test_a_verdict_read_back_from_json_cannot_say_what_would_change_it() -> None:
    v = evaluate({**DAZHOU, "total_investment": 250}, "dazhou", as_of=ON)
    again = Verdict.model_validate_json(v.to_json())
    with pytest.raises(VerdictDetachedError):
        again.counterfactuals()
    with pytest.raises(VerdictDetachedError):
        pickle.loads(pickle.dumps(v)).counterfactuals()


def test_what_a_verdict_remembers_takes_no_part_in_its_equality() -> None:
    first = evaluate({**DAZHOU, "total_investment": 250}, "dazhou", as_of=ON)
    detached = first.model_copy()
    object.__setattr__(detached, "__pydantic_private__", {"_origin": None})
    assert detached == first == evaluate({**DAZHOU, "total_investment": 250}, "dazhou", as_of=ON)


def test_the_json_has_a_counterfactuals_section_only_when_asked() -> None:
    v = evaluate({**DAZHOU, "total_investment": 250}, "dazhou", as_of=ON)
    assert "counterfactuals" not in json.loads(v.to_json())
    data = json.loads(v.to_json(counterfactuals=True))
    assert any(
        c["changes"] == [{"fact": "total_investment", "before": "250", "after": "199.99"}]
        for c in data["counterfactuals"]
    )


def test_counterfactuals_can_be_limited_to_some_rules() -> None:
    v = evaluate({**DAZHOU, "total_investment": 250, "components": ["servers"]}, "dazhou", as_of=ON)
    names = {c.name for c in v.counterfactuals(["approval.tier-2"])}
    assert names == {"project_approval"}


# --- what-if --------------------------------------------------------------------------------


def test_set_values_are_read_with_the_facts_type_and_money_stays_exact() -> None:
    updates = parse_assignments(
        [
            "total_investment=199.99",
            "stage=approval",
            "is_secret=no",
            "plan_year=2027",
            "declared_on=2026-10-31",
            "components=servers,storage_devices",
            "in_use=unknown",
        ]
    )
    assert updates["total_investment"] == Decimal("199.99")
    assert isinstance(updates["total_investment"], Decimal)
    assert updates["is_secret"] is False and updates["plan_year"] == 2027
    assert updates["declared_on"] == date(2026, 10, 31)
    assert updates["components"] == frozenset({"servers", "storage_devices"})
    assert updates["in_use"] is None


def test_bad_set_values_are_all_reported_with_a_did_you_mean() -> None:
    with pytest.raises(ProjectValidationError) as info:
        parse_assignments(["total_investmnt=1", "stage=aproval", "plan_year=1.5", "oops"])
    text = "\n".join(str(p) for p in info.value.problems)
    assert "did you mean 'total_investment'" in text and "did you mean 'approval'" in text
    assert len(info.value.problems) == 4


def test_what_if_shows_the_route_and_finding_changes_with_their_citations() -> None:
    project = {**DAZHOU, "total_investment": 250}
    diff = what_if(project, {"total_investment": "199.99"}, "dazhou", as_of=ON)
    assert [(r.name, r.before, r.after) for r in diff.routes] == [
        ("project_approval", "approval.tier-2 → mayor", "approval.tier-1 → vice_mayor_for_finance")
    ]
    assert [(f.name, f.before, f.after) for f in diff.findings] == [
        ("approval.tier-1", "not_applicable", "required")
    ]
    assert diff.changes[0].after == Decimal("199.99")
    assert diff.outcome_before == diff.outcome_after
    assert not what_if(project, {"total_investment": Decimal("250.00")}, "dazhou", as_of=ON).changed


def test_what_if_rejects_a_change_the_project_model_does_not_allow() -> None:
    with pytest.raises(ProjectValidationError):
        what_if({**DAZHOU, "total_investment": 250}, {"total_investment": -1}, "dazhou", as_of=ON)


def test_what_if_works_on_a_pack_folder_too() -> None:
    diff = what_if({"total_investment": 600}, {"total_investment": "499.99"}, pack=MINI, as_of=ON)
    assert diff.routes and diff.routes[0].after.startswith("approval.small")


# --- boundaries -----------------------------------------------------------------------------


def test_dazhou_boundaries_state_the_inclusive_side_of_each_art_10_2_tier() -> None:
    items = {(b.rule_id, b.test): b for b in boundaries("dazhou")}
    below = items[("approval.tier-1", "total_investment < 200")]
    at_least = items[("approval.tier-2", "total_investment ≥ 200")]
    assert (below.included, at_least.included) == (False, True)
    assert [c.en for c in at_least.cites] == ["Art. 10(2)(ii)", "Art. 62"]


@pytest.mark.parametrize("jurisdiction", ["dazhou", "hailing", "lushan", "qinzhou", "wendeng"])
def test_every_deadline_rule_is_listed_as_a_period(jurisdiction: str) -> None:
    pack = get_pack(jurisdiction)
    periods = [b.rule_id for b in boundaries(pack) if b.kind == "period"]
    assert periods == [r.id for r in pack.rules if r.deadline is not None]


@pytest.mark.parametrize(
    ("fact", "op", "bound", "value"),
    [
        ("total_investment", "below", Decimal(200), Decimal("199.99")),
        ("total_investment", "at_least", Decimal(200), Decimal(200)),
        ("total_investment", "above", Decimal("123.457"), Decimal("123.46")),
        ("total_investment", "at_most", Decimal("123.457"), Decimal("123.45")),
        ("plan_year", "above", 2026, 2027),
        ("plan_year", "below", 2026, 2025),
        ("declared_on", "after", date(2026, 10, 31), date(2026, 11, 1)),
        ("declared_on", "on_or_before", date(2026, 10, 31), date(2026, 10, 31)),
    ],
)
def test_the_first_value_on_a_side_is_one_grid_step_from_a_strict_boundary(
    fact: str, op: str, bound: Any, value: Any
) -> None:
    assert first_on_side(fact, op, bound) == value


# --- the command line -----------------------------------------------------------------------

PROHIBITED = "rulepacks/dazhou/examples/prohibited.yaml"
COMPLIANT = "rulepacks/dazhou/examples/compliant.yaml"


def test_explain_what_would_change_lists_the_exception_of_art_20_2_i_with_its_citation() -> None:
    r = run_cli(
        "explain",
        PROHIBITED,
        "-j",
        "dazhou",
        "--as-of",
        "2026-11-25",
        "--what-would-change",
        "--article",
        "20(2)(i)",
    )
    assert r.returncode == 0, r.stderr
    assert "exception exempted_by_law false → true  ⇒  satisfied" in r.stdout
    assert "cites Art. 20(2)(i)" in r.stdout


def test_explain_what_would_change_in_json_gives_the_counterfactuals_as_data() -> None:
    r = run_cli(
        "explain",
        COMPLIANT,
        "-j",
        "dazhou",
        "--as-of",
        "2026-11-25",
        "-w",
        "-r",
        "budget-review.period",
        "-f",
        "json",
    )
    data = json.loads(r.stdout)
    (cf,) = data["counterfactuals"]
    assert cf["changes"] == [
        {"fact": "budget_review_completed_on", "before": "2025-06-13", "after": "2025-06-21"}
    ]
    assert (cf["before"], cf["after"]) == ("met", "missed")


def test_explain_what_would_change_takes_at_most_one_rule_selector() -> None:
    r = run_cli("explain", COMPLIANT, "-j", "dazhou", "-w", "-r", "x", "-a", "10")
    assert r.returncode == 64 and "at most one" in r.stderr


def test_what_if_prints_the_route_diff_of_199_99() -> None:
    r = run_cli(
        "what-if",
        COMPLIANT,
        "-j",
        "dazhou",
        "--as-of",
        "2026-11-25",
        "--set",
        "total_investment=199.99",
        "--set",
        "stage=approval",
    )
    assert r.returncode == 0, r.stderr
    assert (
        "project_approval: approval.tier-2 → mayor → approval.tier-1 → vice_mayor_for_finance"
        in r.stdout
    )


def test_what_if_reports_every_bad_set_value_without_a_traceback() -> None:
    r = run_cli(
        "what-if",
        COMPLIANT,
        "-j",
        "dazhou",
        "--set",
        "total_investmnt=1",
        "--set",
        "total_investment=-5",
    )
    assert r.returncode == 64
    assert "did you mean 'total_investment'" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("what-if", COMPLIANT, "-j", "dazhou", "--set", "total_investment=-5")
    assert r.returncode == 64 and "total_investment" in r.stderr and "Traceback" not in r.stderr


def test_boundaries_in_json_state_each_side_and_citation() -> None:
    r = run_cli("boundaries", "-j", "dazhou", "-f", "json")
    data = json.loads(r.stdout)
    tier1 = next(b for b in data["boundaries"] if b["rule_id"] == "approval.tier-1")
    assert (tier1["test"], tier1["included"]) == ("total_investment < 200", False)
    assert [c["en"] for c in tier1["cites"]] == ["Art. 10(2)(i)", "Art. 62"]


def test_a_rete_verdict_answers_with_the_same_counterfactuals_as_a_compiled_one() -> None:
    pytest.importorskip("durable.engine", reason="durable-rules is not installed")
    project = {**DAZHOU, "total_investment": 250}
    rete = evaluate(project, "dazhou", as_of=ON, engine="rete")
    compiled = evaluate(project, "dazhou", as_of=ON)
    assert rete.counterfactuals(["approval.tier-2"]) == compiled.counterfactuals(
        ["approval.tier-2"]
    )


@pytest.mark.parametrize(
    "extreme",
    [
        {
            "total_investment": 10**40,
            "original_contract_amount": 10**40,
            "supplementary_contract_amount": 10**39 + 1,
            "stage": "construction",
        },
        {"total_investment": "0.001", "it_share_of_estimate_percent": "49.999"},
        {
            "budget_review_submitted_on": "0001-01-01",
            "budget_review_completed_on": "0001-01-01",
            "plan_year": 1990,  # the lowest year a project may name
            "declared_on": "0001-01-01",
        },
    ],
)
@pytest.mark.parametrize("jurisdiction", ["dazhou", "hailing", "qinzhou", "wendeng"])
def test_counterfactuals_of_extreme_projects_never_raise_and_still_verify(
    jurisdiction: str, extreme: dict[str, Any]
) -> None:
    v = evaluate({**DAZHOU, **extreme}, jurisdiction, as_of=ON)
    for cf in v.counterfactuals():
        assert cf.kind == "unknown" or cf.after != cf.before


def test_check_what_would_change_adds_the_counterfactuals_to_the_verdict_json() -> None:
    r = run_cli("check", PROHIBITED, "-j", "dazhou", "--as-of", "2026-11-25", "-f", "json", "-w")
    assert r.returncode == 2, r.stderr  # the exit code is still the outcome
    data = json.loads(r.stdout)
    assert data["outcome"] == "prohibited"
    assert any(
        c["name"] == "consolidation.no-own-hardware" and c["kind"] == "exception"
        for c in data["counterfactuals"]
    )
    plain = json.loads(
        run_cli("check", PROHIBITED, "-j", "dazhou", "--as-of", "2026-11-25", "-f", "json").stdout
    )
    assert "counterfactuals" not in plain
