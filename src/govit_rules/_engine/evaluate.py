"""Evaluation: one compiled pack, one project, one date, one verdict.

Owns the order of evaluation (in force, then scope, then exemptions and the other rules)
and how the rules' statuses add up to the overall outcome; what each status means is the
rule's kind's (:mod:`govit_rules._packs.kinds`), the loop that asks them is
:mod:`govit_rules._engine.status`, the conditions come from a decider
(:mod:`govit_rules._engine.decider`), and the explanations are built on first read
(:mod:`govit_rules._engine.explain`). Also owns a verdict's compact parts, for verdicts
that travel between processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .._io.project_files import facts_after, unknown_documents, validate_project
from .._packs.compiled import CompiledPack
from .._packs.kinds import Entry, lacking_documents
from .._vocab.project import Project
from .._vocab.verdict import (
    ApplicabilityResult,
    CitationRef,
    DeadlineResult,
    Occurrence,
    Outcome,
    PackInfo,
    RouteResult,
    Status,
    Verdict,
    with_origin,
)
from .decider import COMPILED, Decider
from .explain import Explain
from .origin import EngineOrigin
from .results import Ctx, make, route_of
from .status import Run, defended, exemptions, fused_for, status_loop

__all__ = [
    "evaluate_pack",
    "lacking_documents",
    "lazy_from_parts",
    "route_of",
    "validate_project",
    "verdict_parts",
]

S = Status


def evaluate_pack(
    pack: CompiledPack,
    project: Project | Mapping[str, Any] | str | bytes,
    as_of: date | None = None,
    *,
    decider: Decider = COMPILED,
) -> Verdict:
    """The verdict of ``pack`` for ``project`` on ``as_of``, its conditions decided by
    ``decider`` (the pack's compiled functions unless an engine plugs in its own)."""
    p = validate_project(project, pack.project_model)
    verdict = _evaluate_pack(pack, p, as_of, decider)
    # The verdict remembers what it judged, so that it can say what would change it.
    with_origin(verdict, EngineOrigin(pack, p))
    return verdict


def _evaluate_pack(pack: CompiledPack, p: Project, as_of: date | None, decider: Decider) -> Verdict:
    on = as_of or date.today()
    submitted = p.submitted_documents
    if submitted and not pack.documents.keys() >= submitted:
        raise unknown_documents(pack, submitted)
    ctx = Ctx(pack, p, on)
    ctx.warnings.extend(facts_after(p, on))
    info = pack.info
    if not pack.in_force(on):
        return make(
            Verdict,
            pack=info,
            as_of=on,
            in_force=False,
            applicability=make(ApplicabilityResult, applies=None, citations=[], missing_facts=[]),
            outcome=Outcome.not_in_force,
            findings=[],
            not_applicable=[],
            approval_routes=[],
            deadlines=[],
            required_documents=[],
            missing_facts=[],
            interpretations=[],
            readings=[],
            warnings=[_not_in_force_warning(pack, on)],
        )

    # What is decided here: every rule's status, the routes, the deadlines' dates and the
    # outcome. What explains it (findings, messages, missing facts, notes) is recorded as
    # entries and built by Explain only when the verdict is read for it.
    entries: list[Entry] = []
    not_applicable: list[str] = []
    routes: list[RouteResult] = []
    deadlines: list[DeadlineResult] = []
    counted_unknown = False
    violated = False
    prohibited = False

    # Scope first: when the regulation does not apply, nothing else is asked.
    scope_false: list[CitationRef] = []
    scope_all: list[CitationRef] = []
    scope_missing: list[str] = []
    scope_unknown = False
    for rule in pack.scope_rules:
        v = decider.main(rule, p, ctx.clock)
        ref = ctx.refs[rule.id][0]
        scope_all.append(ref)
        if v is True:
            entries.append((rule, S.satisfied, True, True, False, None))
        elif v is False:
            scope_false.append(ref)
            entries.append((rule, S.out_of_scope, True, False, False, None))
        else:
            scope_unknown = True
            for f in rule.main_missing(p, ctx.clock):
                if f not in scope_missing:
                    scope_missing.append(f)
            entries.append((rule, S.unknown, True, None, False, None))
    stage_rank = p.stage.rank if p.stage is not None else None
    run = Run(ctx, decider, routes, deadlines)
    if scope_false:
        applicability = make(
            ApplicabilityResult, applies=False, citations=scope_false, missing_facts=[]
        )
        # A duty the text carves back in for projects outside the measures (e.g. one
        # funded by a higher level's allocation) is still checked and reported.
        carried = pack.carried_rules
        outcome = Outcome.not_applicable
        if carried:
            exempted, uncertain = exemptions(pack, p, ctx.clock, decider, entries, not_applicable)
            prohibited, violated, _unknown = status_loop(
                carried, stage_rank, run, entries, not_applicable, exempted
            )
            if uncertain:
                prohibited, violated, _unknown = defended(entries, uncertain)
            if prohibited:
                outcome = Outcome.prohibited
            elif violated:
                outcome = Outcome.non_compliant
        _clock_warning(ctx)
        return _verdict(
            ctx, info, applicability, outcome, entries, not_applicable, routes, deadlines
        )
    applies: bool | None = None if scope_unknown else True
    applicability = make(
        ApplicabilityResult, applies=applies, citations=scope_all, missing_facts=scope_missing
    )
    if applies is None:
        counted_unknown = True

    exempted, uncertain = exemptions(pack, p, ctx.clock, decider, entries, not_applicable)
    if decider.compiled:
        prohibited, violated, unknown = fused_for(pack)(
            p, stage_rank, ctx, entries, not_applicable, routes, deadlines, exempted
        )
    else:
        prohibited, violated, unknown = status_loop(
            pack.checked_rules, stage_rank, run, entries, not_applicable, exempted
        )
    if uncertain:
        prohibited, violated, unknown = defended(entries, uncertain)
    counted_unknown = counted_unknown or unknown
    _clock_warning(ctx)

    if prohibited:
        outcome = Outcome.prohibited
    elif violated:
        outcome = Outcome.non_compliant
    elif counted_unknown:
        outcome = Outcome.needs_information
    else:
        outcome = Outcome.compliant
    return _verdict(ctx, info, applicability, outcome, entries, not_applicable, routes, deadlines)


def _clock_warning(ctx: Ctx) -> None:
    if ctx.clock.provisional:
        first, last = ctx.pack.calendar.data_years
        ctx.warnings.append(
            f"a period counted in a condition runs beyond the official calendar data "
            f"({first}–{last}); weekdays were counted as working days there, so the "
            "result is provisional"
        )


def _verdict(
    ctx: Ctx,
    info: PackInfo,
    applicability: ApplicabilityResult,
    outcome: Outcome,
    entries: list[Entry],
    not_applicable: list[str],
    routes: list[RouteResult],
    deadlines: list[DeadlineResult],
) -> Verdict:
    verdict = make(
        Verdict,
        pack=info,
        as_of=ctx.as_of,
        in_force=True,
        applicability=applicability,
        outcome=outcome,
        not_applicable=not_applicable,
        approval_routes=routes,
        deadlines=deadlines,
        warnings=ctx.warnings,
    )
    object.__setattr__(verdict, "__pydantic_private__", {"_build": Explain(ctx, entries)})
    return verdict


def _not_in_force_warning(pack: CompiledPack, on: date) -> str:
    until = pack.in_force_until
    span = f"from {pack.in_force_from}" + (f" until {until}" if until else "")
    return f"{pack.meta.document.title.en} is in force {span}; it was not in force on {on}"


# --- compact parts, for verdicts that travel between processes -------------------------


def verdict_parts(v: Verdict) -> tuple[Any, ...]:
    """What a verdict decides, as plain values (no findings, messages or notes).

    :func:`lazy_from_parts` turns them back into a verdict equal to ``v``.
    """
    app = v.applicability
    return (
        v.outcome.value,
        v.in_force,
        app.applies,
        [_cite_key(c) for c in app.citations],
        list(app.missing_facts),
        list(v.not_applicable),
        [r.rule_id for r in v.approval_routes],
        [
            (
                d.rule_id,
                d.status.value,
                d.anchor_date,
                d.anchor_year,
                d.due,
                d.earliest,
                d.latest,
                d.done_date,
                d.provisional,
                d.extended,
                list(d.missing_facts),
                [(o.year, o.due, o.done_date, o.status.value) for o in d.occurrences],
            )
            for d in v.deadlines
        ],
        list(v.warnings),
    )


def _cite_key(c: CitationRef) -> tuple[int, int | None, int | None, int | None]:
    return (c.article, c.paragraph, c.item, c.sub_item)


class _Reevaluate:
    """The lazy parts of a verdict rebuilt from parts: one full evaluation, on first read."""

    __slots__ = ("full", "on", "pack", "project")

    def __init__(self, pack: CompiledPack, project: Any, on: date) -> None:
        self.pack, self.project, self.on = pack, project, on
        self.full: Verdict | None = None

    def verdict(self) -> Verdict:
        if self.full is None:
            self.full = evaluate_pack(self.pack, self.project, self.on)
        return self.full

    def __call__(self, name: str) -> Any:
        return getattr(self.verdict(), name)


def lazy_from_parts(pack: CompiledPack, project: Any, on: date, parts: tuple[Any, ...]) -> Verdict:
    """A verdict from :func:`verdict_parts`; its explanations are computed when read."""
    (outcome, in_force, applies, cites, app_missing, na, route_ids, dls, warnings) = parts
    refs = pack.fixed
    by_key = {_cite_key(refs[r.id][0]): refs[r.id][0] for r in pack.scope_rules}
    rebuild = _Reevaluate(pack, project, on)
    routes = [route_of(pack, pack.rule(rid)) for rid in route_ids]
    deadlines = []
    for (
        rid,
        status,
        anchor_date,
        year,
        due,
        earliest,
        latest,
        done_date,
        prov,
        ext,
        miss,
        occ,
    ) in dls:
        rule = pack.rule(rid)
        d = make(
            DeadlineResult,
            rule_id=rid,
            citation=refs[rid][0],
            also_cites=refs[rid][1],
            status=S(status),
            anchor=rule.anchor,
            anchor_date=anchor_date,
            anchor_year=year,
            period=pack.period_texts[rid],
            due=due,
            earliest=earliest,
            latest=latest,
            done=rule.done,
            done_date=done_date,
            provisional=prov,
            extended=ext,
            calendar=pack.calendar_name,
            missing_facts=miss,
            interpretation=refs[rid][2],
            occurrences=[
                make(Occurrence, year=y, due=on_day, done_date=done, status=S(st))
                for y, on_day, done, st in occ
            ],
        )
        object.__setattr__(
            d,
            "__pydantic_private__",
            {"_build": lambda _n, rid=rid: rebuild.verdict().deadline(rid).message},
        )
        deadlines.append(d)
    values: dict[str, Any] = {
        "pack": pack.info,
        "as_of": on,
        "in_force": in_force,
        "applicability": make(
            ApplicabilityResult,
            applies=applies,
            citations=[by_key[k] for k in cites],
            missing_facts=app_missing,
        ),
        "outcome": Outcome(outcome),
        "not_applicable": na,
        "approval_routes": routes,
        "deadlines": deadlines,
        "warnings": warnings,
    }
    if not in_force:
        values.update(
            findings=[], required_documents=[], missing_facts=[], interpretations=[], readings=[]
        )
        return make(Verdict, **values)
    verdict = make(Verdict, **values)
    object.__setattr__(verdict, "__pydantic_private__", {"_build": rebuild})
    return verdict
