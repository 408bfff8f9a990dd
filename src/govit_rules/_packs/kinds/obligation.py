"""The obligation kind: a duty the project must meet (``requires``).

A duty of a later stage than the project has reached is ``required``, not yet due; a duty
with a time limit (``limit``, 限期整改) is due only once the limit has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lang.clock import Clock
from ..._vocab.project import Project
from ..._vocab.verdict import Status
from ._base import Emitter, Entry, RuleKind, StatusRun, Tri, undecided

if TYPE_CHECKING:
    from ..compiled import CompiledRule

__all__ = ["OBLIGATION"]

S = Status


class Obligation(RuleKind):
    name = "obligation"
    required = frozenset({"requires"})
    optional = frozenset({"when", "stage", "limit"})
    main_key = "requires"

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        rule, st, w, m, _u, _extra = entry
        if (
            st is S.unknown
            and rule.limit is not None
            and w is True
            and m is False
            and getattr(p, rule.limit) is None
        ):
            # Only the time limit is open: the duty is unmet, but is it due yet?
            return [rule.limit]
        return undecided(rule, p, entry, clock)

    def status(self, rule: CompiledRule, w: Tri, not_due: bool, run: StatusRun) -> Entry:
        r = run.main(rule)
        if r is True:
            st = S.satisfied
        elif not_due:
            st = S.required
        elif w is None or r is None:
            st = S.unknown
        elif rule.limit is not None:
            # A duty to be met within a time limit (限期整改) is due until the limit.
            limit = getattr(run.p, rule.limit)
            if limit is None:
                st = S.unknown
            elif run.as_of <= limit:
                st = S.required
            else:
                st = S.violated
        else:
            st = S.violated
        return (rule, st, w, r, False, None)

    def emit(self, rule: CompiledRule, r: str, indent: int, due: str, out: Emitter) -> None:
        out.line(indent, f"m = {out.expr(rule.main)}")
        out.line(indent, "if m is True:")
        out.line(indent + 1, "st = _SAT")
        out.line(indent, f"elif {due}:")
        out.line(indent + 1, "st = _REQ")
        out.line(indent, "elif w is None or m is None:")
        out.line(indent + 1, "st = _UNK; unknown = True")
        if rule.limit is not None:
            out.line(indent, f"elif (lim := p.{rule.limit}) is None:")
            out.line(indent + 1, "st = _UNK; unknown = True")
            out.line(indent, "elif ctx.as_of <= lim:")
            out.line(indent + 1, "st = _REQ")
        out.line(indent, "else:")
        out.line(indent + 1, "st = _VIO; violated = True")
        out.line(indent, f"add(({r}, st, w, m, False, None))")


OBLIGATION = Obligation()
