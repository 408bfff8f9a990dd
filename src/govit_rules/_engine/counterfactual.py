"""Counterfactuals: the nearest changes of a project's own facts that change its verdict.

Owns ``Verdict.counterfactuals()`` and ``govit-rules explain --what-would-change``. For each
decisive finding (violated, out of scope or unknown), each approval route and each deadline,
candidate changes are read off the checked condition trees, never searched for at random:
a threshold gives the first value on the other side of its boundary (0.01万, 1 or one day
away), a boolean or enum its other values, a set the component to add or remove, a
prohibition's ``unless`` the facts that would establish its exception, a deadline the last
(or first) day that meets it. Every candidate is then verified by evaluating the changed
project: it is kept only if the verdict changes as it promises and if moving the changed
fact one step back toward its present value does not already produce that change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from .._lang.clock import Clock
from .._lang.conditions import (
    All,
    AnyOf,
    Cond,
    FactRef,
    Known,
    Not,
    Test,
    TrueCond,
    describe_test,
    interpret,
    known_fact_types,
)
from .._packs.loader import CompiledPack, CompiledRule
from .._vocab.counterfactuals import Answer, Change, Counterfactual, Crossing, Kind, Target
from .._vocab.project import Project
from .._vocab.verdict import CitationRef, Status, Text, Verdict, rule_status
from ..errors import ProjectValidationError
from .boundaries import (
    NEGATE,
    ORDER_OPS,
    bound_of,
    cites_of,
    first_on_side,
    probe_values,
    step_toward,
    threshold_side,
    tidy,
)
from .evaluate import evaluate_pack

__all__ = ["Answer", "Change", "Counterfactual", "Crossing", "apply_changes", "counterfactuals"]

TYPES = known_fact_types()
CONVERSE = {
    "at_least": "at_most",
    "at_most": "at_least",
    "above": "below",
    "below": "above",
    "on_or_after": "on_or_before",
    "on_or_before": "on_or_after",
    "after": "before",
    "before": "after",
}
_MAX_ALTERNATIVES = 8
_MAX_ANSWERS = 12
# fact -> (new value, the leaf test whose boundary the value crosses, or None)
Alt = dict[str, tuple[Any, Test | None]]


def apply_changes(project: Project, updates: Mapping[str, Any]) -> Project:
    """``project`` with ``updates`` applied and validated (a bad value raises)."""
    from .evaluate import validate_project

    return validate_project({**project.model_dump(), **updates}, type(project))


# --- candidate changes read off the condition trees -----------------------------------------


def _leaf_alts(t: Test | Known, want: bool, p: Project) -> list[Alt]:
    """The changes of one fact that give a leaf the value ``want``."""
    if isinstance(t, Known):
        return []  # giving or dropping a fact is an unknown-fact question, not a change
    rhs = bound_of(t, p)
    if rhs is None:
        return []
    try:
        return _leaf_changes(t, want, p, rhs)
    except ArithmeticError:  # a boundary beyond the dates or the precision there are
        return []


def _leaf_changes(t: Test, want: bool, p: Project, rhs: Any) -> list[Alt]:
    fact, kind = t.fact, TYPES[t.fact].kind
    if t.op in ORDER_OPS:
        op = t.op if want else NEGATE[t.op]
        alts: list[Alt] = [{fact: (first_on_side(fact, op, rhs), t)}]
        ref, mine = t.value, getattr(p, fact)
        if isinstance(ref, FactRef) and mine is not None and (ref.times or 1) > 0:
            # The other side of the comparison is the project's own fact too:
            # fact ≤ k·other holds exactly when other ≥ fact / k.
            bound = mine if ref.times is None else mine / ref.times
            alts.append({ref.fact: (first_on_side(ref.fact, CONVERSE[op], bound), t)})
        return alts
    if kind == "set":
        have = getattr(p, fact) or frozenset()
        members = rhs if isinstance(rhs, frozenset) else frozenset({rhs})
        op = "contains_all" if t.op == "contains" else t.op
        if not want:
            op = {"contains_all": "not_all", "contains_any": "contains_none"}.get(
                op, "contains_any"
            )
        if op == "contains_all":
            return [{fact: (have | members, t)}]
        if op == "contains_none":
            return [{fact: (have - members, t)}]
        pool = sorted(members - have if op == "contains_any" else members & have, key=str)
        if op == "contains_any":
            return [{fact: (have | {m}, t)} for m in pool]
        return [{fact: (have - {m}, t)} for m in pool]
    if kind == "bool":
        return [{fact: (rhs if (t.op == "eq") == want else not rhs, t)}]
    listed = set(rhs) if isinstance(rhs, frozenset) else {rhs}
    if (t.op in ("eq", "in")) == want:
        choices = sorted(listed, key=str)
    else:
        enum = TYPES[fact].enum
        choices = [m for m in enum if m not in listed] if enum is not None else []
    return [{fact: (c, t)} for c in choices[:_MAX_ALTERNATIVES]]


def _merge(a: Alt, b: Alt) -> Alt | None:
    for fact, (value, _) in b.items():
        if fact in a and a[fact][0] != value:
            return None
    return {**a, **b}


def make(cond: Cond, want: bool, p: Project, clock: Clock | None = None) -> list[Alt]:
    """Alternative sets of changes that give ``cond`` the value ``want`` (few facts first);
    ``clock`` gives the evaluation date a condition may read."""
    if interpret(cond, p, clock) is want:
        return [{}]
    if isinstance(cond, TrueCond):
        return []
    if isinstance(cond, Test | Known):
        return _leaf_alts(cond, want, p)
    if isinstance(cond, Not):
        return make(cond.part, not want, p, clock)
    assert isinstance(cond, All | AnyOf)
    if isinstance(cond, AnyOf) == want:  # one part suffices
        out: list[Alt] = []
        for part in cond.parts:
            out.extend(a for a in make(part, want, p, clock) if a)
        return _unique(out)[:_MAX_ALTERNATIVES]
    combos: list[Alt] = [{}]
    for part in cond.parts:
        alts = make(part, want, p, clock)
        combos = [m for c in combos for a in alts if (m := _merge(c, a)) is not None]
        combos = _unique(combos)[:_MAX_ALTERNATIVES]
        if not combos:
            return []
    return combos


def _key(updates: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """A canonical key of a set of changes (equal sets give equal keys)."""

    def canon(v: Any) -> str:
        return repr(sorted(map(str, v))) if isinstance(v, frozenset) else repr(v)

    return tuple(sorted((k, canon(v)) for k, v in updates.items()))


def _unique(alts: list[Alt]) -> list[Alt]:
    seen: dict[tuple[tuple[str, str], ...], Alt] = {}
    for a in alts:
        seen.setdefault(_key({k: v for k, (v, _) in a.items()}), a)
    return sorted(seen.values(), key=len)


# --- verification ---------------------------------------------------------------------------


def observe(v: Verdict, target: Target, name: str) -> str:
    """What a counterfactual promises to change: a status, or a route's rule and approver."""
    if target == "route":
        chosen = [f"{r.rule_id} → {r.final_approver}" for r in v.approval_routes if r.route == name]
        return ", ".join(chosen) if chosen else "no route"
    if v.applies is False:
        return rule_status(v, name) or "out_of_scope"  # the regulation no longer applies
    return rule_status(v, name) or "not_evaluated"


