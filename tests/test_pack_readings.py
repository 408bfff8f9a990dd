"""The shipped packs name the other plausible reading of a damaged or ambiguous passage,
and a verdict shows both where they part (YAML cases pin only the chosen reading)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govit_rules import Status, evaluate, load_pack
from helpers import PLAIN_PROJECT

DAZHOU = Path(__file__).resolve().parent.parent / "rulepacks" / "dazhou"
AS_OF = date(2026, 11, 25)
BASE: dict[str, Any] = {**PLAIN_PROJECT, "total_investment": 100}


@pytest.fixture(scope="module")
def dazhou():  # type: ignore[no-untyped-def]
    return load_pack(DAZHOU)


def _one_reading(pack: Any, **facts: str) -> tuple[Any, Any]:
    """The verdict on a plain municipal project with these dates, and its only reading."""
    v = evaluate({**BASE, **facts}, pack=pack, as_of=AS_OF)
    [reading] = v.readings
    return v, reading


def test_dazhou_art_37_review_late_in_calendar_days_is_in_time_in_working_days(
    dazhou,
) -> None:  # type: ignore[no-untyped-def]
    # Plan submitted 24 September 2026: 10 days end on 4 October, inside the National Day
    # holiday, so the last day moves to 8 October; 10 working days end on 15 October.
    v, reading = _one_reading(
        dazhou,
        technical_plan_submitted_on="2026-09-24",
        technical_review_completed_on="2026-10-09",
    )
    assert reading.rule_id == "technical-review.period"
    assert reading.citation.en == "Art. 37"
    assert (reading.chosen.status, reading.chosen.due) == (Status.missed, date(2026, 10, 8))
    assert (reading.alternative.status, reading.alternative.due) == (
        Status.met,
        date(2026, 10, 15),
    )
    assert "working days" in reading.note.en
    assert v.deadline("technical-review.period").status is Status.missed


def test_dazhou_art_37_readings_that_agree_on_the_status_still_show_their_dates(
    dazhou,
) -> None:  # type: ignore[no-untyped-def]
    _, reading = _one_reading(
        dazhou,
        technical_plan_submitted_on="2026-09-24",
        technical_review_completed_on="2026-10-08",
    )
    assert reading.chosen.status is reading.alternative.status is Status.met
    assert reading.chosen.due != reading.alternative.due


def test_dazhou_art_52_self_evaluation_at_17_months_meets_12_to_24_but_not_within_12(
    dazhou,
) -> None:  # type: ignore[no-untyped-def]
    v, reading = _one_reading(
        dazhou,
        operation_started_on="2024-10-01",
        self_evaluation_submitted_on="2026-03-02",
    )
    assert reading.rule_id == "performance.self-evaluation"
    assert reading.chosen.status is Status.met
    assert (reading.chosen.earliest, reading.chosen.latest) == (
        date(2025, 10, 1),
        date(2026, 10, 8),
    )
    assert reading.alternative.status is Status.missed
    assert v.deadline("performance.self-evaluation").status is Status.met


def test_dazhou_art_52_self_evaluation_before_12_months_is_early_only_on_the_chosen_reading(
    dazhou,
) -> None:  # type: ignore[no-untyped-def]
    _, reading = _one_reading(
        dazhou,
        operation_started_on="2024-10-01",
        self_evaluation_submitted_on="2025-09-30",
    )
    assert reading.chosen.status is Status.too_early
    assert reading.alternative.status is Status.met


def test_without_the_dates_the_readings_of_dazhou_are_not_reported(dazhou) -> None:  # type: ignore[no-untyped-def]
    assert evaluate(BASE, pack=dazhou, as_of=AS_OF).readings == []


def test_a_secret_dazhou_project_is_outside_the_measures_and_the_other_reading_of_art_65_is_shown() -> (
    None
):
    from datetime import date

    from govit_rules import evaluate

    v = evaluate(
        {
            "unit_type": "government_organ",
            "unit_level": "own_level",
            "funding_sources": ["local_budget"],
            "total_investment": 300,
            "is_secret": True,
        },
        "dazhou",
        as_of=date(2026, 11, 25),
    )
    assert v.applies is False and v.cites("65")
    [reading] = [r for r in v.readings if r.rule_id == "scope.not-secret"]
    assert reading.chosen.status.value == "out_of_scope"
    assert reading.alternative.status.value == "satisfied"


HAILING_FOLLOW_ON: dict[str, Any] = {
    **PLAIN_PROJECT,
    "delivery_mode": "self_build",
    "project_nature": "continuation",
    "stage": "operation",
    "performance_findings_rectified": False,
}


def test_hailing_art_18_1_a_unit_rated_qualified_is_not_held_back_but_the_reading_including_qualified_is_shown() -> (
    None
):
    v = evaluate(
        {**HAILING_FOLLOW_ON, "performance_rating": "qualified"},
        "hailing",
        as_of=date(2026, 12, 15),
    )
    assert v.finding("performance.suspend-below-qualified").status is Status.satisfied
    [reading] = [r for r in v.readings if r.rule_id == "performance.suspend-below-qualified"]
    assert reading.citation.en == "Art. 18(i)"
    assert reading.chosen.status is Status.satisfied
    assert reading.alternative.status is Status.violated
    assert "1259" in reading.note.en


@pytest.mark.parametrize("rating", ["excellent", "good", "unqualified"])
def test_hailing_art_18_1_both_readings_agree_on_every_grade_but_qualified(rating: str) -> None:
    v = evaluate(
        {**HAILING_FOLLOW_ON, "performance_rating": rating},
        "hailing",
        as_of=date(2026, 12, 15),
    )
    assert [r for r in v.readings if r.rule_id == "performance.suspend-below-qualified"] == []
    expected = Status.violated if rating == "unqualified" else Status.satisfied
    assert v.finding("performance.suspend-below-qualified").status is expected
