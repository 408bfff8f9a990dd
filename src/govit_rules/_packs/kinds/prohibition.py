"""The prohibition kind: conduct the measures forbid (``prohibits``), with its exception.

An exception (``unless``, the text's "…的除外") is a defence: it lifts the prohibition only
when the project establishes it. A breach is the worst outcome, ``prohibited``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._lang.clock import Clock
from ..._vocab.project import Project
from ..._vocab.verdict import Status
from ._base import Emitter, Entry, RuleKind, StatusRun, Tri, undecided

if TYPE_CHECKING:
    from ..compiled import CompiledRule

__all__ = ["PROHIBITION"]

S = Status


class Prohibition(RuleKind):
    name = "prohibition"
    required = frozenset({"prohibits"})
    optional = frozenset({"unless", "when", "stage"})
    main_key = "prohibits"

    def weight(self, status: Status, counts: Any) -> int:
        if status is S.violated:
            return 3
        return 1 if status is S.unknown else 0

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        rule, st, _w, _m, u, _extra = entry
        if st is S.violated and u is None:
            # The facts that would establish the exception (and lift the prohibition).
            assert rule.unless_missing is not None  # u is unknown: there is an unless
            return rule.unless_missing(p, clock)
        return undecided(rule, p, entry, clock)

    def status(self, rule: CompiledRule, w: Tri, not_due: bool, run: StatusRun) -> Entry:
        m = run.main(rule)
        u = run.unless(rule)
        # Whoever invokes "…的除外" must show it applies: an exception lifts the prohibition
        # only when established. A project known to be before the rule's stage has not yet
        # taken the step it bars.
        if m is False or u is True or not_due:
            st = S.satisfied
        elif m is True and w is True:
            st = S.violated
        else:
            st = S.unknown
        return (rule, st, w, m, u, None)

    def emit(self, rule: CompiledRule, r: str, indent: int, due: str, out: Emitter) -> None:
        out.line(indent, f"m = {out.expr(rule.main)}")
        out.line(indent, f"u = {out.expr(rule.unless)}" if rule.unless is not None else "u = False")
        early = f" or {due}" if rule.stage_rank > 0 else ""
        out.line(indent, f"if m is False or u is True{early}:")
        out.line(indent + 1, "st = _SAT")
        out.line(indent, "elif m is True and w is True:")
        out.line(indent + 1, "st = _VIO; prohibited = True")
        out.line(indent, "else:")
        out.line(indent + 1, "st = _UNK; unknown = True")
        out.line(indent, f"add(({r}, st, w, m, u, None))")


PROHIBITION = Prohibition()
