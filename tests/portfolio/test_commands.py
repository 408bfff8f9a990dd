"""The audit and simulate commands, as a user runs them on the shipped example portfolio."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from helpers import ROOT, run_cli

EXAMPLES = ROOT / "examples" / "portfolio"
PORTFOLIO = str(EXAMPLES / "projects.csv")
REFORM = str(EXAMPLES / "mayor-band-300.yaml")


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    """Run a command with ``--as-of 2026-11-25 -f json``; it must succeed."""
    r = run_cli(*args, "--as-of", "2026-11-25", "-f", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_audit_summarises_the_example_portfolio_by_jurisdiction(tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    summary = _json("audit", PORTFOLIO, "--out", str(out))
    assert summary["projects"] == 240
    by_j: dict[str, int] = {}
    for row in summary["outcomes"]:
        by_j[row["jurisdiction"]] = by_j.get(row["jurisdiction"], 0) + row["projects"]
    assert by_j == {"dazhou": 120, "hailing": 120}
    assert (
        summary["violated_articles"][0]["projects"] >= summary["violated_articles"][-1]["projects"]
    )
    assert any(a["route"] == "project_approval" for a in summary["approvals"])
    results = pl.read_parquet(out)
    assert results.height == 240 and results.columns[:3] == [
        "project_id",
        "jurisdiction",
        "outcome",
    ]


def test_audit_prints_the_four_summaries_for_people() -> None:
    r = run_cli("audit", PORTFOLIO, "-j", "dazhou", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    for title in (
        "Outcomes by jurisdiction",
        "Articles most often violated",
        "Approvals by authority",
        "Deadlines missed",
    ):
        assert title in r.stdout
    assert "第七条" in r.stdout and "市长 / Mayor" in r.stdout


def test_the_html_report_is_one_file_that_loads_nothing_from_the_network(tmp_path: Path) -> None:
    report = tmp_path / "audit.html"
    r = run_cli("audit", PORTFOLIO, "--as-of", "2026-11-25", "--report", str(report))
    assert r.returncode == 0, r.stderr
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page
    assert "第七条" in page


def test_simulate_reports_how_many_projects_change_and_which(tmp_path: Path) -> None:
    report, out = tmp_path / "sim.html", tmp_path / "changes.csv"
    sim = _json(
        "simulate", PORTFOLIO, "--reform", REFORM, "--report", str(report), "--out", str(out)
    )
    assert sim["reform"] == "dazhou-mayor-band-300" and sim["projects"] == 120
    assert sim["changed"]["approver"] > 0 and sim["changed"]["outcome"] == 0
    changes = pl.read_csv(out)
    assert changes.height == sim["changed"]["approver"]
    assert report.read_text(encoding="utf-8").count("<svg") == 8  # four charts, side by side


def test_a_bad_portfolio_is_a_located_error_without_a_traceback(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text("project_id,total_investment,is_secrt\nA,12x,true\n", encoding="utf-8")
    r = run_cli("audit", str(p), "-j", "dazhou")
    assert r.returncode == 64
    assert f"{p}:1:3: unknown-column:" in r.stderr and "did you mean 'is_secret'" in r.stderr
    assert f"{p}:2:2: bad-value:" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_reform_that_breaks_the_pack_stops_simulate_at_the_reform_line(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text(
        "reform: r\npack: dazhou\nchanges:\n  - rule: approval.tier-1\n"
        "    set: {when.total_investment: {below: lots}}\n",
        encoding="utf-8",
    )
    r = run_cli("simulate", PORTFOLIO, "--reform", str(bad), "--as-of", "2026-11-25")
    assert r.returncode == 64
    assert f"{bad}:5:5: bad-value:" in r.stderr and "Traceback" not in r.stderr


def test_an_unknown_backend_is_a_usage_error() -> None:
    r = run_cli("audit", PORTFOLIO, "--backend", "gpu")
    assert r.returncode == 64 and "--backend" in r.stderr


def test_the_library_and_its_command_line_load_without_the_portfolio_extra() -> None:
    import subprocess
    import sys

    code = (
        "import sys, govit_rules, govit_rules._cli; "
        "print(sorted(m for m in ('polars', 'dask', 'distributed', 'matplotlib', 'pyarrow') "
        "if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_a_long_run_at_a_terminal_gets_a_progress_bar_and_a_short_one_none(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from govit_rules._cli.portfolio import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    _, none = _progress(100)
    assert none is None
    bar, tick = _progress(50_000)
    assert tick is not None
    with bar:
        tick(20_000)
        tick(30_000)
    assert bar.tasks[0].completed == 50_000


def test_an_empty_portfolio_is_audited_and_simulated_without_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_text("project_id,total_investment,collectively_reviewed\n", encoding="utf-8")
    report = tmp_path / "a.html"
    assert _json("audit", str(p), "-j", "dazhou", "--report", str(report))["projects"] == 0
    assert "no projects" in report.read_text("utf-8")
    sim = _json("simulate", str(p), "--reform", REFORM, "--report", str(tmp_path / "s.html"))
    assert sim["changed"] == {"outcome": 0, "approver": 0, "deadline": 0}
