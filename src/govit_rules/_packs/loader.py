"""Loading a rule pack: named stages from YAML files to an immutable compiled pack.

Owns the pipeline ``parse → shape → resolve → typecheck → cite → compile`` and the
:class:`CompiledPack` it produces. Every stage collects located problems; the load fails
once, at the end, with all of them (:class:`~govit_rules.errors.PackError`). A compiled
pack is immutable, holds no global state and is safe to share between threads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from .._io.yaml import LocDict, load_yaml_cached, locate
from .._lang.conditions import (
    MAX_NODES,
    Cond,
    ConditionCompiler,
    ConditionParser,
    FactRef,
    Known,
    Test,
    TrueCond,
    clip,
    describe_test,
    expanded_size,
    fact_types,
    facts_of,
    tests_of,
)
from .._law.calendar import WorkdayCalendar
from .._law.citation import Citation
from .._vocab.project import Project, Stage
from ..errors import PackError, PackNotFoundError, Problem
from .schema import (
    ArticlesFile,
    ArticleSpec,
    PackFile,
    PeriodSpec,
    RulesFile,
    RuleSpec,
)
from .template import MessageTemplate, TemplateSyntaxError

__all__ = ["MAIN_KEY", "ArticleInfo", "CompiledPack", "CompiledRule", "DeadlineSpec", "load_pack"]

# The largest shipped pack file is 16 KB; a pack file above this is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000

_KIND_KEYS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required keys, allowed optional keys) beyond the common ones
    "scope": ({"in_scope_if"}, set()),
    "prohibition": ({"prohibits"}, {"unless", "when", "stage"}),
    "obligation": ({"requires"}, {"when", "stage", "limit"}),
    "documents": ({"documents"}, {"when", "stage"}),
    "route": ({"route", "steps"}, {"when"}),
    "deadline": (
        set(),
        {"anchor", "when", "stage", "within", "at_least", "window", "by", "done", "shown_by"},
    ),
    "exemption": ({"exempt_if", "exempts"}, {"when"}),
}
# The key that holds each kind's main condition (the others have none but ``when``): the
# one table every tool reads, so a new kind is named here once.
MAIN_KEY: dict[str, str] = {
    "scope": "in_scope_if",
    "prohibition": "prohibits",
    "obligation": "requires",
    "exemption": "exempt_if",
}
_COMMON = {
    "id",
    "kind",
    "cite",
    "also_cite",
    "title",
    "message",
    "interpretation",
    "despite_scope",
    "alternative",
}
_KIND_SPECIFIC = {k for req, opt in _KIND_KEYS.values() for k in req | opt}


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """A compiled deadline: its direction and periods."""

    direction: str  # within | at_least | window | by
    period: PeriodSpec | None = None
    start: PeriodSpec | None = None
    end: PeriodSpec | None = None
    by_month: int = 0
    by_day: int | str = "last"
    by_offset: int = 0

    def describe(self) -> str:
        if self.direction == "window" and self.start and self.end:
            return f"between {self.start.describe()} and {self.end.describe()}"
        if self.direction == "by":
            day = "last day" if self.by_day == "last" else f"day {self.by_day}"
            return f"by month {self.by_month} {day}, year {self.by_offset:+d}"
        assert self.period is not None
        return f"{self.direction.replace('_', ' ')} {self.period.describe()}"


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """One rule, checked and compiled: plain data plus compiled condition functions."""

    id: str
    kind: str
    citation: Citation
    also: tuple[Citation, ...]
    message_zh: MessageTemplate | str
    message_en: MessageTemplate | str
    interpretation: tuple[str, str] | None
    stage: Stage | None
    when: Cond
    main: Cond  # in_scope_if / prohibits / requires; TrueCond for others
    unless: Cond | None
    when_fn: Any
    main_fn: Any
    unless_fn: Any
    when_missing: Any
    main_missing: Any
    unless_missing: Any
    facts: tuple[str, ...]
    thresholds: tuple[str, ...]
    documents: tuple[str, ...] = ()
    route: str | None = None
    steps: tuple[tuple[str, str], ...] = ()
    anchor: str | None = None
    done: str | None = None
    deadline: DeadlineSpec | None = None
    source: str = ""
    template_vars: frozenset[str] = frozenset()
    stage_rank: int = -1  # rank of ``stage``; -1 when the duty is due at every stage
    # documents: each entry one id, or a tuple of ids any one of which satisfies it
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
    load_ms: float = 0.0
    # Why the article index is known to be incomplete (``incomplete:`` in articles.yaml).
    index_incomplete: str | None = None
    _by_id: Mapping[str, CompiledRule] = field(default_factory=dict)
    # Precomputed once for the evaluator's hot path.
    _refs: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    _info: Any = None
    _scope: tuple[CompiledRule, ...] = ()
    _others: tuple[CompiledRule, ...] = ()
    _exemptions: tuple[CompiledRule, ...] = ()
    _carried: tuple[CompiledRule, ...] = ()  # rules checked even outside the scope
    _anchor_stage: Mapping[str, Stage] = field(default_factory=dict)
    _fact_zh: Mapping[str, str] = field(default_factory=dict)
    _messages: Mapping[str, tuple[Any, frozenset[str]]] = field(default_factory=dict)
    _period_text: Mapping[str, str] = field(default_factory=dict)
    _calendar_name: str = ""
    # Filled by the evaluator on first use: results that never depend on the project and
    # the fused status function.
    _engine_cache: dict[str, Any] = field(default_factory=dict)

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
        return self._by_id[rule_id]

    def rules_citing(self, citation: Citation) -> list[CompiledRule]:
        return [r for r in self.rules if any(c.within(citation) for c in (r.citation, *r.also))]

    # -- what the engines and tools read of a compiled pack ------------------------------

    def fixed_parts(self, rule_id: str) -> tuple[Any, ...]:
        """(citation, also-cited, interpretation, note, thresholds, stage) of a rule's findings."""
        return self._refs[rule_id]

    def period_text(self, rule_id: str) -> str:
        """How a deadline rule's period reads (``within 30 working days`` …)."""
        return self._period_text[rule_id]

    def fact_labels(self) -> Mapping[str, str]:
        """The zh label of every project fact."""
        return self._fact_zh

    def route_result(self, rule_id: str) -> Any:
        """The route a route rule prescribes (steps, final approver), as in verdicts."""
        from .._engine.evaluate import route_of

        return route_of(self, self._by_id[rule_id])

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

    def evaluate(self, project: Project | Mapping[str, Any], as_of: date | None = None) -> Any:
        """Evaluate one project (see :func:`govit_rules.evaluate`)."""
        from .._engine.evaluate import evaluate_pack

        return evaluate_pack(self, project, as_of)

    def __repr__(self) -> str:
        return (
            f"<CompiledPack {self.id} {self.version} ({len(self.rules)} rules, "
            f"{len(self.articles)} articles, {self.content_hash})>"
        )


