"""The compiled pack: what loading produces and every engine and tool reads.

Owns :class:`CompiledRule`, :class:`ArticleInfo` and :class:`CompiledPack` with its public,
read-only tables (the rules by kind, each rule's fixed finding parts, static messages,
period texts, fact labels), built once when the pack is loaded so that evaluation only
looks them up. A compiled pack is immutable apart from the engines' memo
(:attr:`CompiledPack.engine_cache`), and safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from .._lang.clock import Clock
from .._lang.conditions import Cond
from .._law.calendar import WorkdayCalendar
from .._law.citation import Citation
from .._vocab.project import Project, Stage
from .._vocab.verdict import (
    CitationRef,
    InterpretationUsed,
    PackInfo,
    RouteResult,
    RouteStepResult,
    Status,
    Text,
    make,
)
from .kinds import RuleKind
from .kinds.deadline import DeadlineSpec
from .schema import ACTIONS, PackFile
from .template import MessageTemplate

if TYPE_CHECKING:
    from .._vocab.verdict import Verdict

__all__ = ["ArticleInfo", "CompiledPack", "CompiledRule", "EngineMemo", "FixedParts"]

# A compiled condition: the project and the evaluation's clock (its date, and the calendar
# periods count on) in, true, false or None (unknown) out.
CondFn = Callable[[Project, Clock], "bool | None"]
# The facts that would decide a condition that is unknown for the project.
MissingFn = Callable[[Project, Clock], list[str]]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """One rule, checked and compiled: plain data plus compiled condition functions."""

    id: str
    kind: str
    kind_def: RuleKind  # the kind's module object: what engines dispatch on
    citation: Citation
    also: tuple[Citation, ...]
    message_zh: MessageTemplate | str
    message_en: MessageTemplate | str
    interpretation: tuple[str, str] | None
    stage: Stage | None
    when: Cond
    main: Cond  # in_scope_if / prohibits / requires / exempt_if; TrueCond for others
    unless: Cond | None
    when_fn: CondFn
    main_fn: CondFn
    unless_fn: CondFn | None
    when_missing: MissingFn
    main_missing: MissingFn
    unless_missing: MissingFn | None
    facts: tuple[str, ...]
    thresholds: tuple[str, ...]
    # documents: each entry one id, or a tuple of ids any one of which satisfies it
    documents: tuple[str | tuple[str, ...], ...] = ()
    route: str | None = None
    steps: tuple[tuple[str, str], ...] = ()
    step_to: tuple[str | None, ...] = ()  # each step's addressee (``to``), or None
    anchor: str | None = None
    done: str | None = None
    deadline: DeadlineSpec | None = None
    source: str = ""
    template_vars: frozenset[str] = frozenset()
    stage_rank: int = -1  # rank of ``stage``; -1 when the duty is due at every stage
    exempts: tuple[str, ...] = ()  # exemption: the rules whose duty it lifts
    limit: str | None = None  # obligation: the date fact until which the duty is only due
    shown_by: tuple[str, ...] = ()  # deadline: later events whose dates prove the period cut
    despite_scope: bool = False  # evaluated even for a project outside the measures' scope
    alternative: CompiledRule | None = None  # the other plausible reading, if the pack names one
    alternative_note: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    article: int
    chapter: int | None
    title_zh: str
    title_en: str
    paragraphs: int
    items: Mapping[int, int]
    not_checkable: str | None
    damaged: str | None
    rules: tuple[str, ...]
    unknown_text: str | None = None

    def has(self, c: Citation) -> bool:
        if c.paragraph is not None and c.paragraph > self.paragraphs:
            return False
        if c.item is not None:
            para = c.paragraph if c.paragraph is not None else 1
            if c.paragraph is None and self.paragraphs > 1 and not self.items.get(1):
                return False
            if c.item > self.items.get(para, 0):
                return False
        return True


class FixedParts(NamedTuple):
    """The parts of a rule's findings that never change between projects, built once.

    Output models are immutable, so one instance serves every verdict.
    """

    citation: CitationRef
    also: list[CitationRef]
    interpretation: Text | None
    used: InterpretationUsed | None  # the note as the verdict's interpretations list it
    thresholds: list[str]
    stage: str | None


@dataclass(eq=False)
class EngineMemo:
    """What the engines build once per pack on first use, never depending on a project."""

    routes: dict[str, RouteResult] = field(default_factory=dict)  # by route rule id
    # The fused status function (see _engine/fused.py).
    fused: Callable[..., tuple[bool, bool, bool]] | None = None


# A rule's message when it has no placeholders (else None), and the names it shows.
StaticMessage = tuple[Text | None, frozenset[str]]


@dataclass(frozen=True, eq=False)
class CompiledPack:
    """A loaded rule pack: immutable, compiled once, evaluated many times."""

    id: str
    version: str
    path: Path
    content_hash: str
    meta: PackFile
    articles: Mapping[int, ArticleInfo]
    chapters: Mapping[int, tuple[str, str]]
    rules: tuple[CompiledRule, ...]
    authorities: Mapping[str, tuple[str, str]]
    documents: Mapping[str, tuple[str, str]]
    routes: Mapping[str, tuple[str, str]]
    calendar: WorkdayCalendar
    warnings: tuple[str, ...]
    info: PackInfo
    load_ms: float = 0.0
    # Why the article index is known to be incomplete (``incomplete:`` in articles.yaml).
    index_incomplete: str | None = None
    # The shipped project model, or that model plus the pack's own facts (its facts.yaml).
    project_model: type[Project] = Project
    by_id: Mapping[str, CompiledRule] = field(default_factory=dict)
    # The rules by their part in an evaluation, in pack order: scope rules first, then the
    # exemptions, then the checked rules (duties, routes, deadlines) whose status the loop
    # decides; the carried rules are the checked ones evaluated even outside the scope.
    scope_rules: tuple[CompiledRule, ...] = ()
    exemption_rules: tuple[CompiledRule, ...] = ()
    checked_rules: tuple[CompiledRule, ...] = ()
    carried_rules: tuple[CompiledRule, ...] = ()
    # Per rule id (alternative readings included): its fixed finding parts, its static
    # message and, for a deadline, how its period reads.
    fixed: Mapping[str, FixedParts] = field(default_factory=dict)
    messages: Mapping[str, StaticMessage] = field(default_factory=dict)
    period_texts: Mapping[str, str] = field(default_factory=dict)
    # The stage each date fact belongs to, the zh label of every fact, the calendar's name.
    anchor_stage: Mapping[str, Stage] = field(default_factory=dict)
    fact_zh: Mapping[str, str] = field(default_factory=dict)
    calendar_name: str = ""
    # The engines' memo, filled on first use (the one part of a compiled pack that changes).
    engine_cache: EngineMemo = field(default_factory=EngineMemo)

    @property
    def jurisdiction(self) -> str:
        return self.meta.jurisdiction.id

    @property
    def in_force_from(self) -> date:
        return self.meta.document.in_force_from

    @property
    def in_force_until(self) -> date | None:
        return self.meta.document.in_force_until

    def in_force(self, on: date) -> bool:
        until = self.in_force_until
        return self.in_force_from <= on and (until is None or on <= until)

    def rule(self, rule_id: str) -> CompiledRule:
        return self.by_id[rule_id]

    def rules_citing(self, citation: Citation) -> list[CompiledRule]:
        return [r for r in self.rules if any(c.within(citation) for c in (r.citation, *r.also))]

    # -- what the engines and tools read of a compiled pack ------------------------------

    def fixed_parts(self, rule_id: str) -> FixedParts:
        """(citation, also-cited, interpretation, note, thresholds, stage) of a rule's findings."""
        return self.fixed[rule_id]

    def period_text(self, rule_id: str) -> str:
        """How a deadline rule's period reads (``within 30 working days`` …)."""
        return self.period_texts[rule_id]

    def fact_labels(self) -> Mapping[str, str]:
        """The zh label of every project fact."""
        return self.fact_zh

    def route_result(self, rule_id: str) -> RouteResult:
        """The route a route rule prescribes (steps, final approver), as in verdicts.

        It never depends on the project, so it is built once per pack and shared.
        """
        cache = self.engine_cache.routes
        cached = cache.get(rule_id)
        if cached is not None:
            return cached
        rule = self.by_id[rule_id]
        steps = []
        final = filed = None
        addressees = rule.step_to or (None,) * len(rule.steps)
        for (authority, action), to in zip(rule.steps, addressees, strict=True):
            zh, en = self.authorities[authority]
            to_zh, to_en = self.authorities[to] if to is not None else (None, None)
            steps.append(
                make(
                    RouteStepResult,
                    authority=authority,
                    authority_zh=zh,
                    authority_en=en,
                    action=action,
                    action_zh=ACTIONS[action][0],
                    to=to,
                    to_zh=to_zh,
                    to_en=to_en,
                )
            )
            if action in ("decide", "approve"):
                final = authority
            elif action == "file":
                # The body that keeps the filing: the step's addressee, or (in steps that
                # name no addressee) the authority the pack names for the filing.
                filed = to or authority
        assert rule.route is not None
        title_zh, title_en = self.routes[rule.route]
        result = make(
            RouteResult,
            route=rule.route,
            title=make(Text, zh=title_zh, en=title_en),
            rule_id=rule.id,
            status=Status.required,
            citation=self.fixed[rule.id][0],
            also_cites=self.fixed[rule.id][1],
            steps=steps,
            final_approver=final,
            filed_with=filed if final is None else None,
            missing_facts=[],
        )
        cache[rule.id] = result
        return result

    def message_sources(self) -> dict[str, tuple[str, str]]:
        """Each rule's message (zh, en) as written in the pack, placeholders included."""
        return {
            r.id: tuple(  # type: ignore[misc]
                m if isinstance(m, str) else m.source for m in (r.message_zh, r.message_en)
            )
            for r in self.rules
        }

    def texts(self) -> dict[str, Any]:
        """The fixed texts compact verdicts refer to (``Verdict.to_json(compact=True)``)."""
        from .._vocab.compact import pack_texts

        return pack_texts(self, self.message_sources())

    def evaluate(self, project: Project | Mapping[str, Any], as_of: date | None = None) -> Verdict:
        """Evaluate one project (see :func:`govit_rules.evaluate`)."""
        from .._engine.evaluate import evaluate_pack

        return evaluate_pack(self, project, as_of)

    def __repr__(self) -> str:
        return (
            f"<CompiledPack {self.id} {self.version} ({len(self.rules)} rules, "
            f"{len(self.articles)} articles, {self.content_hash})>"
        )


