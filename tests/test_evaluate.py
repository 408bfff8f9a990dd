"""Evaluation semantics on the mini pack: statuses, deadlines, outcome, errors, threads."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govit_rules import (
    Outcome,
    PackRegistry,
    ProjectValidationError,
    Status,
    Verdict,
    evaluate,
    load_pack,
)

MINI = Path(__file__).parent / "fixtures" / "mini"
PACK = load_pack(MINI)
BASE: dict[str, Any] = {
    "funding_sources": ["local_budget"],
    "is_secret": False,
    "total_investment": 100,
}
ON = date(2026, 6, 1)


def check(as_of: date = ON, **facts: Any) -> Verdict:
    return evaluate({**BASE, **facts}, pack=PACK, as_of=as_of)


def test_thirty_working_days_from_2026_09_25_fall_on_2026_11_12_across_national_day() -> None:
    v = check(budget_review_submitted_on="2026-09-25", as_of=date(2026, 10, 1))
    d = v.deadline("review.period")
    assert d.due == date(2026, 11, 12)
    assert d.status is Status.upcoming
    assert not d.provisional
    assert "2026-11-12" in d.message.en


def test_a_review_completed_on_the_due_day_meets_the_deadline_and_a_day_later_misses_it() -> None:
    met = check(budget_review_submitted_on="2026-09-25", budget_review_completed_on="2026-11-12")
    late = check(budget_review_submitted_on="2026-09-25", budget_review_completed_on="2026-11-13")
    assert met.deadline("review.period").status is Status.met
    assert late.deadline("review.period").status is Status.missed
    assert late.outcome is Outcome.non_compliant


def test_a_deadline_beyond_the_calendar_data_is_provisional_with_a_warning_not_a_crash() -> None:
    v = check(budget_review_submitted_on="2027-03-01", as_of=date(2027, 3, 2))
    d = v.deadline("review.period")
    assert d.provisional is True
    assert d.due == date(2027, 4, 12)  # 30 weekdays after 2027-03-01
    assert any("provisional" in w for w in v.warnings)


def test_a_window_deadline_reports_too_early_on_time_and_late() -> None:
    start = "2026-01-31"
    early = check(trial_run_started_on=start, accepted_on="2026-04-29")
    first = check(trial_run_started_on=start, accepted_on="2026-04-30")
    last = check(trial_run_started_on=start, accepted_on="2026-07-31")
    late = check(trial_run_started_on=start, accepted_on="2026-08-03")
    assert early.deadline("acceptance.trial").status is Status.too_early
    assert first.deadline("acceptance.trial").earliest == date(2026, 4, 30)
    assert first.deadline("acceptance.trial").status is Status.met
    assert last.deadline("acceptance.trial").status is Status.met
    assert late.deadline("acceptance.trial").status is Status.missed


def test_a_fixed_date_of_the_year_moves_off_a_weekend_per_civil_code_art_203() -> None:
    # 2026-10-31 is a Saturday: the last day becomes Monday 2026-11-02.
    v = check(plan_year=2027, declared_on="2026-11-02")
    d = v.deadline("declaration.by")
    assert d.due == date(2026, 11, 2)
    assert d.extended is True
    assert d.status is Status.met


def test_an_obligation_of_a_later_stage_is_required_not_violated() -> None:
    early = check(stage="approval", graded_protection_tested=False)
    due = check(stage="acceptance", graded_protection_tested=False)
    assert early.finding("acceptance.security").status is Status.required
    assert due.finding("acceptance.security").status is Status.violated


def test_a_missing_fact_is_unknown_and_listed_with_the_rules_it_decides() -> None:
    v = evaluate({"funding_sources": ["local_budget"]}, pack=PACK, as_of=ON)
    assert v.applies is None
    assert v.outcome is Outcome.needs_information
    missing = {m.fact: m.rules for m in v.missing_facts}
    assert missing["total_investment"][:1] == ["scope.amount"]
    assert v.applicability.missing_facts == ["total_investment"]


def test_an_exception_not_shown_leaves_the_prohibition_violated_and_names_the_exception() -> None:
    v = check(components=["server_room"])
    f = v.finding("ban.server-room")
    assert f.status is Status.violated
    assert f.missing_facts == ["exempted_by_law"]
    lifted = check(components=["server_room"], exempted_by_law=True)
    assert lifted.finding("ban.server-room").status is Status.satisfied


def test_before_it_takes_effect_a_regulation_is_not_in_force() -> None:
    v = evaluate(BASE, pack=PACK, as_of=date(2023, 12, 31))
    assert v.outcome is Outcome.not_in_force
    assert v.in_force is False
    assert v.findings == []


def test_the_registry_picks_the_version_in_force_at_the_date(tmp_path: Path) -> None:
    old = tmp_path / "mini-2024"
    new = tmp_path / "mini-2026"
    shutil.copytree(MINI, old)
    shutil.copytree(MINI, new)
    for folder, frm, until in ((old, "2024-01-01", "2025-12-31"), (new, "2026-01-01", None)):
        text = (folder / "pack.yaml").read_text(encoding="utf-8")
        text = text.replace("in_force_from: 2024-01-01", f"in_force_from: {frm}")
        if until:
            text = text.replace(
                f"in_force_from: {frm}", f"in_force_from: {frm}\n  in_force_until: {until}"
            )
        text = text.replace("pack: mini", f"pack: {folder.name}")
        (folder / "pack.yaml").write_text(text, encoding="utf-8")
    reg = PackRegistry(tmp_path)
    assert reg.jurisdictions() == ["mini"]
    assert reg.get("mini", date(2025, 6, 1)).id == "mini-2024"
    assert reg.get("mini", date(2026, 6, 1)).id == "mini-2026"
    assert reg.get("mini", date(2020, 1, 1)).id == "mini-2024"


def test_an_invalid_project_lists_every_bad_field_with_its_path() -> None:
    with pytest.raises(ProjectValidationError) as info:
        evaluate(
            {
                "total_investmnt": 5,
                "delivery_mode": "self_built",
                "total_investment": -1,
                "approved_on": "soon",
            },
            pack=PACK,
        )
    where = sorted(p.path for p in info.value.problems)
    assert where == ["approved_on", "delivery_mode", "total_investment", "total_investmnt"]
    text = str(info.value)
    assert "did you mean 'total_investment'" in text


def test_the_verdict_json_round_trips() -> None:
    v = check(components=["server_room"], budget_review_submitted_on="2026-09-25")
    again = Verdict.model_validate_json(v.to_json())
    assert again.model_dump(mode="json") == json.loads(v.to_json())
    assert again.outcome is Outcome.prohibited


def test_json_text_in_gives_the_same_verdict_as_a_mapping() -> None:
    text = json.dumps({**BASE, "total_investment": "500"})
    assert evaluate(text, pack=PACK, as_of=ON).to_json() == check(total_investment="500").to_json()


def test_one_pack_shared_by_threads_gives_the_same_verdicts() -> None:
    projects = [
        {**BASE, "total_investment": str(n), "budget_review_submitted_on": "2026-09-25"}
        for n in range(30, 900, 7)
    ]
    expected = [evaluate(p, pack=PACK, as_of=ON).to_json() for p in projects]
    errors: list[str] = []

    def work() -> None:
        for _ in range(5):
            for p, e in zip(projects, expected, strict=True):
                if evaluate(p, pack=PACK, as_of=ON).to_json() != e:
                    errors.append(p["total_investment"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