class _Loader:
    """One load of one pack folder; collects problems stage by stage."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.hasher = hashlib.sha256()
        self.types = fact_types()
        self.sets: dict[str, tuple[str, frozenset[Any]]] = {}
        # Articles cited by rules that failed to load: not reported as uncovered on top.
        self.unloaded_cites: set[int] = set()
        # Ids of rules that failed to load: another rule naming one is not reported on top.
        self.unloaded_rules: set[str] = set()

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def problem(self, path: Path | str, pos: tuple[int, int], code: str, message: str) -> None:
        self.problems.append(
            Problem(
                self.rel(Path(path)) if isinstance(path, Path) else path,
                pos[0],
                pos[1],
                code,
                clip(message),
            )
        )

    # -- parse -------------------------------------------------------------------------------

    def parse(self, path: Path) -> Any:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.problem(
                    path,
                    (0, 0),
                    "too-large",
                    f"the file has {size} bytes; a pack file has at most {MAX_FILE_BYTES}",
                )
                return None
            raw_bytes = path.read_bytes()
        except OSError as exc:
            self.problem(path, (0, 0), "parse", f"cannot read: {exc}")
            return None
        self.hasher.update(path.relative_to(self.root).as_posix().encode())
        self.hasher.update(raw_bytes)
        try:
            text = raw_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(path, (0, 0), "parse", f"not UTF-8: {exc}")
            return None
        data, problems = load_yaml_cached(self.rel(path), text)
        self.problems.extend(problems)
        if data is None and not problems:
            self.problem(path, (1, 1), "empty-file", "the file is empty; it must hold a mapping")
        return data

    # -- shape -------------------------------------------------------------------------------

    def shape(self, path: Path, raw: Any, model: Any) -> Any:
        if raw is None:
            return None
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                pos = locate(raw, loc)
                where = ".".join(str(p) for p in loc) or "(file)"
                if err["type"] == "extra_forbidden":
                    key = loc[-1]
                    allowed = _allowed_keys(model, loc[:-1], raw)
                    from .._lang.conditions import _suggest

                    hint = _suggest(key, allowed)
                    msg = f"unknown key {key!r} at {where}{hint}; allowed: {', '.join(allowed)}"
                    self.problem(path, pos, "unknown-key", msg)
                elif err["type"] == "missing":
                    self.problem(path, pos, "missing-key", f"{where} is required")
                else:
                    self.problem(path, pos, "bad-value", f"{where}: {err['msg']}")
            return None


def _allowed_keys(model: Any, loc: tuple[Any, ...], raw: Any) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (best effort, for error messages)."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        f = fields.get(part)
        if f is None:
            return []
        ann = f.annotation
        current = _inner_model(ann)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _inner_model(ann: Any) -> Any:
    from typing import get_args

    if isinstance(ann, type) and hasattr(ann, "model_fields"):
        return ann
    for arg in get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _raw_articles(rule: Any) -> Iterator[int]:
    """The article numbers a rule that failed its shape check still names."""
    if not isinstance(rule, Mapping):
        return
    cites = [rule.get("cite")]
    also = rule.get("also_cite")
    if isinstance(also, list):
        cites.extend(also)
    for c in cites:
        article = c.get("article") if isinstance(c, Mapping) else None
        if isinstance(article, int) and not isinstance(article, bool):
            yield article


def _rule_files(root: Path) -> list[Path]:
    rules_dir = root / "rules"
    if not rules_dir.is_dir():
        return []
    return sorted(p for p in rules_dir.iterdir() if p.suffix in (".yaml", ".yml"))


def load_pack(path: str | Path) -> CompiledPack:
    """Load, check and compile the rule pack in folder ``path``.

    Raises :class:`~govit_rules.errors.PackError` listing every problem found, each as
    ``path:line:col: code: message``.
    """
    import time

    t0 = time.perf_counter()
    root = Path(path).resolve()
    if not (root / "pack.yaml").is_file():
        raise PackNotFoundError(f"no rule pack at {path}: {root / 'pack.yaml'} does not exist")
    ld = _Loader(root)

    # parse
    pack_path, articles_path = root / "pack.yaml", root / "articles.yaml"
    pack_raw = ld.parse(pack_path)
    articles_raw = ld.parse(articles_path) if articles_path.is_file() else None
    if articles_raw is None and not articles_path.is_file():
        ld.problem(
            articles_path,
            (0, 0),
            "missing-file",
            "every pack needs articles.yaml, the article index",
        )
    rule_raws = [(p, ld.parse(p)) for p in _rule_files(root)]
    if not rule_raws:
        ld.problem(
            root / "rules",
            (0, 0),
            "missing-file",
            "a pack needs rules/*.yaml with at least one rule",
        )

    # shape
    meta: PackFile | None = ld.shape(pack_path, pack_raw, PackFile)
    articles_file: ArticlesFile | None = ld.shape(articles_path, articles_raw, ArticlesFile)
    rule_specs: list[tuple[Path, Any, RuleSpec, int]] = []
    for p, raw in rule_raws:
        rf: RulesFile | None = ld.shape(p, raw, RulesFile)
        if rf is not None:
            for i, spec in enumerate(rf.rules):
                rule_specs.append((p, raw["rules"][i], spec, i))
        elif isinstance(raw, Mapping) and isinstance(raw.get("rules"), list):
            # The file's problems are reported; its sound rules still load, so one bad rule
            # does not turn every article its neighbours encode into an "uncovered" one.
            for i, item in enumerate(raw["rules"]):
                try:
                    rule_specs.append((p, item, RuleSpec.model_validate(item), i))
                except ValidationError:
                    ld.unloaded_cites.update(_raw_articles(item))
                    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                        ld.unloaded_rules.add(item["id"])

    if meta is None or articles_file is None:
        raise PackError(f"rule pack {root.name} has {len(ld.problems)} problem(s)", ld.problems)

    doc = meta.document
    if doc.in_force_until is not None and doc.in_force_until < doc.in_force_from:
        ld.problem(
            pack_path,
            locate(pack_raw, ("document", "in_force_until")),
            "bad-value",
            f"document.in_force_until {doc.in_force_until} is before in_force_from "
            f"{doc.in_force_from}; the pack would never be in force",
        )

    # resolve + typecheck
    authorities = {a.id: (a.zh, a.en) for a in meta.authorities}
    documents = {d.id: (d.zh, d.en) for d in meta.documents}
    routes = {k: (v.zh, v.en) for k, v in meta.routes.items()}
    _check_unique(ld, pack_path, pack_raw, "authorities", [a.id for a in meta.authorities])
    _check_unique(ld, pack_path, pack_raw, "documents", [d.id for d in meta.documents])
    definitions = pack_raw.get("define", {}) if isinstance(pack_raw, Mapping) else {}
    ld.sets = _named_sets(ld, pack_path, pack_raw, meta)

    compiler = ConditionCompiler()
    # Named conditions are resolved once, here, and reported in pack.yaml (even when no rule
    # uses them); the rules share the resolved trees.
    defines = ConditionParser(ld.rel(pack_path), ld.problems, definitions, ld.types, ld.sets)
    for name in definitions:
        defines.parse(
            {"use": name}, getattr(pack_raw.get("define"), "pos_of_key", lambda k: (0, 0))(name)
        )
    seen_ids: dict[str, str] = {}
    prepared: list[dict[str, Any]] = []
    for p, raw, spec, _i in rule_specs:
        prepared_rule = _prepare_rule(
            ld, p, raw, spec, defines, authorities, documents, routes, seen_ids
        )
        if prepared_rule is not None:
            if spec.alternative is not None:
                prepared_rule["_alternative"] = _prepare_alternative(
                    ld, p, raw, spec, defines, authorities, documents, routes
                )
            prepared.append(prepared_rule)
    _check_exempts(ld, prepared)

    # cite
    articles = _check_articles(ld, articles_path, articles_raw, articles_file, prepared)
    if meta.boundaries and meta.boundaries.cite:
        c = _cite(meta.boundaries.cite)
        info = articles.get(c.article)
        if info is None or not info.has(c):
            ld.problem(
                pack_path,
                locate(pack_raw, ("boundaries", "cite")),
                "unknown-citation",
                f"boundaries cite {c.en()}, which is not in the article index",
            )

    if ld.problems:
        raise PackError(f"rule pack {root.name} has {len(ld.problems)} problem(s)", ld.problems)

    # compile
    compiled_rules: list[CompiledRule] = []
    fn_names: list[tuple[str, str, str | None]] = []
    alternatives = [pr["_alternative"] for pr in prepared if pr.get("_alternative")]
    everything = [*prepared, *alternatives]
    for n, pr in enumerate(everything):
        names = (f"_when_{n}", f"_main_{n}", f"_unless_{n}" if pr["unless"] is not None else None)
        compiler.add_function(names[0], pr["when"])
        compiler.add_function(names[1], pr["main"])
        compiler.add_missing_function(f"_mwhen_{n}", pr["when"])
        compiler.add_missing_function(f"_mmain_{n}", pr["main"])
        if names[2]:
            compiler.add_function(names[2], pr["unless"])
            compiler.add_missing_function(f"_munless_{n}", pr["unless"])
        fn_names.append(names)
    namespace = compiler.build(f"<rulepack {meta.pack}>")
    built: dict[int, CompiledRule] = {}
    # Alternatives first: a rule holds its alternative reading.
    order = list(range(len(prepared), len(everything))) + list(range(len(prepared)))
    for n in order:
        pr = everything[n]
        wn, mn, un = fn_names[n]
        alt = pr.get("_alternative")
        built[n] = CompiledRule(
            when_fn=namespace[wn],
            main_fn=namespace[mn],
            unless_fn=namespace[un] if un else None,
            when_missing=namespace[f"_mwhen_{n}"],
            main_missing=namespace[f"_mmain_{n}"],
            unless_missing=namespace[f"_munless_{n}"] if un else None,
            alternative=built[len(prepared) + alternatives.index(alt)] if alt else None,
            **{k: v for k, v in pr.items() if not k.startswith("_")},
        )
    compiled_rules.extend(built[n] for n in range(len(prepared)))

    chapters = {c.number: (c.title.zh, c.title.en) for c in articles_file.chapters}
    cal = meta.calendar
    calendar = WorkdayCalendar(
        extra_rest_days=cal.extra_rest_days if cal else (),
        extra_working_days=cal.extra_working_days if cal else (),
    )
    _warn_unused(ld, meta, compiled_rules)
    content_hash = ld.hasher.hexdigest()[:16]
    # A rule's alternative reading is evaluated like a rule, so its fixed parts are kept too.
    with_alternatives = [
        *compiled_rules,
        *(r.alternative for r in compiled_rules if r.alternative is not None),
    ]
    return CompiledPack(
        id=meta.pack,
        version=meta.version,
        path=root,
        content_hash=content_hash,
        meta=meta,
        articles=MappingProxyType(articles),
        chapters=MappingProxyType(chapters),
        rules=tuple(compiled_rules),
        authorities=MappingProxyType(authorities),
        documents=MappingProxyType(documents),
        routes=MappingProxyType(routes),
        calendar=calendar,
        warnings=tuple(ld.warnings),
        load_ms=(time.perf_counter() - t0) * 1000,
        index_incomplete=articles_file.incomplete if articles_file is not None else None,
        _by_id=MappingProxyType({r.id: r for r in compiled_rules}),
        _refs=MappingProxyType({r.id: _fixed_parts(meta.pack, r) for r in with_alternatives}),
        _info=_pack_info(meta, content_hash),
        _scope=tuple(r for r in compiled_rules if r.kind == "scope"),
        _others=tuple(r for r in compiled_rules if r.kind not in ("scope", "exemption")),
        _exemptions=tuple(r for r in compiled_rules if r.kind == "exemption"),
        _carried=tuple(
            r for r in compiled_rules if r.despite_scope and r.kind not in ("scope", "exemption")
        ),
        _anchor_stage=MappingProxyType(_anchor_stages()),
        _messages=MappingProxyType({r.id: _static_message(r) for r in with_alternatives}),
        _period_text=MappingProxyType(
            {r.id: r.deadline.describe() for r in with_alternatives if r.deadline is not None}
        ),
        _calendar_name=calendar.name,
        _fact_zh=MappingProxyType(
            {n: _zh_label(n, f.json_schema_extra) for n, f in Project.model_fields.items()}
        ),
    )


def _fixed_parts(document: str, rule: CompiledRule) -> tuple[Any, ...]:
    """The parts of a rule's findings that never change between projects, built once.

    Output models are immutable, so one instance can serve every verdict.
    """
    from .._vocab.verdict import InterpretationUsed, Text

    ref = _ref(document, rule.citation)
    also = [_ref(document, c) for c in rule.also]
    interp = used = None
    if rule.interpretation is not None:
        interp = Text(zh=rule.interpretation[0], en=rule.interpretation[1])
        used = InterpretationUsed(rule_id=rule.id, citation=ref, note=interp)
    stage = rule.stage.value if rule.stage is not None else None
    return ref, also, interp, used, list(rule.thresholds), stage


def _ref(document: str, c: Citation) -> Any:
    from .._vocab.verdict import CitationRef

    return CitationRef(
        document=document,
        article=c.article,
        paragraph=c.paragraph,
        item=c.item,
        sub_item=c.sub_item,
        zh=c.zh(),
        en=c.en(),
    )


def _static_message(rule: CompiledRule) -> tuple[Any, frozenset[str]]:
    from .._vocab.verdict import Text

    if isinstance(rule.message_zh, str) and isinstance(rule.message_en, str):
        return Text(zh=rule.message_zh, en=rule.message_en), frozenset()
    return None, rule.template_vars


def _pack_info(meta: PackFile, content_hash: str) -> Any:
    from .._vocab.verdict import PackInfo, Text

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


def _anchor_stages() -> dict[str, Stage]:
    out: dict[str, Stage] = {}
    for name, f in Project.model_fields.items():
        extra = f.json_schema_extra
        if isinstance(extra, dict) and "stage" in extra:
            out[name] = Stage(str(extra["stage"]))
    return out


def _cite(spec: Any) -> Citation:
    return Citation(spec.article, spec.paragraph, spec.item, spec.sub_item)


def _check_unique(ld: _Loader, path: Path, raw: Any, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            ld.problem(
                path, locate(raw, (key, i)), "duplicate-id", f"{key} id {ident!r} is defined twice"
            )
        seen.add(ident)


def _prepare_rule(
    ld: _Loader,
    path: Path,
    raw: LocDict,
    spec: RuleSpec,
    defines: ConditionParser,
    authorities: Mapping[str, Any],
    documents: Mapping[str, Any],
    routes: Mapping[str, Any],
    seen_ids: dict[str, str],
) -> dict[str, Any] | None:
    rel = ld.rel(path)
    before = len(ld.problems)

    def here(*loc: Any) -> tuple[int, int]:
        return locate(raw, loc)

    where = f"{rel}:{raw.start[0]}"
    if spec.id in seen_ids:
        ld.problem(
            path,
            here("id"),
            "duplicate-id",
            f"rule id {spec.id!r} is already used at {seen_ids[spec.id]}",
        )
    seen_ids.setdefault(spec.id, where)

    required, optional = _KIND_KEYS[spec.kind]
    given = {k for k in raw if k in _KIND_SPECIFIC}
    for key in sorted(required - given):
        ld.problem(path, raw.start, "missing-key", f"a {spec.kind} rule needs {key!r}")
    for key in sorted(given - required - optional):
        allowed = ", ".join(sorted(required | optional))
        ld.problem(
            path,
            raw.pos_of_key(key),
            "unknown-key",
            f"{key!r} does not belong in a {spec.kind} rule; it takes: {allowed}",
        )

    parser = ConditionParser(rel, ld.problems, defines.definitions, ld.types, ld.sets)
    parser.share(defines)

    def cond(key: str) -> Cond:
        value = raw.get(key)
        if value is None:
            return TrueCond()
        parser.tainted = False
        tree = parser.parse(value, raw.pos_of_value(key))
        if not parser.tainted and expanded_size(tree) > MAX_NODES:
            ld.problem(
                path,
                raw.pos_of_value(key),
                "too-large",
                f"{key} expands to more than {MAX_NODES} tests and combinators "
                "(named conditions counted at every use); split the rule",
            )
            return TrueCond()
        return tree

    when = cond("when")
    main: Cond = TrueCond()
    unless: Cond | None = None
    if spec.kind == "scope":
        main = cond("in_scope_if")
    elif spec.kind == "prohibition":
        main = cond("prohibits")
        unless = cond("unless") if "unless" in raw else None
    elif spec.kind == "obligation":
        main = cond("requires")
    elif spec.kind == "exemption":
        main = cond("exempt_if")

    # Documents named in conditions (e.g. an either-or duty) must be declared too.
    for c in (when, main, unless):
        if c is None:
            continue
        for t in tests_of(c):
            if t.fact == "submitted_documents" and not isinstance(t.value, FactRef):
                values = t.value if isinstance(t.value, frozenset) else {t.value}
                for doc in sorted(values):
                    if doc not in documents:
                        from .._lang.conditions import _suggest

                        ld.problem(
                            path,
                            t.pos,
                            "unknown-document",
                            f"no document {doc!r} in pack.yaml documents{_suggest(doc, documents)}",
                        )

    extra: dict[str, Any] = {}
    if spec.kind == "documents":
        entries: list[str | tuple[str, ...]] = []
        for i, entry in enumerate(spec.documents or []):
            ids = [entry] if isinstance(entry, str) else list(entry.any_of)
            for j, doc in enumerate(ids):
                if doc not in documents:
                    from .._lang.conditions import _suggest

                    loc = (
                        ("documents", i)
                        if isinstance(entry, str)
                        else ("documents", i, "any_of", j)
                    )
                    ld.problem(
                        path,
                        here(*loc),
                        "unknown-document",
                        f"no document {doc!r} in pack.yaml documents{_suggest(doc, documents)}",
                    )
            entries.append(entry if isinstance(entry, str) else tuple(entry.any_of))
        extra["documents"] = tuple(entries)
    if spec.kind == "route":
        if spec.route not in routes:
            from .._lang.conditions import _suggest

            ld.problem(
                path,
                here("route"),
                "unknown-route",
                f"no route {spec.route!r} in pack.yaml routes{_suggest(spec.route, routes)}",
            )
        for i, step in enumerate(spec.steps or []):
            if step.authority not in authorities:
                from .._lang.conditions import _suggest

                ld.problem(
                    path,
                    here("steps", i, "authority"),
                    "unknown-authority",
                    f"no authority {step.authority!r} in pack.yaml{_suggest(step.authority, authorities)}",
                )
        if not spec.steps:
            ld.problem(path, here("steps"), "missing-key", "a route needs at least one step")
        extra["route"] = spec.route
        extra["steps"] = tuple((s.authority, s.action) for s in spec.steps or ())
    if spec.kind == "deadline":
        extra.update(_prepare_deadline(ld, path, raw, spec))
    if spec.kind == "exemption":
        extra["exempts"] = tuple(spec.exempts or ())
    for key, facts_named in (
        ("limit", [spec.limit] if spec.limit else []),
        ("shown_by", list(spec.shown_by or [])),
    ):
        for i, fact in enumerate(facts_named):
            ftype = ld.types.get(fact)
            if ftype is None or ftype.kind != "date":
                from .._lang.conditions import _suggest

                dates = [k for k, t in ld.types.items() if t.kind == "date"]
                at = here(key) if key == "limit" else here(key, i)
                ld.problem(
                    path,
                    at,
                    "bad-anchor",
                    f"{key} {fact!r} is not a date fact{_suggest(fact, dates)}",
                )
    if spec.limit:
        extra["limit"] = spec.limit
    if spec.shown_by:
        extra["shown_by"] = tuple(spec.shown_by)
    if spec.despite_scope:
        extra["despite_scope"] = True

    facts: list[str] = []
    for c in (when, main, *([unless] if unless is not None else [])):
        for f in facts_of(c):
            if f not in facts:
                facts.append(f)
    for fact in (
        extra.get("anchor"),
        extra.get("done"),
        extra.get("limit"),
        *extra.get("shown_by", ()),
    ):
        if isinstance(fact, str) and fact not in facts:
            facts.append(fact)
    thresholds = tuple(
        describe_test(t)
        for c in (when, main, *([unless] if unless is not None else []))
        for t in tests_of(c)
        if isinstance(t, Test | Known)
        and getattr(t, "op", "")
        in (
            "at_least",
            "above",
            "at_most",
            "below",
            "on_or_after",
            "after",
            "on_or_before",
            "before",
        )
    )

    msg_zh = _template(ld, path, raw, spec.kind, spec.message.zh, "zh")
    msg_en = _template(ld, path, raw, spec.kind, spec.message.en, "en")
    names = {n for m in (msg_zh, msg_en) if isinstance(m, MessageTemplate) for n in m.names}
    del before  # a rule with problems is still returned, so its citations count in the index
    return {
        "id": spec.id,
        "kind": spec.kind,
        "citation": _cite(spec.cite),
        "also": tuple(_cite(c) for c in spec.also_cite),
        "message_zh": msg_zh,
        "message_en": msg_en,
        "interpretation": (spec.interpretation.zh, spec.interpretation.en)
        if spec.interpretation
        else None,
        "stage": spec.stage,
        "stage_rank": spec.stage.rank if spec.stage is not None else -1,
        "when": when,
        "main": main,
        "unless": unless,
        "facts": tuple(facts),
        "thresholds": thresholds,
        "source": f"{rel}:{raw.start[0]}",
        "template_vars": frozenset(names),
        "alternative_note": (spec.alternative.note.zh, spec.alternative.note.en)
        if spec.alternative is not None
        else None,
        "_pos": raw.start,
        "_raw": raw,
        "_cite_pos": here("cite"),
        "_path": path,
        **extra,
    }


def _prepare_alternative(
    ld: _Loader,
    path: Path,
    raw: LocDict,
    spec: RuleSpec,
    defines: ConditionParser,
    authorities: Mapping[str, Any],
    documents: Mapping[str, Any],
    routes: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The rule as its alternative reading has it: the same rule with the keys it changes."""
    assert spec.alternative is not None
    alt_raw = raw.get("alternative")
    overrides = dict(spec.alternative.model_extra or {})
    for key in overrides:
        if key in ("id", "kind", "cite", "also_cite", "message", "alternative", "note"):
            ld.problem(
                path,
                alt_raw.pos_of_key(key) if isinstance(alt_raw, LocDict) else raw.start,
                "unknown-key",
                f"an alternative reading changes what the rule decides, not {key!r}",
            )
            return None
    merged = LocDict(raw)
    merged.start = raw.start
    merged.key_pos = dict(raw.key_pos)
    merged.value_pos = dict(raw.value_pos)
    del merged["alternative"]
    for key in ("within", "at_least", "window", "by") if spec.kind == "deadline" else ():
        if key in overrides:
            for other in ("within", "at_least", "window", "by"):
                merged.pop(other, None)
    for key, value in overrides.items():
        merged[key] = alt_raw[key] if isinstance(alt_raw, LocDict) else value
        if isinstance(alt_raw, LocDict):
            merged.key_pos[key] = alt_raw.pos_of_key(key)
            merged.value_pos[key] = alt_raw.pos_of_value(key)
    merged["id"] = f"{spec.id}.alternative"
    try:
        alt_spec = RuleSpec.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            ld.problem(
                path,
                locate(merged, tuple(err["loc"])),
                "bad-alternative",
                f"alternative reading: {err['msg']}",
            )
        return None
    return _prepare_rule(ld, path, merged, alt_spec, defines, authorities, documents, routes, {})


