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

from .._io.project_files import facts_after, unknown_documents, validate_project
from .._packs.loader import CompiledPack, CompiledRule
from .._packs.schema import ACTIONS
from .._packs.template import MessageTemplate
from .._vocab.compact import finding_row
from .._vocab.project import Project
from .._vocab.verdict import (
    AlternativeReading,
    ApplicabilityResult,
    CitationRef,
    DeadlineResult,
    Finding,
    InterpretationUsed,
    MissingFact,
    Outcome,
    PackInfo,
    ReadingResult,
    RequiredDocument,
    RouteResult,
    RouteStepResult,
    Status,
    Text,
    Verdict,
    with_origin,
)
from .fused import build_status_function
from .origin import EngineOrigin

__all__ = ["evaluate_pack", "validate_project"]

S = Status
_T = TypeVar("_T")


_FIELDS: dict[type, set[str]] = {}


def _make(cls: type[_T], **values: Any) -> _T:
    """Build an output model from values that are already valid (the evaluator made them).

    Skips validation the way ``model_construct`` does, at a third of its cost: verdict
    assembly, not rule matching, dominates a full evaluation.
    """
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    fields = _FIELDS.get(cls)
    if fields is None:
        # One set per output class, shared: every field of an output is always set.
        fields = _FIELDS[cls] = set(cls.model_fields)  # type: ignore[attr-defined]
    object.__setattr__(obj, "__pydantic_fields_set__", fields)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class _Ctx:
    """Per-evaluation scratch state; never shared between calls."""

    __slots__ = ("as_of", "p", "pack", "refs", "warnings")

    def __init__(self, pack: CompiledPack, p: Project, as_of: date) -> None:
        self.pack = pack
        self.p = p
        self.as_of = as_of
        self.warnings: list[str] = []
        self.refs = pack._refs

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
    with_origin(verdict, EngineOrigin(pack, p))
    return verdict


def _evaluate_pack(pack: CompiledPack, p: Project, as_of: date | None) -> Verdict:
    on = as_of or date.today()
    submitted = p.submitted_documents
    if submitted and not pack.documents.keys() >= submitted:
        raise unknown_documents(pack, submitted)
    ctx = _Ctx(pack, p, on)
    ctx.warnings.extend(facts_after(p, on))
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
            readings=[],
            warnings=[_not_in_force_warning(pack, on)],
        )

    # What is decided here: every rule's status, the routes, the deadlines' dates and the
    # outcome. What explains it (findings, messages, missing facts, notes) is recorded as
    # entries and built by _Explain only when the verdict is read for it.
    entries: list[_Entry] = []
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
    for rule in pack._scope:
        v = rule.main_fn(p)
        ref = ctx.refs[rule.id][0]
        scope_all.append(ref)
        if v is True:
            entries.append((rule, S.satisfied, True, True, False, None))
        elif v is False:
            scope_false.append(ref)
            entries.append((rule, S.out_of_scope, True, False, False, None))
        else:
            scope_unknown = True
            for f in rule.main_missing(p):
                if f not in scope_missing:
                    scope_missing.append(f)
            entries.append((rule, S.unknown, True, None, False, None))
    stage_rank = p.stage.rank if p.stage is not None else None
    if scope_false:
        applicability = _make(
            ApplicabilityResult, applies=False, citations=scope_false, missing_facts=[]
        )
        # A duty the text carves back in for projects outside the measures (e.g. one
        # funded by a higher level's allocation) is still checked and reported.
        carried = pack._carried
        outcome = Outcome.not_applicable
        if carried:
            exempted, uncertain = _exemptions(pack, p, entries, not_applicable)
            prohibited, violated, _unknown = _status_loop(
                carried, p, stage_rank, ctx, entries, not_applicable, routes, deadlines, exempted
            )
            if uncertain:
                prohibited, violated, _unknown = _defended(entries, uncertain)
            if prohibited:
                outcome = Outcome.prohibited
            elif violated:
                outcome = Outcome.non_compliant
        return _verdict(
            ctx, info, applicability, outcome, entries, not_applicable, routes, deadlines
        )
    applies: bool | None = None if scope_unknown else True
    applicability = _make(
        ApplicabilityResult, applies=applies, citations=scope_all, missing_facts=scope_missing
    )
    if applies is None:
        counted_unknown = True

    exempted, uncertain = _exemptions(pack, p, entries, not_applicable)
    fused = _fused_for(pack)
    if fused is not None:
        prohibited, violated, unknown = fused(
            p, stage_rank, ctx, entries, not_applicable, routes, deadlines, exempted
        )
    else:
        prohibited, violated, unknown = _status_loop(
            pack._others, p, stage_rank, ctx, entries, not_applicable, routes, deadlines, exempted
        )
    if uncertain:
        prohibited, violated, unknown = _defended(entries, uncertain)
    counted_unknown = counted_unknown or unknown

    if prohibited:
        outcome = Outcome.prohibited
    elif violated:
        outcome = Outcome.non_compliant
    elif counted_unknown:
        outcome = Outcome.needs_information
    else:
        outcome = Outcome.compliant
    return _verdict(ctx, info, applicability, outcome, entries, not_applicable, routes, deadlines)


