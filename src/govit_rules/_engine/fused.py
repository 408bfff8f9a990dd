"""One generated function per pack: the whole rule-status loop, conditions fused in.

Owns the fast path of the compiled engine. From the checked condition trees of a compiled
pack it generates the source of a single function that decides every rule's status the way
:func:`~govit_rules._engine.evaluate.evaluate_pack`'s loop does (the loop stays the reference, and
the Rete engine's path), with every condition inlined, constants bound once and no call per
rule. Nothing from the pack's text reaches the source: only rule indexes, fact names checked
against the project model, and constants bound by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._lang.conditions import ConditionCompiler, TrueCond

__all__ = ["StatusFunction", "build_status_function"]

# (p, stage_rank, ctx, entries, not_applicable, routes, deadlines, exempted)
#   -> (prohibited, violated, unknown)
StatusFunction = Callable[..., tuple[bool, bool, bool]]


def build_status_function(
    rules: tuple[Any, ...],
    *,
    exemptable: frozenset[str],
    lacking: Callable[..., list[str]],
    satisfied: Any,
    violated: Any,
    required: Any,
    unknown: Any,
    route: Callable[..., Any],
    deadline: Callable[..., Any],
    filename: str,
) -> StatusFunction:
    """The fused status loop over ``rules`` (the pack's non-scope rules, in order)."""
    cc = ConditionCompiler()
    body: list[str] = []
    consts: dict[str, Any] = {
        "_SAT": satisfied,
        "_VIO": violated,
        "_REQ": required,
        "_UNK": unknown,
        "_route": route,
        "_deadline": deadline,
        "_lacking": lacking,
    }

    def emit(indent: int, line: str) -> None:
        body.append("    " * indent + line)

    for n, rule in enumerate(rules):
        r = f"_r{n}"
        consts[r] = rule
        emit(1, f"# {rule.kind} {n}")
        ind = 1
        if rule.id in exemptable:
            emit(ind, f"if {r}.id in exempted:")
            emit(ind + 1, f"na({r}.id)")
            emit(ind, "else:")
            ind += 1
        if isinstance(rule.when, TrueCond):
            emit(ind, "w = True")
        else:
            emit(ind, f"w = {cc.expr(rule.when)}")
            emit(ind, "if w is False:")
            emit(ind + 1, f"na({r}.id)")
            emit(ind, "else:")
            ind += 1
        kind = rule.kind
        due = f"stage_rank is not None and stage_rank < {rule.stage_rank}"
        if kind == "prohibition":
            emit(ind, f"m = {cc.expr(rule.main)}")
            emit(ind, f"u = {cc.expr(rule.unless)}" if rule.unless is not None else "u = False")
            early = f" or {due}" if rule.stage_rank > 0 else ""
            emit(ind, f"if m is False or u is True{early}:")
            emit(ind + 1, "st = _SAT")
            emit(ind, "elif m is True and w is True:")
            emit(ind + 1, "st = _VIO; prohibited = True")
            emit(ind, "else:")
            emit(ind + 1, "st = _UNK; unknown = True")
            emit(ind, f"add(({r}, st, w, m, u, None))")
        elif kind == "obligation":
            emit(ind, f"m = {cc.expr(rule.main)}")
            emit(ind, "if m is True:")
            emit(ind + 1, "st = _SAT")
            emit(ind, f"elif {due}:")
            emit(ind + 1, "st = _REQ")
            emit(ind, "elif w is None or m is None:")
            emit(ind + 1, "st = _UNK; unknown = True")
            if rule.limit is not None:
                emit(ind, f"elif (lim := p.{rule.limit}) is None:")
                emit(ind + 1, "st = _UNK; unknown = True")
                emit(ind, "elif ctx.as_of <= lim:")
                emit(ind + 1, "st = _REQ")
            emit(ind, "else:")
            emit(ind + 1, "st = _VIO; violated = True")
            emit(ind, f"add(({r}, st, w, m, False, None))")
        elif kind == "documents":
            docs = cc.const(tuple(rule.documents))
            if all(isinstance(d, str) for d in rule.documents):
                emit(ind, f"lacking = None if sub is None else [d for d in {docs} if d not in sub]")
            else:
                emit(ind, f"lacking = None if sub is None else _lacking({docs}, sub)")
            emit(ind, "if lacking == []:")
            emit(ind + 1, "st = _SAT")
            emit(ind, f"elif {due}:")
            emit(ind + 1, "st = _REQ")
            emit(ind, "elif w is None or lacking is None:")
            emit(ind + 1, "st = _UNK; unknown = True")
            emit(ind, "else:")
            emit(ind + 1, "st = _VIO; violated = True")
            emit(ind, f"add(({r}, st, w, True, False, lacking))")
        elif kind == "route":
            emit(ind, "if w is True:")
            emit(ind + 1, f"routes.append(_route(ctx.pack, {r}))")
            emit(ind + 1, f"add(({r}, _REQ, w, True, False, None))")
            emit(ind, "else:")
            emit(ind + 1, "unknown = True")
            emit(ind + 1, f"add(({r}, _UNK, w, True, False, None))")
        elif kind == "deadline":
            emit(ind, f"res, counts = _deadline(ctx, {r}, w, {due})")
            emit(ind, "deadlines.append(res)")
            emit(ind, f"add(({r}, res.status, w, counts, False, res))")
            emit(ind, "s = res.status")
            emit(ind, "if s is _MISSED or s is _EARLY:")
            emit(ind + 1, "violated = True")
            emit(ind, "elif s is _UNK and counts:")
            emit(ind + 1, "unknown = True")
        else:  # pragma: no cover - the loader admits no other kind
            raise AssertionError(kind)

    head = [
        "def _run(p, stage_rank, ctx, entries, na_list, routes, deadlines, exempted):",
        "    add = entries.append",
        "    na = na_list.append",
        "    sub = p.submitted_documents",
        "    prohibited = violated = unknown = False",
    ]
    tail = ["    return prohibited, violated, unknown"]
    cc.add_source("\n".join([*head, *body, *tail]) + "\n")
    namespace = cc.build(filename)
    namespace.update(consts)
    from .._vocab.verdict import Status

    namespace["_MISSED"] = Status.missed
    namespace["_EARLY"] = Status.too_early
    fn: StatusFunction = namespace["_run"]
    return fn