def _named_sets(
    ld: _Loader, path: Path, raw: Any, meta: PackFile
) -> dict[str, tuple[str, frozenset[Any]]]:
    """pack.yaml ``sets``: each word's fact and values, checked like a condition's."""
    out: dict[str, tuple[str, frozenset[Any]]] = {}
    parser = ConditionParser(ld.rel(path), ld.problems, {}, ld.types)
    for name, spec in meta.sets.items():
        if spec.fact not in ld.types:
            from .._lang.conditions import _suggest

            ld.problem(
                path,
                locate(raw, ("sets", name, "fact")),
                "unknown-fact",
                f"no fact {spec.fact!r} in the project model{_suggest(spec.fact, ld.types)}",
            )
            continue
        entry = raw["sets"][name] if isinstance(raw, Mapping) else None
        listed = entry["values"] if isinstance(entry, Mapping) else spec.values
        # Checked as the condition {fact: {in: values}}: unknown values are located errors.
        cond = parser.parse({spec.fact: {"in": listed}}, locate(raw, ("sets", name)))
        if isinstance(cond, Test):
            out[name] = (spec.fact, cond.value)
    return out


def _check_exempts(ld: _Loader, prepared: list[dict[str, Any]]) -> None:
    """Every rule an exemption lifts exists and is a duty, a route or a deadline."""
    from .._lang.conditions import _suggest

    kinds = {pr["id"]: pr["kind"] for pr in prepared}
    for pr in prepared:
        for i, target in enumerate(pr.get("exempts", ())):
            kind = kinds.get(target)
            if kind is None and target in ld.unloaded_rules:
                continue
            if kind is None or kind in ("scope", "exemption"):
                ld.problem(
                    pr["_path"],
                    locate(pr["_raw"], ("exempts", i)),
                    "unknown-rule",
                    f"an exemption lifts a duty, route or deadline of this pack; "
                    f"{target!r} is {'a ' + kind + ' rule' if kind else 'no rule id'}"
                    f"{_suggest(target, [k for k, v in kinds.items() if v not in ('scope', 'exemption')])}",
                )