def _exemptions(
    pack: CompiledPack, p: Project, entries: list[_Entry], not_applicable: list[str]
) -> tuple[frozenset[str], dict[str, CompiledRule]]:
    """The rules an exemption lifts for this project, and those it may lift (unknown).

    An exemption that holds is a finding of its own (status ``exempt``, citing its article)
    and the rules it lifts do not apply. One whose facts are unknown lifts nothing, but a
    breach of a rule it might lift is not a breach until the facts are known.
    """
    if not pack._exemptions:
        return frozenset(), {}
    exempted: set[str] = set()
    uncertain: dict[str, CompiledRule] = {}
    for rule in pack._exemptions:
        w = rule.when_fn(p)
        e = rule.main_fn(p) if w is not False else False
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


def _defended(
    entries: list[_Entry], uncertain: Mapping[str, CompiledRule]
) -> tuple[bool, bool, bool]:
    """Turn breaches of rules an unknown exemption may lift into unknowns; recount."""
    prohibited = violated = unknown = False
    for i, (rule, st, w, m, u, extra) in enumerate(entries):
        if rule.id in uncertain and st is S.violated:
            st = S.unknown
            entries[i] = (rule, st, w, m, u, extra)
        if rule.kind == "deadline":
            if st in (S.missed, S.too_early):
                violated = True
            elif st is S.unknown and m:
                unknown = True
        elif rule.kind in ("scope", "exemption"):
            unknown = unknown or (rule.kind == "scope" and st is S.unknown)
        elif st is S.violated:
            if rule.kind == "prohibition":
                prohibited = True
            else:
                violated = True
        elif st is S.unknown:
            unknown = True
    return prohibited, violated, unknown


# One evaluated rule: (rule, status, when, main, unless, extra). ``extra`` is the list of
# lacking documents for a documents rule and the DeadlineResult for a deadline rule.
_Entry = tuple[CompiledRule, Status, Any, Any, Any, Any]


def _required_document(
    pack: CompiledPack,
    rule_id: str,
    ref: CitationRef,
    d: str | tuple[str, ...],
    submitted: frozenset[str] | None,
) -> RequiredDocument:
    if isinstance(d, str):
        zh, en = pack.documents[d]
        return _make(
            RequiredDocument,
            id=d,
            zh=zh,
            en=en,
            rule_id=rule_id,
            citation=ref,
            submitted=None if submitted is None else d in submitted,
            alternatives=[],
        )
    # One requirement that any of several documents meets ("A或者B").
    return _make(
        RequiredDocument,
        id=d[0],
        zh="或".join(pack.documents[x][0] for x in d),
        en=" or ".join(pack.documents[x][1] for x in d),
        rule_id=rule_id,
        citation=ref,
        submitted=None if submitted is None else not submitted.isdisjoint(d),
        alternatives=list(d),
    )


