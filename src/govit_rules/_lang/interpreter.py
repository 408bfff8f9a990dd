"""The reference interpreter: the three-valued semantics walked slowly over a tree.

Owns :func:`interpret` (the same answer as the compiled function, used to explain results
and to test the compiler) and :func:`deciding_missing` (the unknown facts that leave a
condition undecided).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .clock import Clock
from .nodes import TODAY, All, AnyOf, Cond, FactRef, Known, Not, Test, Tri, TrueCond, facts_of

__all__ = ["deciding_missing", "interpret"]


def _value(name: str, p: Any, clock: Clock | None) -> Any:
    """A fact's value, or the evaluation date for ``today`` (unknown without a clock)."""
    if name == TODAY:
        return clock.today if clock is not None else None
    return getattr(p, name)


def _leaf(t: Test, p: Any, clock: Clock | None) -> Tri:
    v = _value(t.fact, p, clock)
    if v is None:
        return None
    if isinstance(t.value, FactRef):
        ref = t.value
        rhs = _value(ref.fact, p, clock)
        if rhs is None:
            return None
        if ref.times is not None:
            rhs = rhs * ref.times
        if ref.plus is not None:
            rhs = (clock if clock is not None else Clock(date.min)).plus(rhs, ref.plus)
            if rhs is None:
                return None
    else:
        rhs = t.value
    op = t.op
    if op in ("at_least", "on_or_after"):
        return bool(v >= rhs)
    if op in ("above", "after"):
        return bool(v > rhs)
    if op in ("at_most", "on_or_before"):
        return bool(v <= rhs)
    if op in ("below", "before"):
        return bool(v < rhs)
    if op == "eq":
        return bool(v == rhs)
    if op == "ne":
        return bool(v != rhs)
    if op == "in":
        return v in rhs
    if op == "not_in":
        return v not in rhs
    if op == "contains":
        return rhs in v
    if op == "contains_any":
        return not v.isdisjoint(rhs)
    if op == "contains_all":
        return bool(rhs <= v)
    if op == "contains_none":
        return bool(v.isdisjoint(rhs))
    raise ValueError(op)  # pragma: no cover


def interpret(cond: Cond, p: Any, clock: Clock | None = None) -> Tri:
    """The reference semantics: the same answer as the compiled function, walked slowly.

    ``clock`` gives ``today`` and the calendar periods count on; without one a test of
    ``today`` is unknown (a lint probe, which asks about every date at once).
    """
    if isinstance(cond, TrueCond):
        return True
    if isinstance(cond, Known):
        return (getattr(p, cond.fact) is not None) == cond.expected
    if isinstance(cond, Test):
        return _leaf(cond, p, clock)
    if isinstance(cond, Not):
        inner = interpret(cond.part, p, clock)
        return None if inner is None else not inner
    stop = isinstance(cond, AnyOf)  # any stops at True, all at False
    unknown = False
    for part in cond.parts:
        value = interpret(part, p, clock)
        if value is stop:
            return stop
        if value is None:
            unknown = True
    return None if unknown else not stop


def deciding_missing(cond: Cond, p: Any, clock: Clock | None = None) -> list[str]:
    """The unknown facts that leave ``cond`` undecided (empty when it is decided)."""
    if interpret(cond, p, clock) is not None:
        return []
    out: list[str] = []

    def walk(c: Cond) -> None:
        if interpret(c, p, clock) is not None:
            return
        if isinstance(c, Test | Known):
            for name in facts_of(c):
                if getattr(p, name) is None and name not in out:
                    out.append(name)
        elif isinstance(c, Not):
            walk(c.part)
        elif isinstance(c, All | AnyOf):
            for part in c.parts:
                walk(part)

    walk(cond)
    return out
