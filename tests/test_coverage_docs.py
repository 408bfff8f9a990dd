"""govit-rules test, coverage and docs on the mini fixture pack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govit_rules import load_pack
from govit_rules._tools.coverage import pack_coverage
from govit_rules._tools.docs import render_pack_page, render_project_model
from helpers import MINI, copy_mini
from helpers import run_cli as run


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return copy_mini(tmp_path)


# --- test -------------------------------------------------------------------------------------


def test_pack_tests_pass() -> None:
    r = run("test", str(MINI))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "4 passed, 0 failed"


def test_failing_case_is_reported(pack: Path) -> None:
    tests = pack / "tests" / "main.yaml"
    text = tests.read_text(encoding="utf-8")
    tests.write_text(
        text.replace("{project_approval: council}", "{project_approval: mayor}"), encoding="utf-8"
    )
    r = run("test", str(pack))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[-1] == "3 passed, 1 failed"
    fail = next(line for line in lines if line.startswith("FAIL"))
    assert (
        "tests/main.yaml:17: a 500万 project goes to the executive meeting (pins 4(1)(ii))" in fail
    )
    assert any(
        "final_approver[project_approval]: expected mayor, got council" in line for line in lines
    )


def test_broken_test_file_counts_as_failure(pack: Path) -> None:
    (pack / "tests" / "extra.yaml").write_text("cases:\n  - name: x\n", encoding="utf-8")
    r = run("test", str(pack), "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["passed"] == 4 and data["failed"] == 1


# --- coverage ---------------------------------------------------------------------------------


def test_coverage_of_mini() -> None:
    cov = pack_coverage(load_pack(MINI))
    assert cov.totals() == {
        "articles": 9,
        "encoded": 8,
        "not_checkable": 1,
        "unknown_text": 0,
        "operative": 8,
        "tested": 4,
        "tested_percent": 50.0,
    }
    assert [a.article for a in cov.untested()] == [5, 6, 7, 8]
    art9 = next(a for a in cov.articles if a.article == 9)
    assert art9.tested  # through the case pinning scope.amount, which also cites Art. 9


def test_coverage_fail_under() -> None:
    r = run("coverage", str(MINI), "--fail-under", "100")
    assert r.returncode == 1
    assert "50.0%" in r.stdout and "untested" in r.stdout
    r = run("coverage", str(MINI), "--fail-under", "50", "--summary")
    assert r.returncode == 0
    r = run("coverage", str(MINI), "--format", "json")
    data = json.loads(r.stdout)
    assert data["packs"][0]["totals"]["tested_percent"] == 50.0
    art5 = next(a for a in data["packs"][0]["articles"] if a["article"] == 5)
    assert art5["rules"] == ["documents.new"] and art5["tested_by"] == []


def test_coverage_reaches_100_with_cases(pack: Path) -> None:
    tests = pack / "tests" / "main.yaml"
    tests.write_text(
        tests.read_text(encoding="utf-8")
        + """
  - name: new projects file the plan and the feasibility study
    article: "5"
    project: {project_nature: new}
    expect: {required_documents: [plan, feasibility]}
  - name: the budget review period is 30 working days
    article: "6"
    project: {budget_review_submitted_on: 2026-06-01}
    expect: {cites: ["6"]}
  - name: acceptance follows the trial run
    article: "7"
    project: {trial_run_started_on: 2026-01-05}
    expect: {cites: ["7"]}
  - name: declare by the end of October
    article: "8"
    project: {plan_year: 2027}
    expect: {cites: ["8"]}
""",
        encoding="utf-8",
    )
    r = run("coverage", str(pack), "--fail-under", "100")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "100.0%" in r.stdout


# --- docs -------------------------------------------------------------------------------------


def test_docs_are_deterministic() -> None:
    mini = load_pack(MINI)
    page = render_pack_page(mini)
    assert page == render_pack_page(load_pack(MINI))
    assert "#### Art. 4 第四条 审批 — Approval" in page
    assert "final approver `council`" in page
    assert "**Not checkable:** States the purpose only." in page
    assert "a 500万 project goes to the executive meeting (`tests/main.yaml:17`" in page
    model = render_project_model()
    assert "| `total_investment` | money (万元) | 总投资（万元） |" in model
    assert "### DeliveryMode" in model and "| `self_build` | 自行建设 |" in model


def test_docs_check_detects_staleness(pack: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs" / "packs"
    r = run("docs", str(pack), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "mini.md").is_file() and (tmp_path / "docs" / "project-model.md").is_file()
    r = run("docs", str(pack), "--out", str(out), "--check")
    assert r.returncode == 0, r.stderr
    rules = pack / "rules" / "main.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "Below 500万 the mayor decides.", "Under 500万 the mayor decides."
        ),
        encoding="utf-8",
    )
    r = run("docs", str(pack), "--out", str(out), "--check")
    assert r.returncode == 1
    assert f"{out / 'mini.md'}: stale; run govit-rules docs --out" in r.stderr
    r = run("docs", str(pack), "--out", str(out))
    assert r.returncode == 0 and "wrote" in r.stdout
    assert "Under 500万" in (out / "mini.md").read_text(encoding="utf-8")


def test_docs_check_names_a_page_not_written_yet_missing_not_stale(
    pack: Path, tmp_path: Path
) -> None:
    out = tmp_path / "docs" / "packs"
    r = run("docs", str(pack), "--out", str(out), "--check")
    assert r.returncode == 1
    assert f"{out / 'mini.md'}: missing; run govit-rules docs --out" in r.stderr
    assert "stale" not in r.stderr