def _readings(ctx: _Ctx, entries: list[_Entry]) -> list[AlternativeReading]:
    """Rules whose other plausible reading decides otherwise for this project."""
    out: list[AlternativeReading] = []
    # The alternative is evaluated on a context of its own: its warnings are not the
    # verdict's (the verdict follows the pack's reading).
    scratch = _Ctx(ctx.pack, ctx.p, ctx.as_of)
    stage_rank = ctx.p.stage.rank if ctx.p.stage is not None else None
    for rule, st, _w, _m, _u, extra in entries:
        alt = rule.alternative
        if alt is None:
            continue
        alt_entries: list[_Entry] = []
        alt_deadlines: list[DeadlineResult] = []
        if alt.kind == "scope":
            v = alt.main_fn(ctx.p)
            scope_st = S.satisfied if v is True else S.out_of_scope if v is False else S.unknown
            alt_entries.append((alt, scope_st, True, v, False, None))
        else:
            _status_loop((alt,), ctx.p, stage_rank, scratch, alt_entries, [], [], alt_deadlines)
        chosen = _reading(st, extra)
        if alt_entries:
            other = _reading(alt_entries[0][1], alt_entries[0][5])
        else:
            other = _make(
                ReadingResult, status=S.not_applicable, due=None, earliest=None, latest=None
            )
        if other != chosen:
            note = rule.alternative_note or ("", "")
            out.append(
                _make(
                    AlternativeReading,
                    rule_id=rule.id,
                    citation=ctx.refs[rule.id][0],
                    note=_make(Text, zh=note[0], en=note[1]),
                    chosen=chosen,
                    alternative=other,
                )
            )
    return out


def _reading(st: Status, extra: Any) -> ReadingResult:
    if isinstance(extra, DeadlineResult):
        return _make(
            ReadingResult, status=st, due=extra.due, earliest=extra.earliest, latest=extra.latest
        )
    return _make(ReadingResult, status=st, due=None, earliest=None, latest=None)


class _Explain:
    """Builds a verdict's explanatory parts from its entries, on first read.

    Building twice (two threads reading one verdict at once) gives equal results; each
    build works on its own lists and publishes them with one assignment.
    """

    __slots__ = ("built", "ctx", "entries", "rows")

    def __init__(self, ctx: _Ctx, entries: list[_Entry]) -> None:
        self.ctx = ctx
        self.entries = entries
        self.built: dict[str, Any] | None = None
        self.rows: list[tuple[CompiledRule, Status, list[str], Any]] | None = None

    def __call__(self, name: str) -> Any:
        built = self.built
        if built is None:
            built = self.built = self._build()
        if name == "findings":
            return self._findings(built["_rows"])
        return built[name]

    def compact_findings(self) -> list[dict[str, Any]]:
        """The findings as compact rows (no messages): see :mod:`govit_rules._vocab.compact`."""
        built = self.built
        if built is None:
            built = self.built = self._build()
        facts = self.ctx.p.__dict__
        return [
            finding_row(rule.id, st.value, miss, {f: facts[f] for f in rule.facts})
            for rule, st, miss, _extra in built["_rows"]
        ]

    def _findings(self, rows: list[tuple[CompiledRule, Status, list[str], Any]]) -> list[Finding]:
        ctx = self.ctx
        out = []
        for rule, st, miss, extra in rows:
            if rule.kind == "documents":
                out.append(_finding(ctx, rule, st, miss, {"missing_documents": extra or []}))
            else:
                out.append(_finding(ctx, rule, st, miss))
        return out

    def _build(self) -> dict[str, Any]:
        ctx, p, pack = self.ctx, self.ctx.p, self.ctx.pack
        rows: list[tuple[CompiledRule, Status, list[str], Any]] = []
        documents: list[RequiredDocument] = []
        notes: list[InterpretationUsed] = []
        missing: dict[str, list[str]] = {}

        def add_missing(rule: CompiledRule, facts: list[str]) -> None:
            for f in facts:
                lst = missing.setdefault(f, [])
                if rule.id not in lst:
                    lst.append(rule.id)

        for rule, st, w, m, u, extra in self.entries:
            kind = rule.kind
            used = ctx.refs[rule.id][3]
            if used is not None:
                notes.append(used)
            if kind == "deadline":
                if extra.status is S.unknown and m:
                    add_missing(rule, extra.missing_facts)
                continue
            if kind == "scope":
                miss = rule.main_missing(p) if st is S.unknown else []
                add_missing(rule, miss)
            elif kind == "route":
                miss = rule.when_missing(p) if st is S.unknown else []
                add_missing(rule, miss)
            else:
                miss = _missing_for(rule, p, st, w, m, u)
                if kind == "prohibition" and st is S.violated and u is None:
                    # The facts that would establish the exception (and lift the prohibition).
                    miss = rule.unless_missing(p)
                    add_missing(rule, miss)
                if (
                    kind == "documents"
                    and extra is None
                    and st is S.unknown
                    and "submitted_documents" not in miss
                ):
                    miss.append("submitted_documents")
                if st is S.unknown:
                    add_missing(rule, miss)
            if (
                kind == "obligation"
                and st is S.unknown
                and rule.limit is not None
                and w is True
                and m is False
                and getattr(p, rule.limit) is None
            ):
                miss = [rule.limit]
                add_missing(rule, miss)
            if kind == "documents" and w is True:
                submitted = p.submitted_documents
                ref = ctx.refs[rule.id][0]
                for d in rule.documents:
                    documents.append(_required_document(pack, rule.id, ref, d, submitted))
            rows.append((rule, st, miss, extra))
        zh_labels = pack._fact_zh
        return {
            "readings": _readings(ctx, self.entries),
            "_rows": rows,
            "required_documents": documents,
            "interpretations": notes,
            "missing_facts": [
                _make(MissingFact, fact=f, zh=zh_labels.get(f, f), rules=rules)
                for f, rules in missing.items()
            ],
        }


