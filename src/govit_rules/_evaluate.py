"""Evaluation: one compiled pack, one project, one date, one verdict.

Owns the meaning of each rule kind's statuses, the Civil Code deadline arithmetic applied
to project facts, and how findings add up to the overall outcome. Conditions arrive as
compiled functions; this module never parses or walks a condition tree except to explain
an unknown result (which missing facts would decide it).
"""

from __future__ import annotations

import calendar as _pycal
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import ValidationError

from ._model import Project
from ._pack import CompiledPack, CompiledRule, MessageTemplate
from ._schema import ACTIONS
from ._verdict import (
    ApplicabilityResult,
    CitationRef,
    DeadlineResult,
    Finding,
    InterpretationUsed,
    MissingFact,
    Outcome,
    PackInfo,
    RequiredDocument,
    RouteResult,
    RouteStepResult,
    Status,
    Text,
    Verdict,
    VerdictOrigin,
)
from .errors import Problem, ProjectValidationError

__all__ = ["evaluate_pack", "validate_project"]

S = Status
_T = TypeVar("_T")


def _make(cls: type[_T], **values: Any) -> _T:
    """Build an output model from values that are already valid (the evaluator made them).

    Skips validation the way ``model_construct`` does, at a third of its cost: verdict
    assembly, not rule matching, dominates a full evaluation.
    """
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def validate_project(data: Project | Mapping[str, Any] | str | bytes) -> Project:
    """A :class:`Project` from a mapping or JSON text; every bad field is reported."""
    if isinstance(data, Project):
        return data
    try:
        if isinstance(data, str | bytes):
            return Project.model_validate_json(data)
        return Project.model_validate(data)
    except ValidationError as exc:
        raise ProjectValidationError(
            f"the project has {exc.error_count()} invalid field(s)", _project_problems(exc)
        ) from None


def _project_problems(exc: ValidationError) -> list[Problem]:
    import difflib

    names = list(Project.model_fields)
    out: list[Problem] = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(project)"
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            out.append(
                Problem(loc, 0, 0, "unknown-fact", f"no fact {key!r} in the project model{hint}")
            )
        else:
            shown = repr(err.get("input"))
            if len(shown) > 60:
                shown = shown[:57] + "..."
            out.append(Problem(loc, 0, 0, "bad-value", f"{err['msg']} (got {shown})"))
    return out


class _Ctx:
    """Per-evaluation scratch state; never shared between calls."""

    __slots__ = ("as_of", "missing", "notes", "p", "pack", "refs", "warnings")

    def __init__(self, pack: CompiledPack, p: Project, as_of: date) -> None:
        self.pack = pack
        self.p = p
        self.as_of = as_of
        self.missing: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.notes: list[InterpretationUsed] = []
        self.refs = pack._refs

    def add_missing(self, rule: CompiledRule, facts: list[str]) -> None:
        for f in facts:
            lst = self.missing.setdefault(f, [])
            if rule.id not in lst:
                lst.append(rule.id)

    def render(
        self, rule: CompiledRule, status: Status, extra: Mapping[str, Any] | None = None
    ) -> Text:
        static, names = self.pack._messages[rule.id]
        if static is not None:
            return static  # type: ignore[no-any-return]
        facts = self.p.__dict__
        ctx: dict[str, Any] = {}
        for name in names:
            if name in facts:
                ctx[name] = _plain(facts[name])
        ctx["status"] = status.value
        if extra:
            ctx.update(extra)
        zh, en = rule.message_zh, rule.message_en
        return _make(
            Text,
            zh=zh if isinstance(zh, str) else _render(zh, ctx),
            en=en if isinstance(en, str) else _render(en, ctx),
        )


def _render(t: MessageTemplate, ctx: Mapping[str, Any]) -> str:
    try:
        return t.render(ctx)
    except Exception as exc:  # a message must never break a verdict
        return f"[message could not be rendered: {exc}]"


def _plain(v: Any) -> Any:
    if isinstance(v, frozenset):
        return sorted(str(x) for x in v)
    if hasattr(v, "value") and isinstance(getattr(v, "value", None), str):
        return v.value
    return v


def evaluate_pack(
    pack: CompiledPack,
    project: Project | Mapping[str, Any] | str | bytes,
    as_of: date | None = None,
) -> Verdict:
    p = validate_project(project)
    verdict = _evaluate_pack(pack, p, as_of)
    # The verdict remembers what it judged, so that it can say what would change it.
    object.__setattr__(verdict, "__pydantic_private__", {"_origin": VerdictOrigin(pack, p)})
    return verdict


