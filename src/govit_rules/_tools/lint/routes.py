"""``route-gap`` / ``route-overlap``: the money bands of alternative route rules.

Route rules sharing one ``route`` name are alternatives picked by their ``when``; every band
of the band fact (the numeric fact most tested) is walked for every combination of the
other facts, and values no rule picks or several rules pick are reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..._lang.facts import FactType
from ..._lang.interpreter import interpret
from ..._lang.nodes import NUMERIC_OPS, FactRef, tests_of
from ..._lang.text import cond_text
from ..._packs.loader import CompiledPack, CompiledRule
from ...errors import Problem
from .places import problem_at, show
from .samples import (
    MAX_COMBOS,
    Point,
    Probe,
    has_fact_ref,
    literal_values,
    number_points,
    sample_combos,
    unique_facts,
)

__all__ = ["check_routes"]


def _band_fact(rules: Sequence[CompiledRule], types: Mapping[str, FactType]) -> str | None:
    counts: dict[str, int] = {}
    for r in rules:
        for t in tests_of(r.when):
            if (
                t.op in NUMERIC_OPS
                and types[t.fact].kind in ("number", "integer")
                and not isinstance(t.value, FactRef)
            ):
                counts[t.fact] = counts.get(t.fact, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda f: (counts[f], f == "total_investment"))


def _interval(points: Sequence[Point], i: int, j: int) -> str:
    a, b = points[i], points[j]
    if a.kind == "below":
        left = "[0"
    elif a.kind == "at":
        left = f"[{show(a.value)}"
    else:
        left = f"({show(a.lo)}"
    if b.kind == "above":
        right = "∞)"
    elif b.kind == "at":
        right = f"{show(b.value)}]"
    else:
        right = f"{show(b.hi)})"
    return f"{left}, {right}"


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def check_routes(pack: CompiledPack, types: Mapping[str, FactType]) -> list[Problem]:
    groups: dict[str, list[CompiledRule]] = {}
    for r in pack.rules:
        if r.kind == "route" and r.route:
            groups.setdefault(r.route, []).append(r)
    out: list[Problem] = []
    for route, rules in groups.items():
        if len(rules) < 2 or any(has_fact_ref(r.when) for r in rules):
            continue
        band = _band_fact(rules, types)
        whens = [r.when for r in rules]
        if band is None:
            points = [Point(None, "at")]
        else:
            tests = [t for w in whens for t in tests_of(w)]
            points = number_points(literal_values(tests, band), types[band].kind == "integer")
        others = [f for f in unique_facts(whens) if f != band]
        combos = sample_combos(others, whens, types, max(1, MAX_COMBOS // len(points)))
        if combos is None:
            continue
        # (code, first, last, rule ids) -> the combinations of the other facts where it shows
        found: dict[tuple[str, int, int, tuple[str, ...]], list[dict[str, Any]]] = {}
        for combo in combos:
            fired: list[list[CompiledRule]] = []
            for pt in points:
                values = dict(combo)
                if band is not None:
                    values[band] = pt.value
                probe = Probe(values)
                fired.append([r for r in rules if interpret(r.when, probe) is True])
            covered = [i for i, f in enumerate(fired) if f]
            if not covered:
                continue
            gaps = [i for i in range(covered[0], len(points)) if not fired[i]]
            for i, j in _runs(gaps):
                before = fired[i - 1] if i > 0 else []
                key = ("route-gap", i, j, tuple(r.id for r in before))
                found.setdefault(key, []).append(combo)
            multi = [i for i, f in enumerate(fired) if len(f) > 1]
            for i, j in _runs(multi):
                ids = tuple(r.id for r in fired[i])
                found.setdefault(("route-overlap", i, j, ids), []).append(combo)
        by_id = {r.id: r for r in rules}
        bands = "; ".join(f"{r.id}: {cond_text(r.when)}" for r in rules)
        for (code, i, j, ids), where in found.items():
            when = ""
            if len(where) < len(combos):
                shown = ", ".join(f"{k} = {show(v)}" for k, v in where[0].items())
                when = f" when {shown}" + (
                    f" (and {len(where) - 1} more cases)" if len(where) > 1 else ""
                )
            span = f"{band} in {_interval(points, i, j)}" if band else "some projects"
            if code == "route-gap":
                anchor = by_id[ids[-1]] if ids else rules[0]
                msg = f"route {route!r}: {span} is not covered by any rule{when} (bands: {bands})"
            else:
                anchor = by_id[ids[-1]]
                msg = (
                    f"route {route!r}: {span} is covered by {len(ids)} rules "
                    f"({', '.join(ids)}){when}; alternatives must not overlap"
                )
            out.append(problem_at(anchor, code, msg))
    return out
