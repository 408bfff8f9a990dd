"""Route steps name whom they are addressed to, and a filing route says who keeps the filing.

Dazhou Art. 45: within 15% the unit adjusts on its own and files a written record with the
Digital Economy Bureau: no approval, the route ends in a filing. Hailing Art. 13: the unit
reports to the district office, which approves; the filing that follows is not the decision.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govit_rules import PackError, evaluate, get_pack, load_pack
from helpers import MINI, run_cli

ADJUSTMENT = {
    "stage": "construction",
    "major_change": True,
    "content_adjusted": True,
    "approved_total_investment": 1000,
    "actual_investment": 1000,
    "construction_goal_changed": False,
    "adjustment_amount": 150,
    "adjustment_optimises_technical_plan": True,
}


def test_a_route_without_approval_ends_in_a_filing_with_the_bureau_art_45() -> None:
    v = evaluate(ADJUSTMENT, "dazhou", as_of="2026-11-25")
    route = v.route("content_adjustment")
    assert route is not None and route.rule_id == "change.filing-route"
    assert route.final_approver is None
    assert route.filed_with == "digital_economy_bureau"
    (step,) = route.steps
    assert (step.authority, step.action, step.to) == (
        "project_unit",
        "file",
        "digital_economy_bureau",
    )
    assert step.to_zh == "市数字经济局"


def test_a_report_is_addressed_to_the_office_that_approves_art_13() -> None:
    route = get_pack("hailing", "2026-11-25").route_result("construction.adjustment-route")
    report, approve, file = route.steps
    assert (report.authority, report.to) == ("declaring_unit", "district_office")
    assert approve.to is None and file.to is None
    assert route.final_approver == "district_office" and route.filed_with is None


def test_the_plain_verdict_shows_the_addressee_and_the_filing(tmp_path: Path) -> None:
    project = tmp_path / "p.json"
    import json

    project.write_text(json.dumps(ADJUSTMENT), encoding="utf-8")
    r = run_cli("check", str(project), "-j", "dazhou", "--as-of", "2026-11-25")
    assert "备案 → 市数字经济局 (Municipal Digital Economy Bureau)" in r.stdout
    assert "the route ends in a filing with digital_economy_bureau" in r.stdout


def test_an_unknown_addressee_is_a_located_error_with_a_did_you_mean(tmp_path: Path) -> None:
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    rules = pack / "rules" / "main.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "{authority: bureau, action: review}",
            "{authority: bureau, action: review, to: mayer}",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(PackError) as exc:
        load_pack(pack)
    problem = next(p for p in exc.value.problems if p.code == "unknown-authority")
    assert "'mayer'" in problem.message and "did you mean 'mayor'?" in problem.message
    assert problem.path.endswith("main.yaml") and problem.line > 0