def _evaluate_pack(pack: CompiledPack, p: Project, as_of: date | None) -> Verdict:
    on = as_of or date.today()
    ctx = _Ctx(pack, p, on)
    info = pack._info
    if not pack.in_force(on):
        return _make(
            Verdict,
            pack=info,
            as_of=on,
            in_force=False,
            applicability=_make(ApplicabilityResult, applies=None, citations=[], missing_facts=[]),
            outcome=Outcome.not_in_force,
            findings=[],
            not_applicable=[],
            approval_routes=[],
            deadlines=[],
            required_documents=[],
            missing_facts=[],
            interpretations=[],
            warnings=[_not_in_force_warning(pack, on)],
        )

    findings: list[Finding] = []
    not_applicable: list[str] = []
    routes: list[RouteResult] = []
    deadlines: list[DeadlineResult] = []
    documents: list[RequiredDocument] = []
    counted_unknown = False
    violated = False
    prohibited = False

    # Scope first: when the regulation does not apply, nothing else is asked.
    scope_false: list[CitationRef] = []
    scope_all: list[CitationRef] = []
    scope_missing: list[str] = []
    scope_unknown = False
    for rule in pack._scope:
        v = rule.main_fn(p)
        ref = ctx.refs[rule.id][0]
        scope_all.append(ref)
        if v is True:
            st = S.satisfied
            miss: list[str] = []
        elif v is False:
            st = S.out_of_scope
            scope_false.append(ref)
            miss = []
        else:
            st = S.unknown
            scope_unknown = True
            miss = rule.main_missing(p)
            for f in miss:
                if f not in scope_missing:
                    scope_missing.append(f)
            ctx.add_missing(rule, miss)
        findings.append(_finding(ctx, rule, st, miss))
    if scope_false:
        applicability = _make(
            ApplicabilityResult, applies=False, citations=scope_false, missing_facts=[]
        )
        return _verdict(ctx, info, applicability, Outcome.not_applicable, findings, [], [], [], [])
    applies: bool | None = None if scope_unknown else True
    applicability = _make(
        ApplicabilityResult, applies=applies, citations=scope_all, missing_facts=scope_missing
    )
    if applies is None:
        counted_unknown = True

    stage_rank = p.stage.rank if p.stage is not None else None
    for rule in pack._others:
        kind = rule.kind
        not_due = stage_rank is not None and stage_rank < rule.stage_rank
        w = rule.when_fn(p)
        if w is False:
            not_applicable.append(rule.id)
            continue
        if kind == "prohibition":
            m = rule.main_fn(p)
            u = rule.unless_fn(p) if rule.unless_fn is not None else False
            # An exception is a defence: it lifts the prohibition only when the project
            # establishes it, as whoever invokes "…的除外" must show it applies.
            if m is False or u is True:
                st = S.satisfied
            elif m is True and w is True:
                st = S.violated
            else:
                st = S.unknown
            miss = _missing_for(rule, p, st, w, m, u)
            if st is S.violated and u is None:
                # The facts that would establish the exception (and lift the prohibition).
                miss = rule.unless_missing(p)
                ctx.add_missing(rule, miss)
            if st is S.violated:
                prohibited = True
            elif st is S.unknown:
                counted_unknown = True
                ctx.add_missing(rule, miss)
            findings.append(_finding(ctx, rule, st, miss))
        elif kind == "obligation":
            r = rule.main_fn(p)
            if r is True:
                st = S.satisfied
            elif not_due:
                st = S.required
            elif w is None:
                st = S.unknown
            elif r is False:
                st = S.violated
            else:
                st = S.unknown
            miss = _missing_for(rule, p, st, w, r)
            if st is S.violated:
                violated = True
            elif st is S.unknown:
                counted_unknown = True
                ctx.add_missing(rule, miss)
            findings.append(_finding(ctx, rule, st, miss))
        elif kind == "documents":
            submitted = p.submitted_documents
            lacking = (
                None if submitted is None else [d for d in rule.documents if d not in submitted]
            )
            if lacking == []:
                st = S.satisfied
            elif not_due:
                st = S.required
            elif w is None or lacking is None:
                st = S.unknown
            else:
                st = S.violated
            miss = _missing_for(rule, p, st, w, True)
            if lacking is None and st is S.unknown and "submitted_documents" not in miss:
                miss.append("submitted_documents")
            if st is S.violated:
                violated = True
            elif st is S.unknown:
                counted_unknown = True
                ctx.add_missing(rule, miss)
            if w is True:
                ref = ctx.refs[rule.id][0]
                for d in rule.documents:
                    zh, en = pack.documents[d]
                    documents.append(
                        _make(
                            RequiredDocument,
                            id=d,
                            zh=zh,
                            en=en,
                            rule_id=rule.id,
                            citation=ref,
                            submitted=None if submitted is None else d in submitted,
                        )
                    )
            findings.append(_finding(ctx, rule, st, miss, {"missing_documents": lacking or []}))
        elif kind == "route":
            if w is True:
                st = S.required
                routes.append(_route(ctx, rule, st, []))
                findings.append(_finding(ctx, rule, st, []))
            else:
                st = S.unknown
                miss = rule.when_missing(p)
                counted_unknown = True
                ctx.add_missing(rule, miss)
                findings.append(_finding(ctx, rule, st, miss))
        elif kind == "deadline":
            result, counts = _deadline(ctx, rule, w, not_due)
            deadlines.append(result)
            if result.status in (S.missed, S.too_early):
                violated = True
            elif result.status is S.unknown and counts:
                counted_unknown = True
                ctx.add_missing(rule, result.missing_facts)
        else:  # pragma: no cover - the loader admits no other kind
            raise AssertionError(kind)

    if prohibited:
        outcome = Outcome.prohibited
    elif violated:
        outcome = Outcome.non_compliant
    elif counted_unknown:
        outcome = Outcome.needs_information
    else:
        outcome = Outcome.compliant
    return _verdict(
        ctx, info, applicability, outcome, findings, not_applicable, routes, deadlines, documents
    )


