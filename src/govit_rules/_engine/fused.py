"""One generated function per pack: the whole rule-status loop, conditions fused in.

Owns the fast path of the compiled engine. From the checked condition trees of a compiled
pack it generates the source of a single function that decides every rule's status the way
the reference loop (:func:`~govit_rules._engine.status.status_loop`) does, with every
condition inlined, constants bound once and no call per rule; each kind writes its own
part (:meth:`~govit_rules._packs.kinds.RuleKind.emit`). Nothing from the pack's text
reaches the source: only rule indexes, fact names checked against the project model, and
constants bound by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._lang.conditions import Cond, ConditionCompiler, TrueCond
from .._packs.compiled import CompiledRule
from .._vocab.verdict import Status

__all__ = ["StatusFunction", "build_status_function"]

# (p, stage_rank, ctx, entries, not_applicable, routes, deadlines, exempted)
#   -> (prohibited, violated, unknown)
StatusFunction = Callable[..., tuple[bool, bool, bool]]


class _Source:
    """The generated function's body: what a kind's emission writes into (its Emitter)."""

    def __init__(self, cc: ConditionCompiler) -> None:
        self.cc = cc
        self.lines: list[str] = []

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def expr(self, cond: Cond) -> str:
        return self.cc.expr(cond)

    def const(self, value: Any) -> str:
        return self.cc.const(value)


def build_status_function(
    rules: tuple[CompiledRule, ...],
    *,
    exemptable: frozenset[str],
    lacking: Callable[..., list[str]],
    route: Callable[..., Any],
    deadline: Callable[..., Any],
    filename: str,
) -> StatusFunction:
    """The fused status loop over ``rules`` (the pack's checked rules, in order).

    The loop is kind-agnostic: each rule's kind emits its own status decision
    (:meth:`~govit_rules._packs.kinds.RuleKind.emit`).
    """
    cc = ConditionCompiler()
    out = _Source(cc)
    consts: dict[str, Any] = {
        "_SAT": Status.satisfied,
        "_VIO": Status.violated,
        "_REQ": Status.required,
        "_UNK": Status.unknown,
        "_MISSED": Status.missed,
        "_EARLY": Status.too_early,
        "_route": route,
        "_deadline": deadline,
        "_lacking": lacking,
    }

    for n, rule in enumerate(rules):
        r = f"_r{n}"
        consts[r] = rule
        out.line(1, f"# {rule.kind} {n}")
        ind = 1
        if rule.id in exemptable:
            out.line(ind, f"if {r}.id in exempted:")
            out.line(ind + 1, f"na({r}.id)")
            out.line(ind, "else:")
            ind += 1
        if isinstance(rule.when, TrueCond):
            out.line(ind, "w = True")
        else:
            out.line(ind, f"w = {cc.expr(rule.when)}")
            out.line(ind, "if w is False:")
            out.line(ind + 1, f"na({r}.id)")
            out.line(ind, "else:")
            ind += 1
        due = f"stage_rank is not None and stage_rank < {rule.stage_rank}"
        rule.kind_def.emit(rule, r, ind, due, out)

    head = [
        "def _run(p, stage_rank, ctx, entries, na_list, routes, deadlines, exempted):",
        "    add = entries.append",
        "    na = na_list.append",
        "    sub = p.submitted_documents",
        "    clock = ctx.clock",
        "    prohibited = violated = unknown = False",
    ]
    tail = ["    return prohibited, violated, unknown"]
    cc.add_source("\n".join([*head, *out.lines, *tail]) + "\n")
    namespace = cc.build(filename)
    namespace.update(consts)
    fn: StatusFunction = namespace["_run"]
    return fn