def _status_loop(
    rules: tuple[CompiledRule, ...],
    p: Project,
    stage_rank: int | None,
    ctx: _Ctx,
    entries: list[_Entry],
    not_applicable: list[str],
    routes: list[RouteResult],
    deadlines: list[DeadlineResult],
    exempted: frozenset[str] = frozenset(),
) -> tuple[bool, bool, bool]:
    """Every rule's status, one rule at a time.

    The reference for the fused function (:mod:`govit_rules._engine.fused`), and the path of
    engines that decide conditions their own way (the Rete engine).
    """
    prohibited = violated = counted_unknown = False
    pack = ctx.pack
    for rule in rules:
        kind = rule.kind
        not_due = stage_rank is not None and stage_rank < rule.stage_rank
        if rule.id in exempted:
            not_applicable.append(rule.id)
            continue
        w = rule.when_fn(p)
        if w is False:
            not_applicable.append(rule.id)
            continue
        if kind == "prohibition":
            m = rule.main_fn(p)
            u = rule.unless_fn(p) if rule.unless_fn is not None else False
            # An exception is a defence: it lifts the prohibition only when the project
            # establishes it, as whoever invokes "…的除外" must show it applies. A project
            # known to be before the rule's stage has not yet taken the step it bars.
            if m is False or u is True or not_due:
                st = S.satisfied
            elif m is True and w is True:
                st = S.violated
                prohibited = True
            else:
                st = S.unknown
                counted_unknown = True
            entries.append((rule, st, w, m, u, None))
        elif kind == "obligation":
            r = rule.main_fn(p)
            if r is True:
                st = S.satisfied
            elif not_due:
                st = S.required
            elif w is None or r is None:
                st = S.unknown
                counted_unknown = True
            elif rule.limit is not None:
                # A duty to be met within a time limit (限期整改) is due until the limit.
                limit = getattr(p, rule.limit)
                if limit is None:
                    st = S.unknown
                    counted_unknown = True
                elif ctx.as_of <= limit:
                    st = S.required
                else:
                    st = S.violated
                    violated = True
            else:
                st = S.violated
                violated = True
            entries.append((rule, st, w, r, False, None))
        elif kind == "documents":
            submitted = p.submitted_documents
            lacking = None if submitted is None else lacking_documents(rule.documents, submitted)
            if lacking == []:
                st = S.satisfied
            elif not_due:
                st = S.required
            elif w is None or lacking is None:
                st = S.unknown
                counted_unknown = True
            else:
                st = S.violated
                violated = True
            entries.append((rule, st, w, True, False, lacking))
        elif kind == "route":
            if w is True:
                routes.append(_route(pack, rule))
                entries.append((rule, S.required, w, True, False, None))
            else:
                counted_unknown = True
                entries.append((rule, S.unknown, w, True, False, None))
        elif kind == "deadline":
            result, counts = _deadline(ctx, rule, w, not_due)
            deadlines.append(result)
            entries.append((rule, result.status, w, counts, False, result))
            if result.status in (S.missed, S.too_early):
                violated = True
            elif result.status is S.unknown and counts:
                counted_unknown = True
        else:  # pragma: no cover - the loader admits no other kind
            raise AssertionError(kind)

    return prohibited, violated, counted_unknown


