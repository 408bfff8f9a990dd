"""What-if: the verdict diff between a project and the same project with some facts changed.

Owns ``govit-rules what-if PROJECT --set fact=value``: parsing ``fact=value`` with the fact's
own type (money as an exact ``Decimal`` in 万元, never through a float; dates as
YYYY-MM-DD; enum members by their value; sets as comma-separated members; ``unknown``
to drop a fact) and comparing the two verdicts finding by finding, route by route and
deadline by deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._lang.conditions import known_fact_types
from .._packs.loader import CompiledPack
from .._vocab.counterfactuals import Change
from .._vocab.project import Project
from .._vocab.suggest import suggest
from .._vocab.verdict import CitationRef, Verdict
from ..errors import Problem, ProjectValidationError
from .counterfactual import apply_changes, observe
from .evaluate import evaluate_pack

__all__ = ["StatusChange", "VerdictDiff", "diff_verdicts", "parse_assignments"]

_TYPES = known_fact_types()
_UNKNOWN = ("unknown", "none", "null", "~")


class StatusChange(BaseModel):
    """One finding, route or deadline whose result differs between the two verdicts."""

    model_config = ConfigDict(frozen=True)

    target: str  # finding | route | deadline
    name: str
    before: str
    after: str
    citation: CitationRef | None = None


class VerdictDiff(BaseModel):
    """What changing some facts changes in the verdict."""

    model_config = ConfigDict(frozen=True)

    pack: str
    as_of: date
    changes: list[Change]
    outcome_before: str
    outcome_after: str
    findings: list[StatusChange] = []
    routes: list[StatusChange] = []
    deadlines: list[StatusChange] = []

    @property
    def changed(self) -> bool:
        return bool(
            self.outcome_before != self.outcome_after
            or self.findings
            or self.routes
            or self.deadlines
        )


def parse_value(fact: str, raw: str) -> Any:
    """``raw`` read as a value of ``fact``, by the fact's type; ValueError when it is not one."""
    text = raw.strip()
    if text.lower() in _UNKNOWN:
        return None
    ftype = _TYPES[fact]
    kind = ftype.kind
    if kind == "bool":
        words = {"true": True, "yes": True, "false": False, "no": False}
        if text.lower() not in words:
            raise ValueError(f"{fact} is true or false, not {raw!r}")
        return words[text.lower()]
    if kind in ("number", "integer"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{fact} is a number (万元 for money), not {raw!r}") from None
        if not number.is_finite():
            raise ValueError(f"{fact} is a finite number, not {raw!r}")
        if kind == "integer":
            if number != number.to_integral_value():
                raise ValueError(f"{fact} is a whole number, not {raw!r}")
            return int(number)
        return number
    if kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{fact} is a date YYYY-MM-DD, not {raw!r}") from None
    members = [m.value for m in ftype.enum] if ftype.enum is not None else None
    if kind == "set":
        items = [item.strip() for item in text.strip("[]{}").split(",") if item.strip()]
        for item in items:
            _check_member(fact, item, members)
        return frozenset(items)
    if members is not None:
        _check_member(fact, text, members)
    return text


def _check_member(fact: str, value: str, members: list[str] | None) -> None:
    if members is not None and value not in members:
        hint = suggest(value, members)
        raise ValueError(
            f"{value!r} is not a value of {fact}{hint} (allowed: {', '.join(members)})"
        )


def parse_assignments(items: Sequence[str]) -> dict[str, Any]:
    """``fact=value`` strings as typed values; every bad one is reported at once."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for text in items:
        fact, sep, raw = text.partition("=")
        fact = fact.strip()
        where = f"--set {text}"
        if not sep:
            problems.append(Problem(where, 0, 0, "bad-set", "write fact=value"))
            continue
        if fact not in _TYPES:
            hint = suggest(fact, list(_TYPES))
            problems.append(
                Problem(where, 0, 0, "unknown-fact", f"no fact {fact!r} in the project model{hint}")
            )
            continue
        try:
            out[fact] = parse_value(fact, raw)
        except ValueError as exc:
            problems.append(Problem(where, 0, 0, "bad-value", str(exc)))
    if problems:
        raise ProjectValidationError(f"{len(problems)} bad --set value(s)", problems)
    return out


def _rows(before: Verdict, after: Verdict) -> dict[str, list[StatusChange]]:
    rows: dict[str, list[StatusChange]] = {"finding": [], "route": [], "deadline": []}
    cites = {f.rule_id: f.citation for f in [*before.findings, *after.findings]}
    cites.update({d.rule_id: d.citation for d in [*before.deadlines, *after.deadlines]})
    names = dict.fromkeys([f.rule_id for f in [*before.findings, *after.findings]])
    for name in names:
        if name in cites and any(f.rule_id == name and f.kind == "route" for f in before.findings):
            continue  # a route's tier is compared below, as a route
        b, a = observe(before, "finding", name), observe(after, "finding", name)
        if b != a:
            rows["finding"].append(
                StatusChange(target="finding", name=name, before=b, after=a, citation=cites[name])
            )
    routes = dict.fromkeys(r.route for r in [*before.approval_routes, *after.approval_routes])
    for route in routes:
        b, a = observe(before, "route", route), observe(after, "route", route)
        if b != a:
            rows["route"].append(StatusChange(target="route", name=route, before=b, after=a))
    for d in dict.fromkeys(x.rule_id for x in [*before.deadlines, *after.deadlines]):
        b, a = _deadline(before, d), _deadline(after, d)
        if b != a:
            rows["deadline"].append(
                StatusChange(target="deadline", name=d, before=b, after=a, citation=cites[d])
            )
    return rows


def _deadline(v: Verdict, rule_id: str) -> str:
    for d in v.deadlines:
        if d.rule_id == rule_id:
            day = d.due or d.latest or d.earliest
            return f"{d.status.value} (due {day})" if day else d.status.value
    return observe(v, "deadline", rule_id)


def diff_verdicts(
    pack: CompiledPack, project: Project, changes: Mapping[str, Any], before: Verdict
) -> VerdictDiff:
    """The diff between ``before`` (``pack``'s verdict on ``project``) and the changed one."""
    changed = apply_changes(project, changes)
    after = evaluate_pack(pack, changed, before.as_of)
    rows = _rows(before, after)
    return VerdictDiff(
        pack=pack.id,
        as_of=before.as_of,
        changes=[
            Change(fact=f, before=getattr(project, f), after=getattr(changed, f)) for f in changes
        ],
        outcome_before=before.outcome.value,
        outcome_after=after.outcome.value,
        findings=rows["finding"],
        routes=rows["route"],
        deadlines=rows["deadline"],
    )
