"""Conditions as text for people: one leaf (:func:`describe_test`) or a whole tree
(:func:`cond_text`), as lint messages, generated docs and explanations show them."""

from __future__ import annotations

from enum import Enum
from typing import Any

from .nodes import OP_SYMBOLS, All, AnyOf, Cond, FactRef, Known, Not, Test, TrueCond

__all__ = ["cond_text", "describe_test"]


def describe_test(t: Test | Known) -> str:
    """A short human form of a leaf, e.g. ``total_investment ≥ 200``."""
    if isinstance(t, Known):
        return f"{t.fact} is {'given' if t.expected else 'not given'}"
    value = t.value
    if isinstance(value, FactRef):
        rhs = value.fact if value.times is None else f"{value.times} × {value.fact}"
        if value.plus is not None:
            rhs = f"{rhs} + {value.plus.describe()}"
    elif isinstance(value, frozenset):
        rhs = "{" + ", ".join(sorted(_show(v) for v in value)) + "}"
    else:
        rhs = _show(value)
    return f"{t.fact} {OP_SYMBOLS.get(t.op, t.op)} {rhs}"


def _show(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cond_text(cond: Cond | None) -> str:
    """A one-line human form of a condition tree (named conditions are already inlined)."""
    if cond is None or isinstance(cond, TrueCond):
        return "always"
    if isinstance(cond, Test | Known):
        return describe_test(cond)
    if isinstance(cond, Not):
        return f"not ({cond_text(cond.part)})"
    if isinstance(cond, All | AnyOf):
        joiner = " and " if isinstance(cond, All) else " or "
        parts = []
        for part in cond.parts:
            text = cond_text(part)
            if isinstance(part, All | AnyOf) and len(part.parts) > 1:
                text = f"({text})"
            parts.append(text)
        return joiner.join(parts)
    return repr(cond)  # pragma: no cover