def lacking_documents(
    documents: tuple[str | tuple[str, ...], ...], submitted: frozenset[str]
) -> list[str]:
    """The required documents not submitted; a choice is lacking when none of it is in."""
    out = []
    for d in documents:
        if isinstance(d, str):
            if d not in submitted:
                out.append(d)
        elif submitted.isdisjoint(d):
            out.append("|".join(d))
    return out


def _fused_for(pack: CompiledPack) -> Any:
    """The pack's fused status function, generated on first use (None for engine shims).

    An engine that swaps the rules' condition functions (the Rete engine) gets a pack whose
    rule tuple is another object: the cached function only serves the tuple it was made for.
    """
    cache = pack._engine_cache
    entry = cache.get("_fused")
    if entry is not None and entry[0] is pack._others:
        return entry[1]
    if entry is not None or not all(_plain_fn(r) for r in pack._others):
        return None
    fn = build_status_function(
        pack._others,
        exemptable=frozenset(t for r in pack._exemptions for t in r.exempts),
        lacking=lacking_documents,
        satisfied=S.satisfied,
        violated=S.violated,
        required=S.required,
        unknown=S.unknown,
        route=_route,
        deadline=_deadline,
        filename=f"<rulepack {pack.id}: status loop>",
    )
    cache["_fused"] = (pack._others, fn)
    return fn


def _plain_fn(rule: CompiledRule) -> bool:
    # The pack's own compiled functions carry the pack module's name in their code object.
    code = getattr(rule.when_fn, "__code__", None)
    return code is not None and code.co_filename.startswith("<rulepack ")


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
    ref, also, interp, _used, thresholds, stage = ctx.refs[rule.id]
    facts = ctx.p.__dict__
    return _make(
        Finding,
        rule_id=rule.id,
        kind=rule.kind,
        status=st,
        citation=ref,
        also_cites=also,
        message=ctx.render(rule, st, extra),
        # Set-valued facts as sorted lists: the same verdict gives the same bytes in every
        # process, whatever the string hash seed (and JSON needs no serializer per finding).
        facts={f: sorted(v) if isinstance(v := facts[f], frozenset) else v for f in rule.facts},
        thresholds=thresholds,
        missing_facts=missing,
        interpretation=interp,
        stage=stage,
    )


def route_of(pack: CompiledPack, rule: CompiledRule) -> RouteResult:
    """The route a route rule prescribes, as verdicts show it."""
    return _route(pack, rule)


