"""What an engine must answer: the three-valued conditions of a rule for a project.

Owns the :class:`Decider` interface and its compiled implementation. The evaluator asks a
decider for each rule's ``when``, main condition and ``unless``; everything else (statuses,
deadlines, the outcome, the verdict) is the evaluator's own. The compiled decider calls the
pack's compiled condition functions, and only with it may the evaluator use the fused
status function (the same conditions, inlined). The Rete engine is the other
implementation (:mod:`govit_rules._engine.rete`): its values come from durable-rules.
"""

from __future__ import annotations

from typing import Protocol

from .._lang.clock import Clock
from .._packs.compiled import CompiledRule
from .._vocab.project import Project

__all__ = ["COMPILED", "CompiledDecider", "Decider", "Tri"]

Tri = bool | None


class Decider(Protocol):
    """Decides a rule's conditions for a project: true, false or None (unknown)."""

    @property
    def compiled(self) -> bool:
        """True when the values are the pack's compiled functions' (the fused path's)."""
        ...

    def when(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri: ...

    def main(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri: ...

    def unless(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        """The rule's exception; False for a rule that has none."""
        ...


class CompiledDecider:
    """The pack's own compiled condition functions."""

    compiled = True

    def when(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        return rule.when_fn(p, clock)

    def main(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        return rule.main_fn(p, clock)

    def unless(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        return rule.unless_fn(p, clock) if rule.unless_fn is not None else False


COMPILED: Decider = CompiledDecider()