def _missing_for(
    rule: CompiledRule,
    p: Project,
    st: Status,
    w: bool | None,
    m: bool | None,
    u: bool | None = False,
) -> list[str]:
    """The missing facts that would decide an unknown rule (a duty not yet due needs none)."""
    if st is not S.unknown:
        return []
    out: list[str] = rule.when_missing(p) if w is None else []
    for value, fn in ((m, rule.main_missing), (u, rule.unless_missing)):
        if value is None and fn is not None:
            for f in fn(p):
                if f not in out:
                    out.append(f)
    return out


def _finding(
    ctx: _Ctx,
    rule: CompiledRule,
    st: Status,
    missing: list[str],
    extra: Mapping[str, Any] | None = None,
) -> Finding:
    ref, also, interp, used, thresholds, stage = ctx.refs[rule.id]
    if used is not None:
        ctx.notes.append(used)
    facts = ctx.p.__dict__
    return _make(
        Finding,
        rule_id=rule.id,
        kind=rule.kind,
        status=st,
        citation=ref,
        also_cites=also,
        message=ctx.render(rule, st, extra),
        facts={f: facts[f] for f in rule.facts},
        thresholds=thresholds,
        missing_facts=missing,
        interpretation=interp,
        stage=stage,
    )


def _route(ctx: _Ctx, rule: CompiledRule, st: Status, missing: list[str]) -> RouteResult:
    pack = ctx.pack
    steps = []
    final = None
    for authority, action in rule.steps:
        zh, en = pack.authorities[authority]
        steps.append(
            _make(
                RouteStepResult,
                authority=authority,
                authority_zh=zh,
                authority_en=en,
                action=action,
                action_zh=ACTIONS[action][0],
            )
        )
        if action in ("decide", "approve"):
            final = authority
    assert rule.route is not None
    title_zh, title_en = pack.routes[rule.route]
    return _make(
        RouteResult,
        route=rule.route,
        title=_make(Text, zh=title_zh, en=title_en),
        rule_id=rule.id,
        status=st,
        citation=ctx.refs[rule.id][0],
        also_cites=ctx.refs[rule.id][1],
        steps=steps,
        final_approver=final,
        missing_facts=missing,
    )


