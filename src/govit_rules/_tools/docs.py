"""Generated reference pages: one Markdown page per rule pack, and the project model page.

Owns ``govit-rules docs``: it renders ``docs/packs/<pack>.md`` (metadata, authorities,
boundary convention, then article by article the rules that encode it and the test cases
that pin it) and ``docs/project-model.md`` (every fact and every closed vocabulary) from
the Jinja2 templates in ``govit_rules/templates``. Output is deterministic (sorted, no
timestamps, paths relative to the pack) so that ``--check`` can compare it with the
committed files.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import jinja2

from .._io.yaml import load_yaml
from .._lang.facts import FactType, fact_types
from .._lang.text import cond_text
from .._packs.loader import MAIN_KEY, CompiledPack, CompiledRule
from .._vocab.project import Project
from .._vocab.vocabulary import shipped_local_facts
from .coverage import case_citation, load_cases, pack_coverage, pins, rel_to_pack, source_rel
from .testing import LoadedCase

__all__ = [
    "DocFile",
    "article_views",
    "render_pack_page",
    "render_project_model",
    "stale_files",
    "write_files",
]

_TEMPLATES = Path(__file__).parent / "templates"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = _cell
    return env


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    if value is None:
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ").strip()


@dataclass(frozen=True)
class DocFile:
    path: Path
    text: str


# --- packs ----------------------------------------------------------------------------------


def _raw_messages(pack: CompiledPack) -> dict[str, dict[str, str]]:
    """The message templates as written, by rule id (compiled rules keep only templates)."""
    out: dict[str, dict[str, str]] = {}
    rules_dir = pack.path / "rules"
    if not rules_dir.is_dir():
        return out
    for f in sorted(rules_dir.iterdir()):
        if f.suffix not in (".yaml", ".yml"):
            continue
        data, _problems = load_yaml(f)
        for raw in (data or {}).get("rules", []) if isinstance(data, dict) else []:
            if isinstance(raw, dict) and isinstance(raw.get("message"), dict):
                msg = raw["message"]
                out[str(raw.get("id"))] = {
                    "zh": str(msg.get("zh", "")),
                    "en": str(msg.get("en", "")),
                }
    return out


def _message(rule: CompiledRule, raw: dict[str, dict[str, str]]) -> dict[str, str]:
    if rule.id in raw:
        return raw[rule.id]
    zh = rule.message_zh if isinstance(rule.message_zh, str) else ""
    en = rule.message_en if isinstance(rule.message_en, str) else ""
    return {"zh": zh, "en": en}


def _thresholds(rule: CompiledRule) -> list[str]:
    # The loader already describes every comparison of the rule; keep each once.
    return list(dict.fromkeys(rule.thresholds))


def _rule_view(
    pack: CompiledPack,
    rule: CompiledRule,
    raw: dict[str, dict[str, str]],
    cases: Sequence[LoadedCase],
) -> dict[str, Any]:
    steps = []
    final = filed = None
    if rule.route is not None:
        route = pack.route_result(rule.id)
        final, filed = route.final_approver, route.filed_with
        steps = [
            {
                "authority": s.authority,
                "zh": s.authority_zh,
                "en": s.authority_en,
                "action": s.action,
                "action_zh": s.action_zh,
                "to": s.to,
                "to_zh": s.to_zh,
                "to_en": s.to_en,
            }
            for s in route.steps
        ]
    documents = [
        {
            "id": " | ".join(ids),
            "zh": "或".join(pack.documents.get(x, (x, x))[0] for x in ids),
            "en": " or ".join(pack.documents.get(x, (x, x))[1] for x in ids),
        }
        for ids in ((d,) if isinstance(d, str) else d for d in rule.documents)
    ]
    pinned = []
    for case in cases:
        cite = case_citation(case)
        if cite is not None and pins(cite, rule):
            pinned.append(_case_view(pack, case))
    return {
        "id": rule.id,
        "kind": rule.kind,
        "cite_zh": rule.citation.zh(),
        "cite_en": rule.citation.en(),
        "also": [f"{c.zh()} / {c.en()}" for c in rule.also],
        "message": _message(rule, raw),
        "when": None if _is_true(rule.when) else cond_text(rule.when),
        "main_label": MAIN_KEY[rule.kind].replace("_", " ") if rule.kind in MAIN_KEY else None,
        "main": cond_text(rule.main) if rule.kind in MAIN_KEY else None,
        "unless": cond_text(rule.unless) if rule.unless is not None else None,
        "thresholds": _thresholds(rule),
        "stage": rule.stage.value if rule.stage is not None else None,
        "route": rule.route,
        "route_title": pack.routes.get(rule.route, ("", "")) if rule.route else None,
        "steps": steps,
        "final_approver": final,
        "filed_with": filed,
        "deadline": {
            "anchor": rule.anchor,
            "period": rule.deadline.describe(),
            "done": rule.done,
        }
        if rule.deadline is not None
        else None,
        "documents": documents,
        "interpretation": {"zh": rule.interpretation[0], "en": rule.interpretation[1]}
        if rule.interpretation
        else None,
        "source": source_rel(pack, rule.source),
        "cases": pinned,
    }


def _is_true(cond: Any) -> bool:
    return type(cond).__name__ == "TrueCond"


def _case_view(pack: CompiledPack, case: LoadedCase) -> dict[str, Any]:
    return {
        "name": case.name,
        "file": rel_to_pack(pack, case.file),
        "line": case.line,
        "article": case.case.article,
    }


def article_views(pack: CompiledPack, cases: Sequence[LoadedCase]) -> list[dict[str, Any]]:
    """Article by article: title, chapter, status notes, the rules and the cases that pin it.

    The reference page renders these; the service's workbench shows the same views.
    """
    coverage = pack_coverage(pack, cases)
    raw = _raw_messages(pack)
    rule_views = {r.id: _rule_view(pack, r, raw, cases) for r in pack.rules}
    articles = []
    for row in coverage.articles:
        info = pack.articles[row.article]
        chapter = pack.chapters.get(info.chapter) if info.chapter is not None else None
        articles.append(
            {
                "number": row.article,
                "zh_number": _zh_article(row.article),
                "title_zh": row.title_zh,
                "title_en": row.title_en,
                "chapter": info.chapter,
                "chapter_title": chapter,
                "paragraphs": info.paragraphs,
                "damaged": info.damaged,
                "not_checkable": info.not_checkable,
                "unknown_text": info.unknown_text,
                "rules": [rule_views[r] for r in row.rules if r in rule_views],
                "cases": [c.as_dict() for c in row.tested_by],
            }
        )
    return articles


def render_pack_page(pack: CompiledPack) -> str:
    """The Markdown reference page of one pack."""
    cases, _problems = load_cases(pack)
    coverage = pack_coverage(pack, cases)
    articles = article_views(pack, cases)
    meta = pack.meta
    boundaries = None
    if meta.boundaries is not None:
        b = meta.boundaries
        cite = None
        if b.cite is not None:
            from .._law.citation import Citation

            c = Citation(b.cite.article, b.cite.paragraph, b.cite.item, b.cite.sub_item)
            cite = f"{c.zh()} / {c.en()}"
        boundaries = {"zh": b.text.zh, "en": b.text.en, "cite": cite}
    return (
        _env()
        .get_template("pack.md.j2")
        .render(
            pack=pack,
            meta=meta,
            doc=meta.document,
            boundaries=boundaries,
            authorities=[{"id": k, "zh": v[0], "en": v[1]} for k, v in pack.authorities.items()],
            documents=[{"id": k, "zh": v[0], "en": v[1]} for k, v in pack.documents.items()],
            routes=[{"id": k, "zh": v[0], "en": v[1]} for k, v in pack.routes.items()],
            totals=coverage.totals(),
            articles=articles,
            n_cases=len(cases),
        )
    )


def _zh_article(n: int) -> str:
    from .._law.citation import Citation

    return Citation(n).zh()


# --- the project model ------------------------------------------------------------------------


def _type_name(name: str, ftype: FactType, annotation: Any) -> str:
    if ftype.kind == "number":
        return "percent (0–100)" if _has_le_100(annotation) else "money (万元)"
    if ftype.kind == "integer":
        return "integer"
    if ftype.kind == "bool":
        return "boolean"
    if ftype.kind == "date":
        return "date"
    if ftype.kind == "dates":
        return "dates (a list of dates)"
    if ftype.kind == "enum" and ftype.enum is not None:
        return f"[{ftype.enum.__name__}](#{ftype.enum.__name__.lower()})"
    if ftype.kind == "set":
        if ftype.enum is not None:
            return f"set of [{ftype.enum.__name__}](#{ftype.enum.__name__.lower()})"
        return "set of ids"
    return "text"


def _has_le_100(annotation: Any) -> bool:
    stack = [annotation]
    while stack:
        a = stack.pop()
        for m in getattr(a, "__metadata__", ()):
            for inner in getattr(m, "metadata", [m]):
                if getattr(inner, "le", None) == Decimal(100) or getattr(inner, "le", None) == 100:
                    return True
        if get_origin(a) in (Union, types.UnionType) or hasattr(a, "__metadata__"):
            stack.extend(get_args(a))
    return False


def render_project_model() -> str:
    """The Markdown page describing every fact of :class:`Project` and every vocabulary."""
    ftypes = fact_types()
    fields = []
    enums: list[type[Enum]] = []
    # Where each fact is declared: the shared vocabulary, or a shipped pack's facts.yaml.
    packs = {s.name: s.file.parent.name for s in shipped_local_facts()}
    for name, f in Project.model_fields.items():
        ftype = ftypes[name]
        extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
        if ftype.enum is not None and ftype.enum not in enums:
            enums.append(ftype.enum)
        fields.append(
            {
                "name": name,
                "type": _type_name(name, ftype, f.annotation),
                "zh": extra.get("zh", ""),
                "stage": extra.get("stage"),
                "description": f.description or "",
                "declared_in": packs.get(name, "shared"),
            }
        )
    enum_views = []
    for e in enums:
        enum_views.append(
            {
                "name": e.__name__,
                "doc": (e.__doc__ or "").strip(),
                "members": [{"value": m.value, "zh": getattr(m, "zh", "")} for m in e],
            }
        )
    return _env().get_template("project-model.md.j2").render(fields=fields, enums=enum_views)


# --- writing and checking -----------------------------------------------------------------------


def stale_files(files: Iterable[DocFile]) -> list[Path]:
    """The files whose committed text differs from the generated one (or that are missing)."""
    out = []
    for f in files:
        try:
            current = f.path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != f.text:
            out.append(f.path)
    return out


def write_files(files: Iterable[DocFile]) -> list[Path]:
    """Write the files that changed; return their paths."""
    changed = stale_files(files)
    by_path = {f.path: f for f in files}
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(by_path[path].text, encoding="utf-8")
    return changed