def assemble(
    *,
    root: Path,
    meta: PackFile,
    content_hash: str,
    articles: Mapping[int, ArticleInfo],
    chapters: Mapping[int, tuple[str, str]],
    rules: Sequence[CompiledRule],
    authorities: Mapping[str, tuple[str, str]],
    documents: Mapping[str, tuple[str, str]],
    routes: Mapping[str, tuple[str, str]],
    calendar: WorkdayCalendar,
    warnings: Sequence[str],
    load_ms: float,
    index_incomplete: str | None = None,
    project_model: type[Project] = Project,
) -> CompiledPack:
    """The compiled pack of checked, compiled rules, its lookup tables built once."""
    # A rule's alternative reading is evaluated like a rule, so its fixed parts are kept too.
    with_alternatives = [*rules, *(r.alternative for r in rules if r.alternative is not None)]
    return CompiledPack(
        id=meta.pack,
        version=meta.version,
        path=root,
        content_hash=content_hash,
        meta=meta,
        articles=MappingProxyType(dict(articles)),
        chapters=MappingProxyType(dict(chapters)),
        rules=tuple(rules),
        authorities=MappingProxyType(dict(authorities)),
        documents=MappingProxyType(dict(documents)),
        routes=MappingProxyType(dict(routes)),
        calendar=calendar,
        warnings=tuple(warnings),
        info=_pack_info(meta, content_hash),
        load_ms=load_ms,
        index_incomplete=index_incomplete,
        project_model=project_model,
        by_id=MappingProxyType({r.id: r for r in rules}),
        scope_rules=tuple(r for r in rules if r.kind_def.name == "scope"),
        exemption_rules=tuple(r for r in rules if r.kind_def.name == "exemption"),
        checked_rules=tuple(r for r in rules if r.kind_def.checked),
        carried_rules=tuple(r for r in rules if r.despite_scope and r.kind_def.checked),
        fixed=MappingProxyType({r.id: _fixed_parts(meta.pack, r) for r in with_alternatives}),
        messages=MappingProxyType({r.id: _static_message(r) for r in with_alternatives}),
        period_texts=MappingProxyType(
            {r.id: r.deadline.describe() for r in with_alternatives if r.deadline is not None}
        ),
        anchor_stage=MappingProxyType(_anchor_stages(project_model)),
        fact_zh=MappingProxyType(
            {n: _zh_label(n, f.json_schema_extra) for n, f in project_model.model_fields.items()}
        ),
        calendar_name=calendar.name,
    )