# The values the evaluator hands a message besides the project's facts, by rule kind.
_COMPUTED = {
    "deadline": ("due", "earliest", "latest", "anchor_date", "done_date"),
    "documents": ("missing_documents",),
}


def _template(
    ld: _Loader, path: Path, raw: LocDict, kind: str, text: str, lang: str
) -> MessageTemplate | str:
    """Parse and check one message template; a fault is a located ``bad-template`` problem."""
    if "{" not in text:
        return text
    pos = locate(raw, ("message", lang))
    try:
        tpl = MessageTemplate(text)
    except TemplateSyntaxError as exc:
        ld.problem(
            path, pos, "bad-template", f"message.{lang}, at character {exc.offset}: {exc.message}"
        )
        return text
    if not tpl.name_offsets:
        return text
    computed = _COMPUTED.get(kind, ())
    allowed = set(ld.types) | {"status", *computed}
    for name, offset in tpl.name_offsets:
        if name not in allowed:
            from .._lang.conditions import _suggest

            shown = name if len(name) <= 40 else name[:39] + "…"
            owner = next((k for k, names in _COMPUTED.items() if name in names), None)
            if owner is not None:
                ld.problem(
                    path,
                    pos,
                    "bad-template",
                    f"message.{lang}, at character {offset}: {name!r} is computed only "
                    f"for a {owner} rule, and this is {'an' if kind[0] in 'aeiou' else 'a'} {kind} rule",
                )
                continue
            ld.problem(
                path,
                pos,
                "bad-template",
                f"message.{lang}, at character {offset}: unknown name {shown!r}"
                f"{_suggest(shown, sorted(allowed))}; a message may show project facts, status"
                + (f" and, in a {kind} rule, {', '.join(computed)}" if computed else ""),
            )
    return tpl


