"""The result models of counterfactuals: what change of which facts changes a verdict.

Owns :class:`Counterfactual` and its parts (:class:`Change`, :class:`Crossing`,
:class:`Answer`); the engine (``_engine/counterfactual.py``) finds and verifies them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .verdict import CitationRef, Text

__all__ = ["Answer", "Change", "Counterfactual", "Crossing", "Kind", "Target"]

Target = Literal["finding", "route", "deadline"]
Kind = Literal["threshold", "date", "deadline", "flip", "exception", "unknown"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Change(_Out):
    """One fact changed: its present value and the value the counterfactual gives it."""

    fact: str
    before: Any
    after: Any


class Crossing(_Out):
    """The threshold (or other test) of a rule that the change crosses."""

    rule_id: str
    fact: str
    test: str
    boundary: str
    included: bool | None = None  # does the boundary value itself satisfy the test?
    margin: Any = None  # the fact's present value minus the boundary (numbers only)
    side: Text | None = None


class Answer(_Out):
    """What one value of a missing fact would decide."""

    value: Any
    after: str
    outcome: str


class Counterfactual(_Out):
    """A verified change of the project's facts and what it changes in the verdict."""

    target: Target
    name: str  # the rule id, or the route name for a route
    kind: Kind
    before: str
    after: str | None = None  # None for an unknown fact (see answers)
    outcome_before: str
    outcome_after: str | None = None
    changes: list[Change] = []
    crossing: list[Crossing] = []
    answers: list[Answer] = []
    cites: list[CitationRef]
    reason: Text
    calendar: Text | None = None

    def updates(self) -> dict[str, Any]:
        """The changed facts as a mapping, ready for :func:`apply_changes`."""
        return {c.fact: c.after for c in self.changes}
