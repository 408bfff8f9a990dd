"""The condition tree: frozen nodes, the operator tables and the one walk over a tree.

Owns the node types (:class:`Test`, :class:`Known`, :class:`All`, :class:`AnyOf`,
:class:`Not`, :class:`TrueCond`, with :class:`FactRef` for a test against another fact),
the operators each fact kind admits, and :func:`children`, the one visitor every walk is
built on (:func:`facts_of`, :func:`leaves_of`, :func:`tests_of`, :func:`expanded_size`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .._io.yaml import Pos

__all__ = [
    "ALL_OPS",
    "COMBINATORS",
    "DATE_OPS",
    "NUMERIC_OPS",
    "OP_SYMBOLS",
    "SET_OPS",
    "All",
    "AnyOf",
    "Cond",
    "FactRef",
    "Known",
    "Not",
    "Test",
    "Tri",
    "TrueCond",
    "children",
    "expanded_size",
    "facts_of",
    "leaves_of",
    "tests_of",
]

Tri = bool | None


@dataclass(frozen=True, slots=True)
class FactRef:
    """A comparison against another fact, optionally scaled (``{fact: x, times: "0.1"}``)."""

    fact: str
    times: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Test:
    """One operator applied to one fact."""

    fact: str
    op: str
    value: Any  # literal, frozenset of literals, or FactRef
    pos: Pos = (0, 0)
    named: str | None = field(default=None, compare=False)  # the named set the values came from


@dataclass(frozen=True, slots=True)
class Known:
    fact: str
    expected: bool
    pos: Pos = (0, 0)


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Cond


@dataclass(frozen=True, slots=True)
class TrueCond:
    """The condition that always holds (an absent ``when``)."""


Cond = Test | Known | All | AnyOf | Not | TrueCond

NUMERIC_OPS = {"at_least": ">=", "above": ">", "at_most": "<=", "below": "<"}
DATE_OPS = {"on_or_after": ">=", "after": ">", "on_or_before": "<=", "before": "<"}
SET_OPS = ("contains", "contains_any", "contains_all", "contains_none")
ALL_OPS = ("eq", "ne", "in", "not_in", *NUMERIC_OPS, *DATE_OPS, *SET_OPS, "known")
COMBINATORS = ("all", "any", "not", "use")
OP_SYMBOLS = {
    "eq": "=",
    "ne": "≠",
    "in": "∈",
    "not_in": "∉",
    **NUMERIC_OPS,
    **DATE_OPS,
    "contains": "∋",
    "contains_any": "∩≠∅",
    "contains_all": "⊇",
    "contains_none": "∩=∅",
}
OP_SYMBOLS.update({"at_least": "≥", "at_most": "≤", "on_or_after": "≥", "on_or_before": "≤"})


def children(cond: Cond) -> tuple[Cond, ...]:
    """The direct sub-conditions of a node (none for a leaf)."""
    if isinstance(cond, All | AnyOf):
        return cond.parts
    if isinstance(cond, Not):
        return (cond.part,)
    return ()


def leaves_of(cond: Cond) -> Iterator[Test | Known]:
    """Every leaf of a condition, in order: its tests and its ``known`` checks."""
    if isinstance(cond, Test | Known):
        yield cond
        return
    for part in children(cond):
        yield from leaves_of(part)


def facts_of(cond: Cond) -> Iterator[str]:
    """Every fact a condition reads, in order, with repeats."""
    for leaf in leaves_of(cond):
        yield leaf.fact
        if isinstance(leaf, Test) and isinstance(leaf.value, FactRef):
            yield leaf.value.fact


def tests_of(cond: Cond) -> Iterator[Test]:
    """Every leaf test of a condition (for thresholds and lint)."""
    for leaf in leaves_of(cond):
        if isinstance(leaf, Test):
            yield leaf


def expanded_size(cond: Cond) -> int:
    """The node count of ``cond`` with shared sub-trees counted at every use (no expansion)."""
    memo: dict[int, int] = {}

    def size(c: Cond) -> int:
        known = memo.get(id(c))
        if known is None:
            known = memo[id(c)] = 1 + sum(size(part) for part in children(c))
        return known

    return size(cond)