def _prepare_deadline(ld: _Loader, path: Path, raw: LocDict, spec: RuleSpec) -> dict[str, Any]:
    from .._lang.conditions import _suggest

    out: dict[str, Any] = {}
    directions = [k for k in ("within", "at_least", "window", "by") if getattr(spec, k) is not None]
    if len(directions) != 1:
        ld.problem(
            path,
            raw.start,
            "bad-deadline",
            "a deadline has exactly one of within, at_least, window, by"
            + (f" (found {', '.join(directions)})" if directions else ""),
        )
        return out
    direction = directions[0]
    types = ld.types
    anchor = spec.anchor
    if direction == "by":
        by = spec.by
        assert by is not None
        if by.year not in types or types[by.year].kind != "integer":
            ints = [k for k, t in types.items() if t.kind == "integer"]
            ld.problem(
                path,
                locate(raw, ("by", "year")),
                "bad-anchor",
                f"'year' names an integer fact such as plan_year{_suggest(by.year, ints)}",
            )
        out["deadline"] = DeadlineSpec("by", by_month=by.month, by_day=by.day, by_offset=by.offset)
        out["anchor"] = by.year
        if anchor is not None and anchor != by.year:
            ld.problem(
                path,
                raw.pos_of_key("anchor"),
                "bad-anchor",
                f"a 'by' deadline is anchored on its year fact {by.year!r}; drop 'anchor' or set it to {by.year!r}",
            )
    else:
        if anchor is None:
            ld.problem(path, raw.start, "missing-key", "a deadline needs 'anchor', a date fact")
        elif anchor not in types or types[anchor].kind != "date":
            dates = [k for k, t in types.items() if t.kind == "date"]
            ld.problem(
                path,
                raw.pos_of_value("anchor"),
                "bad-anchor",
                f"anchor {anchor!r} is not a date fact{_suggest(anchor, dates)}",
            )
        out["anchor"] = anchor
        if direction == "window":
            w = spec.window
            assert w is not None
            out["deadline"] = DeadlineSpec("window", start=w.start, end=w.end)
        else:
            out["deadline"] = DeadlineSpec(direction, period=getattr(spec, direction))
    if spec.done is not None:
        if spec.done not in types or types[spec.done].kind != "date":
            dates = [k for k, t in types.items() if t.kind == "date"]
            ld.problem(
                path,
                raw.pos_of_value("done"),
                "bad-anchor",
                f"done {spec.done!r} is not a date fact{_suggest(spec.done, dates)}",
            )
        out["done"] = spec.done
    elif "anchor" not in raw and direction != "by":
        pass
    return out


