"""Sample values that take every branch of a condition, for deciding it exactly.

Conditions are piecewise constant between the literals they test, so a condition is decided
by evaluating it at every literal, between literals and beyond them, for every combination
of the values the other facts are tested against (bounded by :data:`MAX_COMBOS`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from ..._lang.facts import FactType
from ..._lang.nodes import TODAY, Cond, FactRef, Known, Test, facts_of, leaves_of, tests_of

__all__ = [
    "MAX_COMBOS",
    "Point",
    "Probe",
    "has_fact_ref",
    "known_facts",
    "literal_values",
    "number_points",
    "sample_combos",
    "sample_values",
    "unique_facts",
]


MAX_COMBOS = 20_000


class Probe:
    """A stand-in project: the given facts, every other fact unknown."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        return None


@dataclass(frozen=True)
class Point:
    """A sample value of the band fact, with the boundaries around it (for intervals)."""

    value: Any
    kind: str  # below | at | between | above
    lo: Any = None  # the boundary at or just below
    hi: Any = None  # the boundary at or just above


def literal_values(tests: Iterable[Test], fact: str) -> list[Any]:
    out: list[Any] = []
    for t in tests:
        if t.fact != fact or isinstance(t.value, FactRef):
            continue
        values = t.value if isinstance(t.value, frozenset) else (t.value,)
        for v in values:
            if v not in out:
                out.append(v)
    return out


def number_points(literals: Sequence[Any], integer: bool) -> list[Point]:
    bounds = sorted({Decimal(v) for v in literals})
    if not bounds:
        return [Point(Decimal(0), "at", Decimal(0), Decimal(0))]
    pts: list[Point] = []
    first = bounds[0]
    if first > 0:
        below = first - 1 if first >= 1 else first / 2
        pts.append(Point(below, "below", None, first))
    for i, b in enumerate(bounds):
        pts.append(Point(b, "at", b, b))
        if i + 1 < len(bounds):
            nxt = bounds[i + 1]
            mid = (b + nxt) / 2
            if integer:
                mid = Decimal(int(b) + 1)
                if mid >= nxt:
                    continue
            pts.append(Point(mid, "between", b, nxt))
    pts.append(Point(bounds[-1] + 1, "above", bounds[-1], None))
    if integer:
        pts = [Point(int(p.value), p.kind, p.lo, p.hi) for p in pts]
    return pts


def date_points(literals: Sequence[Any]) -> list[Point]:
    bounds = sorted({v for v in literals if isinstance(v, date)})
    if not bounds:
        return [Point(date(2024, 1, 1), "at")]
    day = timedelta(days=1)
    pts = [Point(bounds[0] - day, "below", None, bounds[0])]
    for i, b in enumerate(bounds):
        pts.append(Point(b, "at", b, b))
        nxt = bounds[i + 1] if i + 1 < len(bounds) else None
        if nxt is None or b + day < nxt:
            pts.append(Point(b + day, "between" if nxt else "above", b, nxt))
    return pts


def sample_values(fact: str, ftype: FactType, tests: Sequence[Test], known: bool) -> list[Any]:
    """Values of ``fact`` that between them take every branch of the tests on it."""
    lits = literal_values(tests, fact)
    out: list[Any]
    if ftype.kind in ("number", "integer"):
        out = [p.value for p in number_points(lits, ftype.kind == "integer")]
    elif ftype.kind == "date":
        out = [p.value for p in date_points(lits)]
    elif ftype.kind == "bool":
        out = [True, False]
    elif ftype.kind == "dates":
        out = [()]  # only ``known`` tests a list of dates
    elif ftype.kind == "enum" and ftype.enum is not None:
        members: list[Enum] = list(ftype.enum)
        mentioned = [m for m in members if m in lits]
        others = [m for m in members if m not in lits]
        out = [*mentioned, *others[:1]]
    elif ftype.kind == "set":
        universe = sorted(lits, key=str)
        if len(universe) <= 4:
            subsets = [
                frozenset(c)
                for r in range(len(universe) + 1)
                for c in itertools.combinations(universe, r)
            ]
        else:
            full = frozenset(universe)
            subsets = [frozenset(), full, *(frozenset([u]) for u in universe)]
            subsets += [full - {u} for u in universe]
        out = subsets
    else:
        out = [*lits, "\x00other"]
    if known:
        return [*out, None]
    return out


def has_fact_ref(cond: Cond) -> bool:
    """True when a test compares with another fact or reads the evaluation date: such a
    condition is not piecewise constant between its literals, so samples cannot decide it."""
    return any(isinstance(t.value, FactRef) or t.fact == TODAY for t in tests_of(cond))


def known_facts(cond: Cond) -> set[str]:
    return {leaf.fact for leaf in leaves_of(cond) if isinstance(leaf, Known)}


def sample_combos(
    facts: Sequence[str], conds: Sequence[Cond], types: Mapping[str, FactType], budget: int
) -> list[dict[str, Any]] | None:
    """Every combination of sample values of ``facts``; None when there are too many."""
    tests = [t for c in conds for t in tests_of(c)]
    known = set().union(*(known_facts(c) for c in conds)) if conds else set()
    choices = [sample_values(f, types[f], tests, f in known) for f in facts]
    size = 1
    for ch in choices:
        size *= len(ch)
    if size > budget:
        return None
    return [dict(zip(facts, values, strict=True)) for values in itertools.product(*choices)]


def unique_facts(conds: Iterable[Cond]) -> list[str]:
    out: list[str] = []
    for c in conds:
        for f in facts_of(c):
            if f not in out:
                out.append(f)
    return out
