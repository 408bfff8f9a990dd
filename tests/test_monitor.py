"""The lifecycle monitor: alerts from event logs, once each, deterministic, never a crash.

Runs on tests/fixtures/mini (``review.period``: 30 working days from
``budget_review_submitted_on`` to ``budget_review_completed_on``, Art. 6;
``acceptance.trial``: acceptance 3-6 months after the trial run starts, Art. 7), and on the
shipped Dazhou example log when that pack loads.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govit_rules._cli.watch import watch_cli
from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._engine.monitor import Alert, Monitor, event_types
from govit_rules._packs.loader import CompiledPack, load_pack
from govit_rules.errors import GovitRulesError

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
SCOPE = {"funding_sources": ["local_budget"], "total_investment": 100, "is_secret": False}


@pytest.fixture(scope="module")
def packs() -> dict[str, CompiledPack]:
    return {"mini": load_pack(MINI)}


def ev(kind: str, on: str, project: str = "P1", **payload: Any) -> str:
    event: dict[str, Any] = {"project": project, "jurisdiction": "mini", "type": kind, "date": on}
    if payload:
        event["payload"] = payload
    return json.dumps(event)


def run(packs: dict[str, CompiledPack], lines: list[str], due_within: int = 7) -> list[Alert]:
    return list(Monitor(packs, due_within=due_within).replay(lines))


def kinds(alerts: list[Alert]) -> list[tuple[str, str | None]]:
    return [(a.kind, a.rule_id) for a in alerts]


def test_event_types_come_from_the_date_facts() -> None:
    types = event_types()
    assert types["budget_review_submitted"] == "budget_review_submitted_on"
    assert types["accepted"] == "accepted_on"
    assert "facts" not in types and "approval_valid_until" not in types.values()


def test_due_soon_then_missed_with_the_evaluators_due_date(packs) -> None:  # type: ignore[no-untyped-def]
    pack = packs["mini"]
    due = (
        evaluate_pack(
            pack, {**SCOPE, "budget_review_submitted_on": "2026-09-25"}, date(2026, 9, 25)
        )
        .deadline("review.period")
        .due
    )
    assert due is not None and due > date(2026, 11, 1)  # 30 working days across National Day
    before = date.fromordinal(due.toordinal() - 3).isoformat()
    late = date.fromordinal(due.toordinal() + 1).isoformat()
    alerts = run(
        packs,
        [
            ev("facts", "2026-09-01", **SCOPE),
            ev("budget_review_submitted", "2026-09-25"),
            ev("facts", before, name="x"),  # three days before the last day
            ev("budget_review_completed", late),
        ],
    )
    assert kinds(alerts) == [("due_soon", "review.period"), ("missed", "review.period")]
    soon, missed = alerts
    assert soon.due == missed.due == due
    assert missed.event_date == date.fromisoformat(late) and missed.line == 4
    assert missed.citation_en == "Mini Measures, Art. 6" and missed.citation_zh == "示例办法第六条"
    assert missed.message_zh.startswith("已逾期") and "missed" in missed.message_en
    assert missed.severe and not soon.severe


def test_met_in_time_and_no_alert_far_from_the_deadline(packs) -> None:  # type: ignore[no-untyped-def]
    alerts = run(
        packs,
        [
            ev("budget_review_submitted", "2026-09-25", **SCOPE),
            ev("budget_review_completed", "2026-10-20"),
        ],
    )
    assert kinds(alerts) == [("met", "review.period")]


def test_overdue_without_the_closing_event_is_missed_once(packs) -> None:  # type: ignore[no-untyped-def]
    alerts = run(
        packs,
        [
            ev("budget_review_submitted", "2026-09-25", **SCOPE),
            ev("facts", "2026-12-01", name="a"),
            ev("facts", "2026-12-02", name="b"),
            ev("budget_review_completed", "2026-12-03"),
        ],
    )
    assert kinds(alerts) == [("missed", "review.period")]
    assert alerts[0].event_date == date(2026, 12, 1)


def test_acceptance_before_the_minimum_trial_is_too_early(packs) -> None:  # type: ignore[no-untyped-def]
    alerts = run(
        packs,
        [
            ev("trial_run_started", "2026-01-05", **SCOPE),
            ev("accepted", "2026-03-01"),
        ],
    )
    assert kinds(alerts) == [("too_early", "acceptance.trial")]
    assert alerts[0].due == date(2026, 4, 5)  # the first allowed day: three months on
    assert "not before 2026-04-05" in alerts[0].message_en


def test_entering_a_stage_without_its_precondition_violates_the_obligation(packs) -> None:  # type: ignore[no-untyped-def]
    # acceptance.security: graded protection testing is required by the acceptance stage.
    # In planning the duty is not due yet (required); the acceptance_applied event moves the
    # project to the acceptance stage (the stage its date fact belongs to).
    alerts = run(
        packs,
        [
            ev("facts", "2026-02-01", graded_protection_tested=False, stage="planning", **SCOPE),
            ev("acceptance_applied", "2026-03-01"),  # the acceptance stage is entered
        ],
    )
    assert kinds(alerts) == [("violated", "acceptance.security")]
    assert alerts[0].event_date == date(2026, 3, 1)


def test_bad_events_are_reported_never_dropped_or_fatal(packs) -> None:  # type: ignore[no-untyped-def]
    lines = [
        ev("budget_review_submitted", "2026-09-25", **SCOPE),
        ev("budget_review_submitted", "2026-09-25", **SCOPE),  # duplicate
        ev("facts", "2026-09-01", name="x"),  # out of order
        json.dumps(
            {"project": "P2", "jurisdiction": "atlantis", "type": "facts", "date": "2026-01-01"}
        ),
        ev("budget_review_submited", "2026-10-01"),
        ev("facts", "2026-10-01", total_investmnt=3),
        ev("facts", "2026-10-01", total_investment="lots"),
        ev("facts", "2026-13-01"),
        "{not json",
        "[1, 2]",
        json.dumps(
            {
                "project": "P1",
                "jurisdiction": "mini",
                "type": "facts",
                "date": "2026-10-01",
                "when": 1,
            }
        ),
        json.dumps(
            {"project": "P1", "jurisdiction": "other", "type": "facts", "date": "2026-10-02"}
        ),
        "",
    ]
    alerts = run(packs, lines)
    rejected = [a for a in alerts if a.kind == "rejected"]
    reasons = [a.reason or "" for a in rejected]
    assert [a.line for a in rejected] == list(range(2, 13))
    expected = [
        "duplicate",
        "out of order",
        "unknown jurisdiction 'atlantis'",
        "did you mean 'budget_review_submitted'",
        "did you mean 'total_investment'",
        "invalid fact(s): total_investment",
        "'date' must be YYYY-MM-DD",
        "not JSON",
        "JSON object",
        "unknown key(s) ['when']",
        "belongs to jurisdiction 'mini'",
    ]
    for reason, want in zip(reasons, expected, strict=True):
        assert want in reason, (reason, want)
    # A rejected event changes nothing: the project still has its one accepted fact set.
    m = Monitor(packs)
    list(m.replay(lines))
    assert m.projects["P1"].project.total_investment == 100
    assert m.projects["P1"].last_date == date(2026, 9, 25)


def test_replay_is_deterministic_and_alerts_once(packs) -> None:  # type: ignore[no-untyped-def]
    lines = [
        ev("budget_review_submitted", "2026-09-25", **SCOPE),
        ev("facts", "2026-12-01", name="a"),
        ev("budget_review_completed", "2026-12-03", project="P1"),
        ev("trial_run_started", "2026-01-05", project="P9", **SCOPE),
        ev("accepted", "2026-03-01", project="P9"),
        ev("facts", "2026-03-02", project="P9", name="again"),
    ]
    first = [a.to_dict() for a in run(packs, lines)]
    second = [a.to_dict() for a in run(packs, lines)]
    assert first == second
    keys = [(a["project"], a["rule_id"], a["kind"]) for a in first]
    assert len(keys) == len(set(keys)) == 2


def test_unknown_jurisdiction_in_a_registry_is_rejected(tmp_path: Path) -> None:
    from govit_rules._packs.registry import PackRegistry

    reg = PackRegistry(tmp_path)  # an empty folder: no jurisdiction at all
    alerts = list(Monitor(reg).replay([ev("facts", "2026-01-01")]))
    assert kinds(alerts) == [("rejected", None)] and "unknown jurisdiction" in (
        alerts[0].reason or ""
    )


def test_watch_cli_text_json_and_exit_codes(packs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "events.jsonl"
    log.write_text(
        "\n".join(
            [
                ev("budget_review_submitted", "2026-09-25", **SCOPE),
                ev("budget_review_completed", "2026-12-03"),
            ]
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    assert watch_cli(str(log), "json", 7, packs=packs, out=out) == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["kind"] for r in rows] == ["missed"] and rows[0]["citation_zh"] == "示例办法第六条"

    out = io.StringIO()
    assert watch_cli(str(log), "text", 7, packs=packs, out=out) == 1
    assert "MISSED review.period due" in out.getvalue()

    log.write_text(
        ev("budget_review_submitted", "2026-09-25", **SCOPE) + "\n{bad\n", encoding="utf-8"
    )
    out = io.StringIO()
    assert watch_cli(str(log), "text", 7, packs=packs, out=out) == 0  # rejected only: printed
    assert "REJECTED line 2" in out.getvalue()

    err = io.StringIO()
    assert watch_cli(str(tmp_path / "missing.jsonl"), "text", 7, packs=packs, err=err) == 64
    assert "cannot read" in err.getvalue()
    assert watch_cli(str(log), "yaml", 7, packs=packs, err=io.StringIO()) == 64
    assert watch_cli(str(log), "text", -1, packs=packs, err=io.StringIO()) == 64


def test_watch_cli_reads_stdin(packs, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    stdin = io.StringIO(
        ev("trial_run_started", "2026-01-05", **SCOPE) + "\n" + ev("accepted", "2026-05-01") + "\n"
    )
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()
    assert watch_cli("-", "text", 7, packs=packs, out=out) == 0
    assert "MET acceptance.trial" in out.getvalue()


def test_dazhou_example_log() -> None:
    from govit_rules._packs.registry import default_registry

    try:
        default_registry().get("dazhou")
    except GovitRulesError as exc:
        pytest.skip(f"the Dazhou pack does not load: {str(exc).splitlines()[0]}")
    out = io.StringIO()
    log = ROOT / "examples" / "events" / "dazhou-budget-review.jsonl"
    assert watch_cli(str(log), "json", 7, out=out) == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    summary = [(r["project"], r["kind"], r["rule_id"]) for r in rows]
    assert summary == [
        ("DZ-2026-017", "due_soon", "budget-review.period"),
        ("DZ-2026-017", "missed", "budget-review.period"),
        ("DZ-2026-017", "rejected", None),
        ("DZ-2026-022", "too_early", "trial-run.period"),
        ("DZ-2026-022", "rejected", None),
    ]
    missed = rows[1]
    assert missed["due"] == "2026-11-12" and missed["event_date"] == "2026-11-20"
    assert missed["citation_zh"].endswith("第三十八条") and "Art. 38" in missed["citation_en"]
