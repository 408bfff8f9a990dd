"""Deadlines cite what their rule also cites, and show the year a fixed-day deadline counts from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from govit_rules import evaluate


def test_a_deadline_cites_the_articles_its_rule_also_cites() -> None:
    # Dazhou's performance-monitoring deadline (Art. 51) also cites Art. 51(2); Hailing's
    # third-quarter declaration (Art. 5) also cites Art. 11.
    v = evaluate({"stage": "construction", "plan_year": 2026}, "dazhou", as_of="2026-11-25")
    d = v.deadline("performance.monitoring-report")
    assert [c.en for c in d.also_cites] == ["Art. 51(2)"]
    assert v.cites("51(2)")
    assert v.cites("51(2)", status=d.status)
    h = evaluate({"stage": "declaration", "plan_year": 2026}, "hailing", as_of="2026-11-25")
    assert h.cites("11", status=h.deadline("declaration.third-quarter").status)


def test_a_deadline_on_a_fixed_day_of_the_plan_year_shows_that_year() -> None:
    v = evaluate({"stage": "declaration", "plan_year": 2026}, "hailing", as_of="2026-11-25")
    d = v.deadline("declaration.third-quarter")
    assert d.anchor == "plan_year" and d.anchor_year == 2026 and d.anchor_date is None
    assert str(d.due) == "2025-09-30"
    assert "anchor_year" in v.to_json(compact=True)


def test_the_plain_verdict_shows_the_plan_year_a_fixed_day_deadline_counts_from(
    tmp_path: Path,
) -> None:
    project = tmp_path / "p.yaml"
    project.write_text("plan_year: 2026\nstage: declaration\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "govit_rules._cli",
            "check",
            str(project),
            "-j",
            "hailing",
            "--as-of",
            "2026-11-25",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert "from plan_year = 2026 → due 2025-09-30" in r.stdout
    assert "from plan_year = not given" not in r.stdout
