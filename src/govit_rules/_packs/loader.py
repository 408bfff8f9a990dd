"""Loading a rule pack: named stages from YAML files to an immutable compiled pack.

Owns the pipeline ``parse → shape → resolve → typecheck → cite → compile`` that produces
a :class:`~govit_rules._packs.compiled.CompiledPack`, and the order of its stages: parse
and shape are in :mod:`~govit_rules._packs.loading`, each rule's resolve and typecheck in
:mod:`~govit_rules._packs.prepare` (its own keys prepared by its kind,
:mod:`govit_rules._packs.kinds`), cite in :mod:`~govit_rules._packs.articles`; compile and
the pack-wide checks are here. Every stage collects located problems; the load fails once,
at the end, with all of them (:class:`~govit_rules.errors.PackError`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._io.yaml import locate
from .._lang.conditions import (
    ConditionCompiler,
    ConditionParser,
    FactRef,
    tests_of,
)
from .._law.calendar import WorkdayCalendar
from ..errors import PackError, PackNotFoundError
from .articles import check_articles
from .compiled import ArticleInfo, CompiledPack, CompiledRule, assemble
from .kinds import MAIN_KEY, DeadlineSpec
from .loading import Loading, cite
from .prepare import check_exempts, named_sets, prepare_alternative, prepare_rule
from .schema import (
    ArticlesFile,
    PackFile,
    RulesFile,
    RuleSpec,
)

__all__ = ["MAIN_KEY", "ArticleInfo", "CompiledPack", "CompiledRule", "DeadlineSpec", "load_pack"]


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
    ld = Loading(root)

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
    ld.sets = named_sets(ld, pack_path, pack_raw, meta)

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
        prepared_rule = prepare_rule(
            ld, p, raw, spec, defines, authorities, documents, routes, seen_ids
        )
        if prepared_rule is not None:
            if spec.alternative is not None:
                prepared_rule["_alternative"] = prepare_alternative(
                    ld, p, raw, spec, defines, authorities, documents, routes
                )
            prepared.append(prepared_rule)
    check_exempts(ld, prepared)

    # cite
    articles = check_articles(ld, articles_path, articles_raw, articles_file, prepared)
    if meta.boundaries and meta.boundaries.cite:
        c = cite(meta.boundaries.cite)
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
    return assemble(
        root=root,
        meta=meta,
        content_hash=ld.hasher.hexdigest()[:16],
        articles=articles,
        chapters=chapters,
        rules=compiled_rules,
        authorities=authorities,
        documents=documents,
        routes=routes,
        calendar=calendar,
        warnings=ld.warnings,
        load_ms=(time.perf_counter() - t0) * 1000,
        index_incomplete=articles_file.incomplete,
        project_model=ld.project_model,
    )


def _check_unique(ld: Loading, path: Path, raw: Any, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            ld.problem(
                path, locate(raw, (key, i)), "duplicate-id", f"{key} id {ident!r} is defined twice"
            )
        seen.add(ident)


def _warn_unused(ld: Loading, meta: PackFile, rules: list[CompiledRule]) -> None:
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
