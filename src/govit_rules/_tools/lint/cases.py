"""The checks against a pack's test cases: untested articles, rules, thresholds and anchors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._lang.nodes import DATE_OPS, NUMERIC_OPS, TODAY, FactRef, tests_of
from ..._lang.text import describe_test
from ..._packs.loader import CompiledPack
from ..._vocab.project import Project
from ...errors import GovitRulesError, Problem
from ..coverage import case_citation, pins
from ..testing import LoadedCase
from .places import problem_at, show, trees

__all__ = ["case_projects", "check_tests"]


_ORDER_OPS = (*NUMERIC_OPS, *DATE_OPS)


def case_projects(cases: Sequence[LoadedCase], model: type[Project] | None = None) -> list[Project]:
    from ..._engine.evaluate import validate_project

    out: list[Project] = []
    for c in cases:
        try:
            out.append(validate_project(c.project, model))
        except GovitRulesError:
            continue
    return out


def check_tests(
    pack: CompiledPack, cases: Sequence[LoadedCase], projects: Sequence[Project]
) -> list[Problem]:
    out: list[Problem] = []
    cites = [c for c in (case_citation(case) for case in cases) if c is not None]
    reported: set[tuple[str, str]] = set()
    named: set[str] = set()
    for case in cases:
        e = case.case.expect
        named.update(e.findings, e.deadlines, e.interpretations)
        routes = set(e.final_approver) | set(e.route_steps)
        named.update(r.id for r in pack.rules if r.route in routes)
    for rule in pack.rules:
        if rule.id not in named:
            out.append(
                problem_at(
                    rule,
                    "untested-rule",
                    f"no test case names rule {rule.id!r}: pin its status with "
                    f"findings: {{{rule.id}: …}} (or its route's approver)",
                )
            )
        if not any(pins(c, rule) for c in cites) and (rule.id, "cite") not in reported:
            reported.add((rule.id, "cite"))
            c = rule.citation
            out.append(
                problem_at(
                    rule,
                    "untested-article",
                    f"rule {rule.id!r} cites {c.en()} ({c.zh()}), which no test case pins; "
                    f"add a case with article: {_short(c)}",
                )
            )
        seen: set[tuple[str, Any]] = set()
        for _name, cond in trees(rule):
            for t in tests_of(cond):
                if t.op not in _ORDER_OPS or isinstance(t.value, FactRef):
                    continue
                key = (t.fact, t.value)
                if key in seen:
                    continue
                seen.add(key)
                if t.fact == TODAY:
                    # A threshold on the evaluation date is pinned by a case's as_of.
                    if not any(c.as_of == t.value for c in cases):
                        out.append(
                            problem_at(
                                rule,
                                "untested-threshold",
                                f"rule {rule.id!r} tests {describe_test(t)} but no test case "
                                f"is evaluated as of {show(t.value)}; pin the boundary with a "
                                "case's as_of",
                            )
                        )
                elif not any(getattr(p, t.fact) == t.value for p in projects):
                    out.append(
                        problem_at(
                            rule,
                            "untested-threshold",
                            f"rule {rule.id!r} tests {describe_test(t)} but no test case gives "
                            f"{t.fact} = {show(t.value)}; pin the boundary with a case",
                        )
                    )
        anchor = rule.anchor if rule.kind == "deadline" else None
        if anchor and not any(getattr(p, anchor) is not None for p in projects):
            out.append(
                problem_at(
                    rule,
                    "untested-anchor",
                    f"deadline {rule.id!r} starts from {rule.anchor!r}, which no test case "
                    "gives: its date is never computed in a test",
                )
            )
    return out


def _short(c: Any) -> str:
    en: str = c.en()
    return en.removeprefix("Art. ")
