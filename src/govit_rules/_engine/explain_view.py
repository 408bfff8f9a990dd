"""Explanations of a verdict as plain data: condition trees with every node's result.

Owns what ``govit-rules explain`` says about a rule (:func:`explain_rule`: its conditions
as trees whose every node carries its three-valued result for the project, each leaf with
the fact's value and the threshold, then the rule's status, message and missing facts) and
the nearest changes that would change a verdict (:func:`what_would_change`). The CLI and
any other front end only render this data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .._lang.clock import Clock
from .._lang.interpreter import interpret
from .._lang.nodes import TODAY, All, AnyOf, Cond, FactRef, Known, Not, Test, TrueCond
from .._lang.text import describe_test
from .._law.calendar import WorkdayCalendar
from .._packs.loader import MAIN_KEY
from .counterfactual import show_value

if TYPE_CHECKING:
    from .._packs.loader import CompiledRule
    from .._vocab.project import Project
    from .._vocab.verdict import Verdict
    from .counterfactual import Counterfactual

__all__ = ["Changes", "explain_rule", "explain_tree", "what_would_change"]


def _tri(value: bool | None) -> str:
    return "unknown" if value is None else ("true" if value else "false")


def _read(name: str, p: Project, clock: Clock) -> Any:
    return clock.today if name == TODAY else getattr(p, name)


def _leaf_view(cond: Test | Known, p: Project, clock: Clock) -> dict[str, Any]:
    value = _read(cond.fact, p, clock)
    node: dict[str, Any] = {
        "node": "test",
        "test": describe_test(cond),
        "fact": cond.fact,
        "value": show_value(value) if value is not None else None,
        "result": _tri(interpret(cond, p, clock)),
    }
    if isinstance(cond, Known):
        node["op"] = "known"
        node["threshold"] = "given" if cond.expected else "not given"
    else:
        node["op"] = cond.op
        rhs = cond.value
        if isinstance(rhs, FactRef):
            other = _read(rhs.fact, p, clock)
            scale = f"{rhs.times} × " if rhs.times is not None else ""
            shifted = ""
            if rhs.plus is not None:
                shifted = f" + {rhs.plus.describe()}"
                other = clock.plus(other, rhs.plus) if other is not None else None
            node["threshold"] = f"{scale}{rhs.fact}{shifted} (= {show_value(other)})"
        else:
            node["threshold"] = show_value(rhs)
    return node


def explain_tree(cond: Cond, p: Project, clock: Clock) -> dict[str, Any]:
    """A condition tree with every node's three-valued result for one project, on the
    clock's date."""
    if isinstance(cond, TrueCond):
        return {"node": "always", "result": "true"}
    if isinstance(cond, Test | Known):
        return _leaf_view(cond, p, clock)
    if isinstance(cond, Not):
        return {
            "node": "not",
            "result": _tri(interpret(cond, p, clock)),
            "parts": [explain_tree(cond.part, p, clock)],
        }
    if isinstance(cond, All | AnyOf):
        return {
            "node": "all" if isinstance(cond, All) else "any",
            "result": _tri(interpret(cond, p, clock)),
            "parts": [explain_tree(part, p, clock) for part in cond.parts],
        }
    raise TypeError(cond)  # pragma: no cover


def explain_rule(
    rule: CompiledRule, p: Project, verdict: Verdict, calendar: WorkdayCalendar | None = None
) -> dict[str, Any]:
    """Everything ``explain`` says about one rule, as plain data (its conditions read on the
    verdict's date, periods counted on ``calendar``, the pack's)."""
    clock = Clock(verdict.as_of, calendar)
    trees = [("when", rule.when)]
    if rule.kind in MAIN_KEY:
        trees.append((MAIN_KEY[rule.kind], rule.main))
    if rule.unless is not None:
        trees.append(("unless", rule.unless))
    status = None
    missing: list[str] = []
    message = None
    extra: dict[str, Any] = {}
    for f in verdict.findings:
        if f.rule_id == rule.id:
            status, missing, message = f.status.value, list(f.missing_facts), f.message
    for d in verdict.deadlines:
        if d.rule_id == rule.id:
            status, missing, message = d.status.value, list(d.missing_facts), d.message
            extra["deadline"] = {
                "anchor": d.anchor,
                "anchor_date": d.anchor_date,
                "period": d.period,
                "due": d.due,
                "earliest": d.earliest,
                "latest": d.latest,
                "done": d.done,
                "done_date": d.done_date,
                "provisional": d.provisional,
                "calendar": d.calendar,
                "occurrences": [
                    {
                        "year": o.year,
                        "due": o.due,
                        "done_date": o.done_date,
                        "status": o.status.value,
                    }
                    for o in d.occurrences
                ],
            }
    if status is None and rule.id in getattr(verdict, "not_applicable", []):
        status = "not_applicable"
    if (
        status is None
        and verdict.in_force
        and verdict.applies is not False
        and interpret(rule.when, p, clock) is False
    ):
        status = "not_applicable"  # the verdict may leave such findings out
    if rule.kind == "route":
        extra["steps"] = [{"authority": a, "action": act} for a, act in rule.steps]
    if rule.kind == "documents":
        submitted = p.submitted_documents
        extra["documents"] = {
            ("|".join(d) if isinstance(d, tuple) else d): (
                None
                if submitted is None
                else (not submitted.isdisjoint(d) if isinstance(d, tuple) else d in submitted)
            )
            for d in rule.documents
        }
    return {
        "rule": rule.id,
        "kind": rule.kind,
        "citation": {"zh": rule.citation.zh(), "en": rule.citation.en()},
        "source": rule.source,
        "conditions": [{"name": n, "tree": explain_tree(t, p, clock)} for n, t in trees],
        "status": status,
        "evaluated": status is not None,
        "message": message.model_dump() if message is not None else None,
        "missing_facts": missing,
        "interpretation": {"zh": rule.interpretation[0], "en": rule.interpretation[1]}
        if rule.interpretation
        else None,
        **extra,
    }


@dataclass(frozen=True)
class Changes:
    """The verified nearest changes of a project's facts that would change its verdict."""

    pack: str
    as_of: date
    outcome: str
    counterfactuals: list[Counterfactual]

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "as_of": self.as_of,
            "outcome": self.outcome,
            "counterfactuals": [cf.model_dump(mode="json") for cf in self.counterfactuals],
        }


def what_would_change(verdict: Verdict, rules: set[str] | None = None) -> Changes:
    """The counterfactuals of ``verdict`` (of the rules named, or of every rule)."""
    return Changes(
        verdict.pack.id, verdict.as_of, verdict.outcome.value, verdict.counterfactuals(rules)
    )