def _deadline(
    ctx: _Ctx, rule: CompiledRule, w: bool | None, not_due: bool
) -> tuple[DeadlineResult, bool]:
    """The deadline result and whether an unknown status should count against the outcome."""
    spec = rule.deadline
    assert spec is not None and rule.anchor is not None
    p = ctx.p
    cal = ctx.pack.calendar
    ref = ctx.refs[rule.id][0]
    anchor_value = getattr(p, rule.anchor)
    done_value = getattr(p, rule.done) if rule.done else None
    # The stage of a deadline is the rule's, or else the stage its anchor fact belongs to.
    if not not_due and rule.stage is None and p.stage is not None:
        anchor_stage = ctx.pack._anchor_stage.get(rule.anchor)
        not_due = anchor_stage is not None and p.stage.rank < anchor_stage.rank
    due = earliest = latest = None
    provisional = extended = False
    missing: list[str] = []
    counts = True
    if w is False:
        status = S.not_applicable
    elif w is None:
        status = S.unknown
        missing = rule.when_missing(p)
    elif anchor_value is None:
        status = S.upcoming if not_due else S.unknown
        missing = [rule.anchor]
    else:
        if spec.direction == "within":
            assert spec.period is not None
            r = cal.period_end(
                anchor_value, spec.period.amount, spec.period.unit, extend_rest_day=True
            )
            due, provisional, extended = r.date, r.provisional, r.extended
        elif spec.direction == "at_least":
            assert spec.period is not None
            r = cal.period_end(
                anchor_value, spec.period.amount, spec.period.unit, extend_rest_day=False
            )
            earliest, provisional = r.date, r.provisional
        elif spec.direction == "window":
            assert spec.start is not None and spec.end is not None
            r1 = cal.period_end(
                anchor_value, spec.start.amount, spec.start.unit, extend_rest_day=False
            )
            r2 = cal.period_end(anchor_value, spec.end.amount, spec.end.unit, extend_rest_day=True)
            earliest, latest = r1.date, r2.date
            provisional, extended = r1.provisional or r2.provisional, r2.extended
        else:  # by: a fixed day of a year named by an integer fact
            year = int(anchor_value) + spec.by_offset
            if not 1 <= year <= 9998:
                year = max(1, min(9998, year))
                ctx.warnings.append(f"{rule.id}: year {anchor_value} is out of range")
            last = _pycal.monthrange(year, spec.by_month)[1]
            day = last if spec.by_day == "last" else min(int(spec.by_day), last)
            fixed = date(year, spec.by_month, day)
            working, provisional = cal.is_working_day(fixed)
            if not working:
                # Civil Code Art. 203: a last day on a rest day moves to the next working day.
                r = cal.next_working_day(fixed)
                fixed, provisional, extended = r.date, provisional or r.provisional, True
            due = fixed
        status = _deadline_status(spec.direction, due, earliest, latest, done_value, ctx.as_of)
        if status is S.unknown:
            if rule.done:
                missing = [rule.done]
            else:
                counts = False
        if provisional:
            first, last_year = cal.data_years
            ctx.warnings.append(
                f"{rule.id}: the period runs beyond the official calendar data ({first}–{last_year}); "
                "it was computed with weekdays as working days and is provisional"
            )
    if status is S.upcoming:
        counts = False
    extra = {
        "due": due,
        "earliest": earliest,
        "latest": latest,
        "anchor_date": anchor_value,
        "done_date": done_value,
    }
    interp, used = ctx.refs[rule.id][2:4]
    if used is not None:
        ctx.notes.append(used)
    result = _make(
        DeadlineResult,
        rule_id=rule.id,
        citation=ref,
        status=status,
        message=ctx.render(rule, status, extra),
        anchor=rule.anchor,
        anchor_date=anchor_value if isinstance(anchor_value, date) else None,
        period=ctx.pack._period_text[rule.id],
        due=due,
        earliest=earliest,
        latest=latest,
        done=rule.done,
        done_date=done_value,
        provisional=provisional,
        extended=extended,
        calendar=ctx.pack._calendar_name,
        missing_facts=missing,
        interpretation=interp,
    )
    return result, counts


def _deadline_status(
    direction: str,
    due: date | None,
    earliest: date | None,
    latest: date | None,
    done: date | None,
    as_of: date,
) -> Status:
    if direction in ("within", "by"):
        assert due is not None
        if done is not None:
            return S.met if done <= due else S.missed
        return S.upcoming if as_of <= due else S.unknown
    if direction == "at_least":
        assert earliest is not None
        if done is not None:
            return S.met if done >= earliest else S.missed
        return S.upcoming
    assert earliest is not None and latest is not None
    if done is not None:
        if done < earliest:
            return S.too_early
        return S.met if done <= latest else S.missed
    return S.upcoming if as_of <= latest else S.unknown


def _verdict(
    ctx: _Ctx,
    info: PackInfo,
    applicability: ApplicabilityResult,
    outcome: Outcome,
    findings: list[Finding],
    not_applicable: list[str],
    routes: list[RouteResult],
    deadlines: list[DeadlineResult],
    documents: list[RequiredDocument],
) -> Verdict:
    zh_labels = ctx.pack._fact_zh
    missing = [
        _make(MissingFact, fact=f, zh=zh_labels.get(f, f), rules=rules)
        for f, rules in ctx.missing.items()
    ]
    return _make(
        Verdict,
        pack=info,
        as_of=ctx.as_of,
        in_force=True,
        applicability=applicability,
        outcome=outcome,
        findings=findings,
        not_applicable=not_applicable,
        approval_routes=routes,
        deadlines=deadlines,
        required_documents=documents,
        missing_facts=missing,
        interpretations=ctx.notes,
        warnings=ctx.warnings,
    )


def _not_in_force_warning(pack: CompiledPack, on: date) -> str:
    until = pack.in_force_until
    span = f"from {pack.in_force_from}" + (f" until {until}" if until else "")
    return f"{pack.meta.document.title.en} is in force {span}; it was not in force on {on}"
