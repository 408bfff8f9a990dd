"""Every rule's status for one project: exemptions, the reference loop and the fused path.

Owns the order of evaluation after the scope (exemptions first, then the checked rules in
pack order), what an exemption that holds or is unknown does to the rules it names, and
how statuses add up to the three flags the outcome is read from (prohibited, violated,
counted unknown). Each rule's status is its kind's (:mod:`govit_rules._packs.kinds`); the
conditions come from a :class:`~govit_rules._engine.decider.Decider`. With the compiled
decider the pack's fused status function (:mod:`govit_rules._engine.fused`) does the same
work in one generated function; the loop here stays the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .._lang.clock import Clock
from .._packs.compiled import CompiledPack, CompiledRule
from .._packs.kinds import Entry, Tri, lacking_documents
from .._vocab.project import Project
from .._vocab.verdict import DeadlineResult, RouteResult, Status
from .decider import Decider
from .fused import StatusFunction, build_status_function
from .results import Ctx, deadline_result, route_of

__all__ = ["Run", "defended", "exemptions", "fused_for", "status_loop"]

S = Status
Flags = tuple[bool, bool, bool]  # (prohibited, violated, counted unknown)


class Run:
    """One status loop's view of an evaluation: what a kind's status reads and adds."""

    __slots__ = ("ctx", "deadlines", "decider", "routes")

    def __init__(
        self,
        ctx: Ctx,
        decider: Decider,
        routes: list[RouteResult],
        deadlines: list[DeadlineResult],
    ) -> None:
        self.ctx = ctx
        self.decider = decider
        self.routes = routes
        self.deadlines = deadlines

    @property
    def p(self) -> Project:
        return self.ctx.p

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    def main(self, rule: CompiledRule) -> Tri:
        return self.decider.main(rule, self.ctx.p, self.ctx.clock)

    def unless(self, rule: CompiledRule) -> Tri:
        return self.decider.unless(rule, self.ctx.p, self.ctx.clock)

    def add_route(self, rule: CompiledRule) -> None:
        self.routes.append(route_of(self.ctx.pack, rule))

    def add_deadline(
        self, rule: CompiledRule, w: Tri, not_due: bool
    ) -> tuple[DeadlineResult, bool]:
        result, counts = deadline_result(self.ctx, rule, w, not_due)
        self.deadlines.append(result)
        return result, counts


def exemptions(
    pack: CompiledPack,
    p: Project,
    clock: Clock,
    decider: Decider,
    entries: list[Entry],
    not_applicable: list[str],
) -> tuple[frozenset[str], dict[str, CompiledRule]]:
    """The rules an exemption lifts for this project, and those it may lift (unknown).

    An exemption that holds is a finding of its own (status ``exempt``, citing its article)
    and the rules it lifts do not apply. One whose facts are unknown lifts nothing, but a
    breach of a rule it might lift is not a breach until the facts are known.
    """
    if not pack.exemption_rules:
        return frozenset(), {}
    exempted: set[str] = set()
    uncertain: dict[str, CompiledRule] = {}
    for rule in pack.exemption_rules:
        w = decider.when(rule, p, clock)
        e = decider.main(rule, p, clock) if w is not False else False
        if w is False or e is False:
            not_applicable.append(rule.id)
            continue
        if w is True and e is True:
            entries.append((rule, S.exempt, w, e, False, None))
            exempted.update(rule.exempts)
        else:
            entries.append((rule, S.unknown, w, e, False, None))
            for target in rule.exempts:
                uncertain.setdefault(target, rule)
    for target in exempted:
        uncertain.pop(target, None)
    return frozenset(exempted), uncertain


def _flags(flags: Flags, weight: int) -> Flags:
    prohibited, violated, unknown = flags
    if weight == 3:
        prohibited = True
    elif weight == 2:
        violated = True
    elif weight == 1:
        unknown = True
    return prohibited, violated, unknown


def defended(entries: list[Entry], uncertain: Mapping[str, CompiledRule]) -> Flags:
    """Turn breaches of rules an unknown exemption may lift into unknowns; recount."""
    flags: Flags = (False, False, False)
    for i, (rule, st, w, m, u, extra) in enumerate(entries):
        if rule.id in uncertain and st is S.violated:
            st = S.unknown
            entries[i] = (rule, st, w, m, u, extra)
        flags = _flags(flags, rule.kind_def.weight(st, m))
    return flags


def status_loop(
    rules: tuple[CompiledRule, ...],
    stage_rank: int | None,
    run: Run,
    entries: list[Entry],
    not_applicable: list[str],
    exempted: frozenset[str] = frozenset(),
) -> Flags:
    """Every rule's status, one rule at a time, each decided by its kind.

    The reference for the fused function, and the path of engines that decide conditions
    their own way (the Rete decider).
    """
    flags: Flags = (False, False, False)
    p, decider, clock = run.p, run.decider, run.ctx.clock
    for rule in rules:
        if rule.id in exempted:
            not_applicable.append(rule.id)
            continue
        w = decider.when(rule, p, clock)
        if w is False:
            not_applicable.append(rule.id)
            continue
        not_due = stage_rank is not None and stage_rank < rule.stage_rank
        kind = rule.kind_def
        entry = kind.status(rule, w, not_due, run)
        entries.append(entry)
        flags = _flags(flags, kind.weight(entry[1], entry[3]))
    return flags


def fused_for(pack: CompiledPack) -> StatusFunction:
    """The pack's fused status function over its checked rules, generated on first use."""
    memo = pack.engine_cache
    fn = memo.fused
    if fn is None:
        fn = memo.fused = build_status_function(
            pack.checked_rules,
            exemptable=frozenset(t for r in pack.exemption_rules for t in r.exempts),
            lacking=lacking_documents,
            route=route_of,
            deadline=deadline_result,
            filename=f"<rulepack {pack.id}: status loop>",
        )
    return fn
