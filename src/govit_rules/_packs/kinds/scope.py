"""The scope kind: a rule that says whether the measures apply to a project at all.

Its main condition is ``in_scope_if``; the evaluator decides every scope rule first, and
one that is false makes the project not applicable (the other rules are then asked only
when the text carries them back in, ``despite_scope``).
"""

from __future__ import annotations

from ..._lang.clock import Clock
from ..._vocab.project import Project
from ..._vocab.verdict import Status
from ._base import Entry, RuleKind

__all__ = ["SCOPE"]


class Scope(RuleKind):
    name = "scope"
    required = frozenset({"in_scope_if"})
    main_key = "in_scope_if"
    checked = False

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        rule, st = entry[0], entry[1]
        return rule.main_missing(p, clock) if st is Status.unknown else []


SCOPE = Scope()
