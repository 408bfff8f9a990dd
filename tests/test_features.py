"""Engine behaviours a verdict must have: exemptions stated, document choices, time-limited
duties, dates that prove a period was cut short, duties carved back in outside the scope,
and alternative readings shown where they decide otherwise (tests/fixtures/features)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govit_rules import PackError, Status, evaluate, load_pack
from govit_rules._engine.status import status_loop
from govit_rules._lang.clock import Clock
from helpers import FEATURES, FEATURES_AS_OF, FEATURES_BASE

AS_OF = FEATURES_AS_OF
BASE = FEATURES_BASE


@pytest.fixture(scope="module")
def pack():  # type: ignore[no-untyped-def]
    return load_pack(FEATURES)


def test_an_exemption_that_holds_is_a_finding_citing_its_article(pack) -> None:  # type: ignore[no-untyped-def]
    v = evaluate({**BASE, "total_investment": "49.99"}, pack=pack, as_of=AS_OF)
    f = v.finding("approval.small-exempt")
    assert f.status is Status.exempt
    assert f.citation.en == "Art. 2(2)"
    assert v.cites("2(2)", status="exempt")
    assert "approval.route" in v.not_applicable and "approval.plan-required" in v.not_applicable


def test_an_alternative_reading_that_gives_another_date_is_shown_with_the_chosen_first(
    pack,
) -> None:  # type: ignore[no-untyped-def]
    # Submitted Friday 2026-05-08: 10 calendar days end Monday 05-18; 10 working days end
    # Thursday 05-21, since Saturday 05-09 is a make-up working day after Labour Day.
    v = evaluate({**BASE, "budget_review_submitted_on": "2026-05-08"}, pack=pack, as_of=AS_OF)
    [reading] = v.readings
    assert reading.rule_id == "review.period"
    assert reading.chosen.due == date(2026, 5, 18)
    assert reading.alternative.due == date(2026, 5, 21)
    assert "working days" in reading.note.en
    assert v.deadline("review.period").due == date(2026, 5, 18)


def test_readings_that_agree_are_not_reported(pack) -> None:  # type: ignore[no-untyped-def]
    v = evaluate(BASE, pack=pack, as_of=AS_OF)  # no submission date: both readings unknown
    assert v.readings == []


def test_an_alternative_reading_may_only_change_what_the_rule_decides(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(FEATURES, tmp_path / "p")
    rules = tmp_path / "p" / "rules" / "main.yaml"
    text = rules.read_text("utf-8").replace("within: {working_days: 10}", "cite: {article: 6}")
    rules.write_text(text, "utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(tmp_path / "p")
    assert "alternative reading changes what the rule decides" in str(exc.value)


def test_an_exemption_must_name_rules_of_the_pack(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(FEATURES, tmp_path / "p")
    rules = tmp_path / "p" / "rules" / "main.yaml"
    rules.write_text(
        rules.read_text("utf-8").replace("approval.route, approval", "approval.rout, approval"),
        "utf-8",
    )
    with pytest.raises(PackError) as exc:
        load_pack(tmp_path / "p")
    msg = str(exc.value)
    assert "unknown-rule" in msg and "did you mean 'approval.route'" in msg


def test_the_fused_status_function_agrees_with_the_rule_by_rule_loop(pack) -> None:  # type: ignore[no-untyped-def]
    from govit_rules import validate_project
    from govit_rules._engine.decider import COMPILED
    from govit_rules._engine.results import Ctx
    from govit_rules._engine.status import Run, exemptions, fused_for

    projects = [
        {**BASE, "total_investment": "49.99"},
        {**BASE, "delivery_mode": None},
        {
            **BASE,
            "rectification_ordered": True,
            "rectification_completed": False,
            "rectification_due_on": "2026-05-01",
        },
        {
            **BASE,
            "submitted_documents": ["plan"],
            "trial_run_started_on": "2026-03-10",
            "acceptance_applied_on": "2026-04-01",
        },
    ]
    fused = fused_for(pack)
    for raw in projects:
        p = validate_project(raw)
        results = []
        for run in ("fused", "loop"):
            ctx = Ctx(pack, p, AS_OF)
            entries: list = []
            na: list = []
            routes: list = []
            deadlines: list = []
            ex, _ = exemptions(pack, p, Clock(date(2026, 6, 1)), COMPILED, entries, na)
            if run == "fused":
                flags = fused(p, None, ctx, entries, na, routes, deadlines, ex)
            else:
                loop = Run(ctx, COMPILED, routes, deadlines)
                flags = status_loop(pack.checked_rules, None, loop, entries, na, ex)
            results.append((flags, [(r.id, st) for r, st, *_ in entries], na, routes, deadlines))
        assert results[0] == results[1]


def test_the_features_pack_passes_its_own_article_level_cases() -> None:
    from govit_rules._tools.testing import run_pack_tests

    results = run_pack_tests(FEATURES)
    assert len(results) >= 14
    assert all(r.passed for r in results), [r for r in results if not r.passed]


@pytest.mark.parametrize("seed", range(3))
def test_the_rete_engine_agrees_on_the_features_pack(pack, seed: int) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("durable")
    from govit_rules._engine.evaluate import evaluate_pack
    from govit_rules._engine.rete import evaluate_rete

    projects = [
        {**BASE, "total_investment": "49.99"},
        {**BASE, "delivery_mode": None},
        {**BASE, "submitted_documents": ["plan", "last_contract"]},
        {"funding_sources": ["higher_level_transfer"], "plan_copy_sent_to_coordinator": False},
        {**BASE, "budget_review_submitted_on": "2026-05-08"},
    ]
    raw = projects[seed::3]
    for project in raw:
        assert (
            evaluate_rete(pack, project, AS_OF).to_json()
            == evaluate_pack(pack, project, AS_OF).to_json()
        )


def test_a_named_set_is_one_word_of_the_regulation_defined_once(pack) -> None:  # type: ignore[no-untyped-def]
    rule = pack.rule("approval.small-exempt")
    from govit_rules._lang.conditions import tests_of

    [named] = [t for t in tests_of(rule.main) if t.fact == "delivery_mode"]
    assert named.named == "purchase_of_service"
    assert {str(v) for v in named.value} == {
        "purchase_of_service",
        "enterprise_build_government_buys",
    }


@pytest.mark.parametrize(
    ("edit", "code", "hint"),
    [
        ("{in: purchase_of_service}", "unknown-set", None),
        ("{in: purchase_of_servise}", "unknown-set", "did you mean 'purchase_of_service'"),
    ],
)
def test_a_mistyped_set_name_is_a_located_error(
    tmp_path: Path, edit: str, code: str, hint: str | None
) -> None:
    import shutil

    shutil.copytree(FEATURES, tmp_path / "p")
    rules = tmp_path / "p" / "rules" / "main.yaml"
    text = rules.read_text("utf-8").replace(
        "{in: purchase_of_service}",
        edit.replace("service}", "servise}") if hint else "{in: no_such_set}",
    )
    rules.write_text(text, "utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(tmp_path / "p")
    msg = str(exc.value)
    assert code in msg and "main.yaml:" in msg
    if hint:
        assert hint in msg


def test_lint_asks_for_a_named_set_where_a_rule_lists_kinds_of_work(tmp_path: Path) -> None:
    import shutil

    from govit_rules._tools.lint import lint_pack

    shutil.copytree(FEATURES, tmp_path / "p")
    rules = tmp_path / "p" / "rules" / "main.yaml"
    rules.write_text(
        rules.read_text("utf-8").replace(
            "{in: purchase_of_service}", "[purchase_of_service, enterprise_build_government_buys]"
        ),
        "utf-8",
    )
    problems = lint_pack(load_pack(tmp_path / "p"))
    assert [p.code for p in problems if p.code == "literal-words"] == ["literal-words"]


def test_lint_asks_why_a_word_differs_from_another_packs(tmp_path: Path) -> None:
    import shutil

    from govit_rules._tools.lint import lint_pack

    for name in ("a", "b"):
        shutil.copytree(FEATURES, tmp_path / name)
    b = tmp_path / "b" / "pack.yaml"
    b.write_text(
        b.read_text("utf-8").replace(
            "values: [purchase_of_service, enterprise_build_government_buys]",
            "values: [purchase_of_service]",
        ),
        "utf-8",
    )
    codes = [p.code for p in lint_pack(load_pack(tmp_path / "a"))]
    assert "set-differs" in codes
    b.write_text(
        b.read_text("utf-8")
        + "    interpretation: {zh: 本办法不含企业建设运营。, en: These measures leave out enterprise-run services.}\n",
        "utf-8",
    )
    assert "set-differs" not in [p.code for p in lint_pack(load_pack(tmp_path / "b"))]