def show_value(value: Any) -> str:
    """A fact value for people: unknown, true/false, enum values, sets in braces, exact money."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, frozenset | set | list | tuple):
        return "{" + ", ".join(sorted(show_value(x) for x in value)) + "}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


_show = show_value


class _Session:
    """One project under one pack: cached re-evaluations of changed projects."""

    def __init__(
        self,
        pack: CompiledPack,
        p: Project,
        verdict: Verdict,
        rules: Collection[str] | None = None,
    ) -> None:
        self.pack, self.p, self.base = pack, p, verdict
        self.clock = Clock(verdict.as_of, pack.calendar)
        self.rules = None if rules is None else frozenset(rules)
        self.routes = frozenset(
            r.route for r in pack.rules if r.route and (rules is None or r.id in rules)
        )
        self.cache: dict[tuple[tuple[str, str], ...], Verdict | None] = {}
        self.out: dict[tuple[Any, ...], Counterfactual] = {}

    def wanted(self, rule: CompiledRule) -> bool:
        """Whether the caller asked about this rule (or about its route)."""
        if self.rules is None or rule.id in self.rules:
            return True
        return rule.kind == "route" and rule.route in self.routes

    def eval(self, updates: Mapping[str, Any]) -> Verdict | None:
        key = _key(updates)
        if key not in self.cache:
            try:
                changed = apply_changes(self.p, updates)
                self.cache[key] = evaluate_pack(self.pack, changed, self.base.as_of)
            except (ProjectValidationError, ArithmeticError, ValueError):
                # Not a project (a negative amount), or one the engine cannot judge (a
                # period running past the last date there is): nothing to verify against.
                self.cache[key] = None
        return self.cache[key]

    def consider(
        self,
        target: Target,
        name: str,
        kind: Kind,
        alt: Alt,
        rule: CompiledRule,
        calendar: Text | None = None,
    ) -> None:
        """Keep ``alt`` if it verifies: it changes the target, and one step less does not."""
        if not alt:
            return
        updates = {f: v for f, (v, _) in alt.items()}
        if all(getattr(self.p, f) == v for f, v in updates.items()):
            return
        before = observe(self.base, target, name)
        changed = self.eval(updates)
        if changed is None:
            return
        after = observe(changed, target, name)
        if after == before:
            return
        for fact, value in updates.items():
            now = getattr(self.p, fact)
            if now is None or TYPES[fact].kind not in ("number", "integer", "date"):
                continue
            try:
                back = step_toward(fact, value, now)
            except ArithmeticError:
                return  # no value one step nearer exists to compare with
            if back == value or (back == now and len(updates) == 1):
                continue  # one step back is the project as it is, whose status differs
            nearer = self.eval({**updates, fact: back})
            if nearer is not None and observe(nearer, target, name) == after:
                return  # a smaller change of this fact already does it: not the nearest
        key = (target, name, _key(updates))
        crossing = [_crossing(rule, leaf, self.p) for _, leaf in alt.values() if leaf]
        if key in self.out:  # the same change found through another rule: add its crossing
            old = self.out[key]
            merged = [*old.crossing, *(c for c in crossing if c not in old.crossing)]
            reason = self.reason(target, name, old.changes, before, after, merged, calendar)
            cites = _dedupe([*old.cites, *cites_of(self.pack, rule)])
            self.out[key] = old.model_copy(
                update={"crossing": merged, "reason": reason, "cites": cites}
            )
            return
        cites = list(cites_of(self.pack, rule))
        if target == "route":
            for r in changed.approval_routes:
                if r.route == name:
                    cites.extend([r.citation, *r.also_cites])
        changes = [Change(fact=f, before=getattr(self.p, f), after=v) for f, v in updates.items()]
        self.out[key] = Counterfactual(
            target=target,
            name=name,
            kind=kind,
            before=before,
            after=after,
            outcome_before=self.base.outcome.value,
            outcome_after=changed.outcome.value,
            changes=changes,
            crossing=crossing,
            cites=_dedupe(cites),
            reason=self.reason(target, name, changes, before, after, crossing, calendar),
            calendar=calendar,
        )

    def reason(
        self,
        target: Target,
        name: str,
        changes: list[Change],
        before: str,
        after: str,
        crossing: list[Crossing],
        calendar: Text | None,
    ) -> Text:
        """The counterfactual in words, zh (with the facts' Chinese names) and en."""
        labels = self.pack.fact_zh
        what = "; ".join(f"{c.fact} {_show(c.before)} → {_show(c.after)}" for c in changes)
        what_zh = "；".join(
            f"{labels.get(c.fact, c.fact)} {_show(c.before)} → {_show(c.after)}" for c in changes
        )
        label = {"finding": "", "route": "route ", "deadline": "deadline "}[target] + name
        zh_label = {"finding": "规则 ", "route": "审批路线 ", "deadline": "期限 "}[target] + name
        en = f"{what}: {label} changes from {before} to {after}"
        zh = f"{what_zh}：{zh_label} 由 {before} 变为 {after}"
        for c in crossing:
            if c.side is not None:
                en += f"; {c.side.en} [{c.rule_id}]"
                zh += f"；{c.side.zh}［{c.rule_id}］"
        if calendar is not None:
            en += f". {calendar.en}"
            zh += f"。{calendar.zh}"
        return Text(zh=zh, en=en)

    def answers(self, target: Target, name: str, fact: str, values: list[Any]) -> None:
        """For a missing fact: what each of its probe values would decide."""
        key = (target, name, "unknown", fact)
        if key in self.out or not values:
            return
        out = []
        for value in values[:_MAX_ANSWERS]:
            changed = self.eval({fact: value})
            if changed is not None:
                out.append(
                    Answer(
                        value=value,
                        after=observe(changed, target, name),
                        outcome=changed.outcome.value,
                    )
                )
        before = observe(self.base, target, name)
        if all(a.after == before for a in out):
            return  # no value of this fact decides it alone: nothing to tell
        rules = [
            r for r in self.pack.rules if r.id == name or (target == "route" and r.route == name)
        ]
        cites = _dedupe([c for r in rules for c in cites_of(self.pack, r)])
        shown = "; ".join(f"{_show(a.value)} → {a.after}" for a in out)
        self.out[key] = Counterfactual(
            target=target,
            name=name,
            kind="unknown",
            before=before,
            outcome_before=self.base.outcome.value,
            changes=[Change(fact=fact, before=None, after=None)],
            answers=out,
            cites=cites,
            reason=Text(
                zh=f"{self.pack.fact_zh.get(fact, fact)}（{fact}）未提供；各取值的结果：{shown}",
                en=f"{fact} is not given; each value would decide {name}: {shown}",
            ),
        )


def _dedupe(cites: list[CitationRef]) -> list[CitationRef]:
    out: list[CitationRef] = []
    for c in cites:
        if c not in out:
            out.append(c)
    return out


def _crossing(rule: CompiledRule, leaf: Test, p: Project) -> Crossing:
    rhs = bound_of(leaf, p)
    boundary = _show(rhs)
    if isinstance(leaf.value, FactRef):
        boundary = f"{boundary} (= {describe_test(leaf).split(' ', 2)[2]})"
    ordered = leaf.op in ORDER_OPS
    now = getattr(p, leaf.fact)
    numeric = TYPES[leaf.fact].kind in ("number", "integer")
    return Crossing(
        rule_id=rule.id,
        fact=leaf.fact,
        test=describe_test(leaf),
        boundary=boundary,
        included=(leaf.op in ("at_least", "at_most", "on_or_after", "on_or_before"))
        if ordered
        else None,
        margin=tidy(Decimal(now - rhs)) if ordered and numeric and now is not None else None,
        side=threshold_side(leaf, boundary) if ordered else None,
    )


# --- the targets ----------------------------------------------------------------------------


def counterfactuals(
    pack: CompiledPack,
    project: Project,
    verdict: Verdict,
    rules: Collection[str] | None = None,
) -> list[Counterfactual]:
    """Every verified counterfactual of ``verdict`` (which ``pack`` gave for ``project``).

    With ``rules``, only those of the named rules (and of the routes they belong to).
    """
    s = _Session(pack, project, verdict, rules)
    if not verdict.in_force:
        return []
    _findings(s)
    _exemptions_not_held(s)
    _routes(s)
    from .counterfactual_dates import deadline_counterfactuals

    deadline_counterfactuals(s)
    return sorted(s.out.values(), key=_order)


_TARGET_ORDER = {"finding": 0, "route": 1, "deadline": 2}


def _order(c: Counterfactual) -> tuple[Any, ...]:
    return (_TARGET_ORDER[c.target], c.name, c.kind == "unknown", len(c.changes))


def _kind_of(alt: Alt) -> Kind:
    kinds = {TYPES[leaf.fact].kind for _, leaf in alt.values() if leaf and leaf.op in ORDER_OPS}
    if "date" in kinds:
        return "date"
    return "threshold" if kinds else "flip"


def _findings(s: _Session) -> None:
    p, pack = s.p, s.pack
    for f in s.base.findings:
        rule = pack.rule(f.rule_id)
        if not s.wanted(rule):
            continue
        if f.status is Status.unknown:
            target: Target = "route" if rule.kind == "route" else "finding"
            name = rule.route if rule.kind == "route" and rule.route else rule.id
            for fact in f.missing_facts:
                s.answers(target, name, fact, probe_values(fact, _siblings(pack, rule), p))
            continue
        if rule.kind == "route":
            continue
        wants: list[tuple[str, Cond, bool]] = []
        if f.status is Status.violated:
            wants.append(("when", rule.when, False))
            if rule.kind == "prohibition":
                wants.append(("prohibits", rule.main, False))
                if rule.unless is not None:
                    wants.append(("unless", rule.unless, True))
            elif rule.kind == "obligation":
                wants.append(("requires", rule.main, True))
            elif rule.kind == "documents":
                have = p.submitted_documents or frozenset()
                # A choice among documents is met by its first one.
                needed = {d if isinstance(d, str) else d[0] for d in rule.documents}
                s.consider(
                    "finding",
                    rule.id,
                    "flip",
                    {"submitted_documents": (have | needed, None)},
                    rule,
                )
        elif f.status is Status.out_of_scope:
            wants.append(("in_scope_if", rule.main, True))
        elif f.status is Status.exempt:
            # Leaving the exemption puts the duties it lifts back on the project.
            wants.append(("when", rule.when, False))
            wants.append(("exempt_if", rule.main, False))
        for tree, cond, want in wants:
            for alt in make(cond, want, p, s.clock):
                kind: Kind = "exception" if tree == "unless" else _kind_of(alt)
                s.consider("finding", rule.id, kind, alt, rule)


def _exemptions_not_held(s: _Session) -> None:
    """An exemption that does not hold: the nearest change that would make it hold."""
    if s.base.applies is False:
        return
    p = s.p
    for rule in s.pack.rules:
        if rule.kind != "exemption" or not s.wanted(rule) or rule.id not in s.base.not_applicable:
            continue
        if interpret(rule.when, p, s.clock) is not True:
            continue
        for alt in make(rule.main, True, p, s.clock):
            s.consider("finding", rule.id, _kind_of(alt), alt, rule)


def _siblings(pack: CompiledPack, rule: CompiledRule) -> list[CompiledRule]:
    if rule.kind == "route":
        return [r for r in pack.rules if r.route == rule.route]
    return [rule]


def _routes(s: _Session) -> None:
    """Each route's tiers: leave the chosen one, or enter another of the same route."""
    if s.base.applies is False:
        return
    p = s.p
    chosen = {r.rule_id for r in s.base.approval_routes}
    for rule in s.pack.rules:
        if rule.kind != "route" or rule.route is None or rule.route not in s.routes:
            continue
        if rule.id in chosen:
            alts = make(rule.when, False, p, s.clock)
        elif interpret(rule.when, p, s.clock) is False:
            alts = make(rule.when, True, p, s.clock)
        else:
            continue
        for alt in alts:
            s.consider("route", rule.route, _kind_of(alt), alt, rule)