def _route(pack: CompiledPack, rule: CompiledRule) -> RouteResult:
    """The route a rule prescribes; it never depends on the project, so it is built once."""
    cache = pack._engine_cache
    cached = cache.get(rule.id)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
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
    result = _make(
        RouteResult,
        route=rule.route,
        title=_make(Text, zh=title_zh, en=title_en),
        rule_id=rule.id,
        status=S.required,
        citation=pack._refs[rule.id][0],
        also_cites=pack._refs[rule.id][1],
        steps=steps,
        final_approver=final,
        missing_facts=[],
    )
    cache[rule.id] = result
    return result


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
        try:
            due, earliest, latest, provisional, extended = _dates(ctx, rule, anchor_value)
        except (OverflowError, ValueError):
            # The period would end after 9999-12-31: no calendar date can be its last day.
            ctx.warnings.append(
                f"{rule.id}: the period from {rule.anchor} = {anchor_value} ends beyond "
                "9999-12-31; its deadline is out of range and was not computed"
            )
            status, counts = S.unknown, False
        else:
            status = _deadline_status(spec.direction, due, earliest, latest, done_value, ctx.as_of)
            if done_value is None and rule.shown_by and earliest is not None:
                # A later step taken before the period could have ended proves it was cut
                # short, even when the period's own end is not given.
                later = [d for d in (getattr(p, f) for f in rule.shown_by) if d is not None]
                if later and min(later) < earliest:
                    status = _deadline_status(
                        spec.direction, due, earliest, latest, min(later), ctx.as_of
                    )
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
    interp = ctx.refs[rule.id][2]
    result = _make(
        DeadlineResult,
        rule_id=rule.id,
        citation=ref,
        also_cites=ctx.refs[rule.id][1],
        status=status,
        anchor=rule.anchor,
        anchor_date=anchor_value if isinstance(anchor_value, date) else None,
        anchor_year=anchor_value if isinstance(anchor_value, int) else None,
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
    # The message is rendered when first read.
    object.__setattr__(
        result, "__pydantic_private__", {"_build": lambda _name: ctx.render(rule, status, extra)}
    )
    return result, counts


_Dates = tuple[date | None, date | None, date | None, bool, bool]


def _dates(ctx: _Ctx, rule: CompiledRule, anchor_value: Any) -> _Dates:
    """``(due, earliest, latest, provisional, extended)`` of a deadline from its anchor.

    Raises OverflowError or ValueError when a period would end after 9999-12-31.
    """
    spec = rule.deadline
    assert spec is not None
    cal = ctx.pack.calendar
    due = earliest = latest = None
    provisional = extended = False
    if spec.direction == "within":
        assert spec.period is not None
        r = cal.period_end(anchor_value, spec.period.amount, spec.period.unit, extend_rest_day=True)
        due, provisional, extended = r.date, r.provisional, r.extended
    elif spec.direction == "at_least":
        assert spec.period is not None
        r = cal.period_end(
            anchor_value, spec.period.amount, spec.period.unit, extend_rest_day=False
        )
        earliest, provisional = r.date, r.provisional
    elif spec.direction == "window":
        assert spec.start is not None and spec.end is not None
        r1 = cal.period_end(anchor_value, spec.start.amount, spec.start.unit, extend_rest_day=False)
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
    return due, earliest, latest, provisional, extended


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
    entries: list[_Entry],
    not_applicable: list[str],
    routes: list[RouteResult],
    deadlines: list[DeadlineResult],
) -> Verdict:
    verdict = _make(
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
    object.__setattr__(verdict, "__pydantic_private__", {"_build": _Explain(ctx, entries)})
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
    refs = pack._refs
    by_key = {_cite_key(refs[r.id][0]): refs[r.id][0] for r in pack._scope}
    rebuild = _Reevaluate(pack, project, on)
    routes = [_route(pack, pack.rule(rid)) for rid in route_ids]
    deadlines = []
    for rid, status, anchor_date, year, due, earliest, latest, done_date, prov, ext, miss in dls:
        rule = pack.rule(rid)
        d = _make(
            DeadlineResult,
            rule_id=rid,
            citation=refs[rid][0],
            also_cites=refs[rid][1],
            status=S(status),
            anchor=rule.anchor,
            anchor_date=anchor_date,
            anchor_year=year,
            period=pack._period_text[rid],
            due=due,
            earliest=earliest,
            latest=latest,
            done=rule.done,
            done_date=done_date,
            provisional=prov,
            extended=ext,
            calendar=pack._calendar_name,
            missing_facts=miss,
            interpretation=refs[rid][2],
        )
        object.__setattr__(
            d,
            "__pydantic_private__",
            {"_build": lambda _n, rid=rid: rebuild.verdict().deadline(rid).message},
        )
        deadlines.append(d)
    values: dict[str, Any] = {
        "pack": pack._info,
        "as_of": on,
        "in_force": in_force,
        "applicability": _make(
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
        return _make(Verdict, **values)
    verdict = _make(Verdict, **values)
    object.__setattr__(verdict, "__pydantic_private__", {"_build": rebuild})
    return verdict