def _fixed_parts(document: str, rule: CompiledRule) -> FixedParts:
    ref = _ref(document, rule.citation)
    also = [_ref(document, c) for c in rule.also]
    interp = used = None
    if rule.interpretation is not None:
        interp = Text(zh=rule.interpretation[0], en=rule.interpretation[1])
        used = InterpretationUsed(rule_id=rule.id, citation=ref, note=interp)
    stage = rule.stage.value if rule.stage is not None else None
    return FixedParts(ref, also, interp, used, list(rule.thresholds), stage)


def _ref(document: str, c: Citation) -> CitationRef:
    return CitationRef(
        document=document,
        article=c.article,
        paragraph=c.paragraph,
        item=c.item,
        sub_item=c.sub_item,
        zh=c.zh(),
        en=c.en(),
    )


def _static_message(rule: CompiledRule) -> StaticMessage:
    if isinstance(rule.message_zh, str) and isinstance(rule.message_en, str):
        return Text(zh=rule.message_zh, en=rule.message_en), frozenset()
    return None, rule.template_vars


def _pack_info(meta: PackFile, content_hash: str) -> PackInfo:
    return PackInfo(
        id=meta.pack,
        version=meta.version,
        content_hash=content_hash,
        jurisdiction=meta.jurisdiction.id,
        title=Text(zh=meta.document.title.zh, en=meta.document.title.en),
        document_number=meta.document.number,
    )


def _zh_label(name: str, extra: Any) -> str:
    return str(extra.get("zh", name)) if isinstance(extra, dict) else name


def _anchor_stages(model: type[Project]) -> dict[str, Stage]:
    out: dict[str, Stage] = {}
    for name, f in model.model_fields.items():
        extra = f.json_schema_extra
        if isinstance(extra, dict) and "stage" in extra:
            out[name] = Stage(str(extra["stage"]))
    return out
