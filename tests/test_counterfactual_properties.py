"""Counterfactuals on every pack: each keeps its promise, each is the nearest, each boundary
is reachable.

The property runs over generated projects: a pack's own test-case project with a few facts
changed at random (values on and around the pack's thresholds). The coverage test shows that
every threshold, period and exception of every pack is produced as a counterfactual for some
project: the pack's test cases, plus a witness where no case reaches one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govit_rules import CompiledPack, Project, Verdict, evaluate, get_pack, jurisdictions
from govit_rules._engine.boundaries import Boundary, boundaries, step_toward
from govit_rules._engine.counterfactual import Counterfactual, apply_changes, observe
from govit_rules._lang.conditions import FactRef, fact_types
from govit_rules._lang.conditions import tests_of as leaf_tests
from govit_rules._law.citation import Citation
from govit_rules._tools.testing import iter_cases
from govit_rules.errors import ProjectValidationError

TYPES = fact_types()
PACKS = jurisdictions()


@cache
def _cases(jurisdiction: str) -> list[tuple[str, dict[str, Any], date]]:
    pack = get_pack(jurisdiction)
    return [(lc.case.article, lc.project, lc.as_of) for lc in iter_cases(pack)]


def _fact_values(pack: CompiledPack) -> dict[str, st.SearchStrategy[Any]]:
    """For each fact a pack tests: values on and one step either side of its literals."""
    literals: dict[str, set[Any]] = {}
    for rule in pack.rules:
        for cond in (rule.when, rule.main, rule.unless):
            for t in leaf_tests(cond) if cond is not None else ():
                if t.fact == "today":  # the evaluation date, not a fact of the project
                    continue
                if not isinstance(t.value, FactRef | frozenset):
                    literals.setdefault(t.fact, set()).add(t.value)
                elif isinstance(t.value, frozenset):
                    literals.setdefault(t.fact, set()).update(t.value)
    out: dict[str, st.SearchStrategy[Any]] = {}
    for fact, values in literals.items():
        kind = TYPES[fact].kind
        if kind in ("number", "integer", "date"):
            near = {step_toward(fact, v, v + d) for v in values for d in _steps(kind)} | values
            out[fact] = st.sampled_from(sorted(near))
        elif kind == "set":
            out[fact] = st.frozensets(st.sampled_from(sorted(values, key=str)), max_size=3)
        elif kind == "bool":
            out[fact] = st.booleans()
        elif kind == "enum" and TYPES[fact].enum is not None:
            out[fact] = st.sampled_from(list(TYPES[fact].enum))  # type: ignore[arg-type]
    for rule in pack.rules:  # completion dates around each anchor
        if rule.done and TYPES[rule.done].kind == "dates":  # a report each year
            out.setdefault(rule.done, st.lists(st.dates(date(2023, 1, 1), date(2028, 12, 31))))
        elif rule.done:
            out.setdefault(rule.done, st.dates(date(2023, 1, 1), date(2028, 12, 31)))
        if rule.anchor and TYPES[rule.anchor].kind == "date":
            out.setdefault(rule.anchor, st.dates(date(2023, 1, 1), date(2028, 12, 31)))
    return out


def _steps(kind: str) -> tuple[Any, ...]:
    if kind == "number":
        return (Decimal(-1), Decimal(1))
    if kind == "integer":
        return (-1, 1)
    from datetime import timedelta

    return (timedelta(days=-1), timedelta(days=1))


@st.composite
def _projects(draw: st.DrawFn, jurisdiction: str) -> tuple[Project, date]:
    _, base, as_of = draw(st.sampled_from(_cases(jurisdiction)))
    values = _fact_values(get_pack(jurisdiction))
    facts = draw(st.lists(st.sampled_from(sorted(values)), max_size=3, unique=True))
    data = {**base, **{f: draw(values[f]) for f in facts}}
    try:
        return Project.model_validate(data), as_of
    except ValueError:
        assume(False)
        raise  # pragma: no cover


def _target(cf: Counterfactual, pack: CompiledPack, p: Project, as_of: date) -> str | None:
    try:
        changed = apply_changes(p, cf.updates())
    except ProjectValidationError:
        return None
    return observe(evaluate(changed, pack=pack, as_of=as_of), cf.target, cf.name)


def check_promises(pack: CompiledPack, p: Project, as_of: date, v: Verdict) -> int:
    """Every counterfactual of ``v`` re-checked from scratch; returns how many there were."""
    cfs = v.counterfactuals()
    for cf in cfs:
        if cf.kind == "unknown":
            fact = cf.changes[0].fact
            for a in cf.answers:
                changed = evaluate(apply_changes(p, {fact: a.value}), pack=pack, as_of=as_of)
                assert observe(changed, cf.target, cf.name) == a.after, (cf, a)
            continue
        assert cf.before == observe(v, cf.target, cf.name)
        assert cf.after != cf.before
        # Applying it produces the change it promises ...
        assert _target(cf, pack, p, as_of) == cf.after, cf
        # ... and one step less of any changed number or date does not.
        for change in cf.changes:
            if change.before is None or TYPES[change.fact].kind not in (
                "number",
                "integer",
                "date",
            ):
                continue
            back = step_toward(change.fact, change.after, change.before)
            smaller = cf.model_copy(
                update={
                    "changes": [
                        c.model_copy(update={"after": back}) if c is change else c
                        for c in cf.changes
                    ]
                }
            )
            assert _target(smaller, pack, p, as_of) != cf.after, (cf, back)
    return len(cfs)


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_every_counterfactual_keeps_its_promise_and_no_smaller_change_does(
    jurisdiction: str,
) -> None:
    pack = get_pack(jurisdiction)

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(drawn=_projects(jurisdiction))
    def prop(drawn: tuple[Project, date]) -> None:
        p, as_of = drawn
        check_promises(pack, p, as_of, evaluate(p, pack=pack, as_of=as_of))

    prop()


# --- every boundary is reachable --------------------------------------------------------------

# Projects that reach a boundary no test case of the pack reaches.
WITNESSES: dict[str, list[dict[str, Any]]] = {
    "dazhou": [
        # Art. 44/45: a change that would be a filed adjustment but for its overrun.
        {
            "unit_type": "government_organ",
            "unit_level": "own_level",
            "funding_sources": ["local_budget"],
            "is_secret": False,
            "stage": "construction",
            "major_change": True,
            "major_change_approved": False,
            "content_adjusted": True,
            "construction_goal_changed": False,
            "adjustment_required_by_directive": True,
            "approved_total_investment": 1000,
            "actual_investment": 1100,
            "adjustment_amount": 100,
        },
        # Art. 6: the budget review was completed before it was applied for.
        {
            "unit_type": "government_organ",
            "unit_level": "own_level",
            "funding_sources": ["local_budget"],
            "is_secret": False,
            "stage": "procurement",
            "approved_on": "2026-01-05",
            "technical_review_completed_on": "2026-02-02",
            "budget_review_submitted_on": "2026-03-10",
            "budget_review_completed_on": "2026-03-05",
        },
    ]
}


def produces(b: Boundary, cfs: list[Counterfactual]) -> bool:
    """Whether one of ``cfs`` crosses the threshold, meets the period or lifts the exception."""
    for cf in cfs:
        if b.kind == "period" and cf.target == "deadline" and cf.name == b.rule_id:
            return True
        if b.kind == "threshold" and any(
            x.rule_id == b.rule_id and x.test == b.test for x in cf.crossing
        ):
            return True
        if (
            b.kind == "exception"
            and cf.kind == "exception"
            and cf.name == b.rule_id
            and cf.crossing
            and all(x.test in b.test.split("; ") for x in cf.crossing)
        ):
            return True
    return False


def _candidates(jurisdiction: str, b: Boundary) -> list[tuple[dict[str, Any], date]]:
    """Witnesses first, then the cases that pin the boundary's article, then the rest."""
    pack = get_pack(jurisdiction)
    rule = pack.rule(b.rule_id)
    articles = {c.article for c in (rule.citation, *rule.also)}
    cases = _cases(jurisdiction)
    near = [(p, on) for a, p, on in cases if Citation.parse(a).article in articles]
    far = [(p, on) for a, p, on in cases if Citation.parse(a).article not in articles]
    on = pack.in_force_from if pack.in_force_from > date(2026, 11, 25) else date(2026, 11, 25)
    return [(w, on) for w in WITNESSES.get(jurisdiction, [])] + near + far


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_every_threshold_period_and_exception_of_the_pack_is_reachable(
    jurisdiction: str,
) -> None:
    pack = get_pack(jurisdiction)
    unreached = []
    for b in boundaries(pack):
        if b.kind == "date":  # the evaluation date is not a fact a project can change
            continue
        for project, on in _candidates(jurisdiction, b):
            v = evaluate(project, pack=pack, as_of=on)
            if produces(b, v.counterfactuals([b.rule_id])):
                break
        else:
            unreached.append(f"{b.kind} {b.rule_id}: {b.test}")
    assert unreached == []