def _check_articles(
    ld: _Loader,
    path: Path,
    raw: Any,
    af: ArticlesFile,
    prepared: list[dict[str, Any]],
) -> dict[int, ArticleInfo]:
    specs: dict[int, tuple[ArticleSpec, int]] = {}
    chapters = {c.number for c in af.chapters}
    for i, a in enumerate(af.articles):
        if a.article in specs:
            ld.problem(
                path,
                locate(raw, ("articles", i, "article")),
                "duplicate-article",
                f"article {a.article} is indexed twice",
            )
            continue
        specs[a.article] = (a, i)
        if a.chapter is not None and chapters and a.chapter not in chapters:
            ld.problem(
                path,
                locate(raw, ("articles", i, "chapter")),
                "unknown-chapter",
                f"article {a.article} is in chapter {a.chapter}, which chapters does not list",
            )
        for para in a.items:
            if para > a.paragraphs:
                ld.problem(
                    path,
                    locate(raw, ("articles", i, "items")),
                    "bad-structure",
                    f"article {a.article} has {a.paragraphs} paragraph(s) but items for paragraph {para}",
                )
    if specs:
        top = max(specs)
        # ``top`` is at most MAX_ARTICLE (the schema bounds it), so this range is small.
        missing = [n for n in range(1, top + 1) if n not in specs]
        if missing:
            ld.problem(
                path,
                locate(raw, ("articles",)),
                "missing-article",
                f"the index skips article(s) {_spans(missing)}; "
                "every article of the regulation must be indexed",
            )

    citing: dict[int, list[str]] = {}
    for pr in prepared:
        for c in (pr["citation"], *pr["also"]):
            entry = specs.get(c.article)
            info_ok = entry is not None and _info(entry[0], ()).has(c)
            if not info_ok:
                detail = (
                    "is not in the article index"
                    if entry is None
                    else "does not exist in its article (check paragraphs and items in articles.yaml)"
                )
                top = max(specs) if specs else 0
                ld.problem(
                    pr["_path"],
                    pr["_cite_pos"],
                    "unknown-citation",
                    f"rule {pr['id']!r} cites {c.en()} ({c.zh()}), which {detail}; indexed articles: 1-{top}",
                )
                if entry is None:
                    continue
            lst = citing.setdefault(c.article, [])
            if pr["id"] not in lst:
                lst.append(pr["id"])
            assert entry is not None
            if entry[0].damaged and pr["interpretation"] is None and c == pr["citation"]:
                ld.problem(
                    pr["_path"],
                    pr["_pos"],
                    "missing-interpretation",
                    f"rule {pr['id']!r} cites Art. {c.article}, whose text is damaged ({entry[0].damaged}); "
                    "add an interpretation note saying which reading the rule takes",
                )
    out: dict[int, ArticleInfo] = {}
    for n, (a, i) in sorted(specs.items()):
        rules = tuple(citing.get(n, ()))
        if a.unknown_text and (rules or a.not_checkable):
            ld.problem(
                path,
                locate(raw, ("articles", i, "unknown_text")),
                "contradictory-article",
                f"article {n}'s text is marked unknown ({a.unknown_text}), so nothing can "
                "be read from it yet: "
                + (f"rules cite it ({', '.join(rules)})" if rules else "it is also not_checkable")
                + "; index its text first",
            )
        if not rules and not a.not_checkable and not a.unknown_text and n not in ld.unloaded_cites:
            ld.problem(
                path,
                locate(raw, ("articles", i)),
                "uncovered-article",
                f"article {n} is neither encoded by a rule nor marked not_checkable with a reason",
            )
        if rules and a.not_checkable:
            ld.problem(
                path,
                locate(raw, ("articles", i, "not_checkable")),
                "contradictory-article",
                f"article {n} is marked not_checkable but rules cite it: {', '.join(rules)}",
            )
        out[n] = _info(a, rules)
    return out


