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
    "PERIOD_UNITS",
    "SET_OPS",
    "TODAY",
    "All",
    "AnyOf",
    "Cond",
    "FactRef",
    "Known",
    "Not",
    "Period",
    "Test",
    "Tri",
    "TrueCond",
    "children",
    "dated",
    "expanded_size",
    "facts_of",
    "leaves_of",
    "reads_today",
    "tests_of",
]

Tri = bool | None

# The evaluation date: a date every condition may test or compare with, never missing and
# never a fact of the project ("as of today the approval is void").
TODAY = "today"

PERIOD_UNITS = ("days", "working_days", "months", "years")


@dataclass(frozen=True, slots=True)
class Period:
    """A period added to a date: its last day counted by the Civil Code (Arts. 201-203)."""

    amount: int
    unit: str  # one of PERIOD_UNITS

    def describe(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"


@dataclass(frozen=True, slots=True)
class FactRef:
    """A comparison against another fact (or ``today``): scaled for numbers
    (``{fact: x, times: "0.1"}``), or for dates the last day of a period counted from it
    (``{fact: approved_on, plus: {years: 2}}``)."""

    fact: str
    times: Decimal | None = None
    plus: Period | None = None


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
    """Every project fact a condition reads, in order, with repeats (``today`` is the
    evaluation's date, not a fact of the project: see :func:`reads_today`)."""
    for leaf in leaves_of(cond):
        if leaf.fact != TODAY:
            yield leaf.fact
        if isinstance(leaf, Test) and isinstance(leaf.value, FactRef) and leaf.value.fact != TODAY:
            yield leaf.value.fact


def dated(t: Test) -> bool:
    """True when a test reads the evaluation date or a period added to a date."""
    ref = t.value if isinstance(t.value, FactRef) else None
    return t.fact == TODAY or (ref is not None and (ref.fact == TODAY or ref.plus is not None))


def reads_today(cond: Cond) -> bool:
    """True when the condition depends on the evaluation date (``today``)."""
    for leaf in leaves_of(cond):
        if leaf.fact == TODAY:
            return True
        if isinstance(leaf, Test) and isinstance(leaf.value, FactRef) and leaf.value.fact == TODAY:
            return True
    return False


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
