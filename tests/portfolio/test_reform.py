"""Reforms: overlays applied to a pack's source, checked like a pack, errors in the reform."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from conftest import AS_OF

from govit_rules import evaluate
from govit_rules._portfolio.reform import apply_reform, load_reform
from govit_rules._portfolio.simulate import simulate
from govit_rules.errors import ReformError
from helpers import ROOT

EXAMPLE = ROOT / "examples" / "portfolio" / "mayor-band-300.yaml"


def _approver(pack, money: str) -> str | None:  # type: ignore[no-untyped-def]
    project = {"collectively_reviewed": False, "total_investment": Decimal(money)}
    return evaluate(project, pack=pack, as_of=AS_OF).final_approver()


@pytest.mark.parametrize(
    ("money", "before", "after"),
    [
        ("199.99", "vice_mayor_for_finance", "vice_mayor_for_finance"),
        ("200", "mayor", "vice_mayor_for_finance"),
        ("299.99", "mayor", "vice_mayor_for_finance"),
        ("300", "mayor", "mayor"),  # the reformed band includes 300万 (Art. 62 reading)
        ("499.99", "mayor", "mayor"),
        ("500", "government_executive_meeting", "government_executive_meeting"),
    ],
)
def test_the_example_reform_moves_art_10_2_mayor_band_to_300(dazhou, money, before, after) -> None:  # type: ignore[no-untyped-def]
    reformed = apply_reform(dazhou, EXAMPLE)
    assert _approver(dazhou, money) == before
    assert _approver(reformed, money) == after


def test_a_reformed_pack_has_its_own_version_and_content_hash(dazhou) -> None:  # type: ignore[no-untyped-def]
    reformed = apply_reform(dazhou, EXAMPLE)
    assert reformed.version == f"{dazhou.version}+dazhou-mayor-band-300"
    assert reformed.content_hash != dazhou.content_hash
    assert [r.id for r in reformed.rules] == [r.id for r in dazhou.rules]


def _reform(tmp_path: Path, changes: str) -> Path:
    p = tmp_path / "reform.yaml"
    p.write_text(f"reform: test\npack: dazhou\nchanges:\n{changes}", encoding="utf-8")
    return p


def test_a_reform_can_drop_a_rule_and_add_one(dazhou, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _reform(
        tmp_path,
        "  - drop: approval.tier-1\n"
        "  - add:\n"
        "      id: approval.tier-1-reformed\n"
        "      kind: route\n"
        "      cite: {article: 10, paragraph: 2, item: 1}\n"
        "      route: project_approval\n"
        "      when: {collectively_reviewed: false, total_investment: {below: 200}}\n"
        "      steps: [{authority: mayor, action: decide}]\n"
        "      message: {zh: 改革：市长审定。, en: 'Reform: the mayor decides.'}\n",
    )
    reformed = apply_reform(dazhou, p)
    ids = [r.id for r in reformed.rules]
    assert "approval.tier-1" not in ids and ids[-1] == "approval.tier-1-reformed"
    assert _approver(reformed, "150") == "mayor"


def test_a_reform_that_breaks_the_pack_is_located_in_the_reform_file(
    dazhou, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    p = _reform(
        tmp_path,
        "  - rule: approval.tier-1\n"
        "    set:\n"
        "      when.total_investmnt: {below: 300}\n"
        "  - rule: approval.tier-2\n"
        "    set:\n"
        "      when.total_investment: {below: abc}\n",
    )
    with pytest.raises(ReformError) as e:
        apply_reform(dazhou, p)
    got = [(pr.path, pr.line, pr.code) for pr in e.value.problems]
    assert got == [(str(p), 5, "unknown-fact"), (str(p), 8, "bad-value")]
    assert "did you mean 'total_investment'" in str(e.value)


def test_a_reform_naming_no_rule_or_path_of_the_pack_is_located(dazhou, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _reform(
        tmp_path,
        "  - rule: approval.tier-9\n    set: {when: {}}\n"
        "  - rule: approval.tier-1\n    set: {steps.7.authority: mayor}\n",
    )
    with pytest.raises(ReformError) as e:
        apply_reform(dazhou, p)
    lines = [(pr.line, pr.code) for pr in e.value.problems]
    assert lines == [(5, "unknown-rule"), (7, "bad-change")]
    assert "did you mean 'approval.tier-" in str(e.value)


@pytest.mark.parametrize(
    "text",
    [
        "reform: X Y\npack: dazhou\nchanges: []\n",
        "- a list\n",
        "reform: t\npack: dazhou\nchange: []\n",
    ],
)
def test_a_malformed_reform_file_is_a_located_error(tmp_path: Path, text: str) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ReformError) as e:
        load_reform(p)
    assert all(pr.path == str(p) and pr.line >= 1 for pr in e.value.problems)


def test_simulation_lists_exactly_the_projects_whose_approver_changes(dazhou, generated) -> None:  # type: ignore[no-untyped-def]
    sim = simulate(generated, AS_OF, dazhou, str(EXAMPLE), backend="rows")
    before = sim.before.results
    # Only the projects the mayor approved below the new 300万 limit move to the vice mayor.
    expected = generated.join(before, on="project_id").filter(
        (pl.col("approver:project_approval") == "mayor") & (pl.col("total_investment") < 300)
    )["project_id"]
    assert sim.changes["project_id"].to_list() == expected.to_list()
    assert sim.count("approver") == len(expected) > 0
    assert sim.count("outcome") == 0 and sim.count("deadline") == 0
    assert (sim.changes["approver:project_approval:after"] == "vice_mayor_for_finance").all()


def test_a_reform_changes_a_period_and_a_route_step(dazhou, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Art. 37 (10 days, read as calendar days) becomes 15 working days; Art. 10(2)(iii)'s
    # executive meeting is replaced by the mayor.
    p = _reform(
        tmp_path,
        "  - rule: technical-review.period\n    set: {within: {working_days: 15}}\n"
        "  - rule: approval.tier-3\n    set: {steps.0.authority: mayor}\n",
    )
    reformed = apply_reform(dazhou, p)
    project = {
        "collectively_reviewed": False,
        "total_investment": Decimal("600"),
        "technical_plan_submitted_on": "2026-09-25",
    }
    before = evaluate(project, pack=dazhou, as_of=AS_OF)
    after = evaluate(project, pack=reformed, as_of=AS_OF)
    # 10 days end on 2026-10-05, a National Day holiday: moved to the next working day.
    assert before.deadline("technical-review.period").due.isoformat() == "2026-10-08"
    # 15 working days skip the holiday (Oct 1-7) and count Saturday Oct 10, a make-up day.
    assert after.deadline("technical-review.period").due.isoformat() == "2026-10-22"
    assert before.final_approver() == "government_executive_meeting"
    assert after.final_approver() == "mayor"