def _spans(numbers: list[int], shown: int = 20) -> str:
    """Sorted numbers as short spans (``2-9, 12``), at most ``shown`` of them then a count."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and spans[-1][1] == n - 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = [str(a) if a == b else f"{a}-{b}" for a, b in spans[:shown]]
    if len(spans) > shown:
        text.append(f"and {len(spans) - shown} more")
    return ", ".join(text)


def _info(a: ArticleSpec, rules: tuple[str, ...]) -> ArticleInfo:
    return ArticleInfo(
        article=a.article,
        chapter=a.chapter,
        title_zh=a.title.zh,
        title_en=a.title.en,
        paragraphs=a.paragraphs,
        items=MappingProxyType(dict(a.items)),
        not_checkable=a.not_checkable,
        damaged=a.damaged,
        rules=rules,
        unknown_text=a.unknown_text,
    )


def _warn_unused(ld: _Loader, meta: PackFile, rules: list[CompiledRule]) -> None:
    # A choice (any_of) uses every document it names.
    used_docs = {x for r in rules for d in r.documents for x in ((d,) if isinstance(d, str) else d)}
    for r in rules:
        for c in (r.when, r.main, r.unless):
            for t in tests_of(c) if c is not None else ():
                if t.fact == "submitted_documents" and not isinstance(t.value, FactRef):
                    used_docs.update(t.value if isinstance(t.value, frozenset) else {t.value})
    for d in meta.documents:
        if d.id not in used_docs:
            ld.warnings.append(f"document {d.id!r} is declared but no documents rule requires it")
    used_routes = {r.route for r in rules if r.route}
    for name in meta.routes:
        if name not in used_routes:
            ld.warnings.append(f"route {name!r} is declared but no route rule uses it")


def iter_pack_dirs(root: Path) -> Iterator[Path]:
    """Every pack folder directly under ``root``."""
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if (child / "pack.yaml").is_file():
                yield child
