"""What the service answers, as plain JSON-ready data: packs, rules, schema, compare, calendar.

Owns the read-only views of a compiled pack (its metadata, chapters and articles with
their status, rules and pinning test cases, cached per compiled pack), the project schema
annotated for one pack, the side-by-side comparison rows and the working-day calendar
the workbench's timeline marks.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from .._packs.loader import CompiledPack
from .._tools.coverage import load_cases
from .._tools.docs import article_views
from .._vocab import project as _model
from .._vocab.verdict import Verdict
from ..errors import GovitRulesError, PackError

__all__ = [
    "calendar_days",
    "compact",
    "compare_row",
    "jurisdiction_view",
    "pack_view",
    "rule_view",
    "schema_view",
]

_cache: weakref.WeakKeyDictionary[CompiledPack, dict[str, Any]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _text(t: Any) -> dict[str, str]:
    return {"zh": t.zh, "en": t.en}


def _articles(pack: CompiledPack) -> dict[str, Any]:
    """The article views of a pack, computed once per compiled pack (they read test files)."""
    with _cache_lock:
        hit = _cache.get(pack)
    if hit is None:
        cases, problems = load_cases(pack)
        articles = article_views(pack, cases)
        rules: dict[str, Any] = {}
        for a in articles:
            for r in a["rules"]:
                rules.setdefault(r["id"], r)
        hit = {
            "articles": articles,
            "rules": rules,
            "cases": len(cases),
            "test_problems": [str(p) for p in problems],
        }
        with _cache_lock:
            _cache[pack] = hit
    return hit


def jurisdiction_view(versions: Iterable[CompiledPack]) -> dict[str, Any]:
    packs = list(versions)
    head = packs[-1]
    return {
        "id": head.jurisdiction,
        "zh": head.meta.jurisdiction.zh,
        "en": head.meta.jurisdiction.en,
        "title": _text(head.meta.document.title),
        "versions": [
            {
                "version": p.version,
                "content_hash": p.content_hash,
                "in_force_from": p.in_force_from.isoformat(),
                "in_force_until": p.in_force_until.isoformat() if p.in_force_until else None,
            }
            for p in packs
        ],
    }


def pack_view(pack: CompiledPack) -> dict[str, Any]:
    """Metadata, version, hash, in-force dates, chapters, and every article as it reads."""
    meta, doc = pack.meta, pack.meta.document
    views = _articles(pack)
    articles = []
    for a in views["articles"]:
        status = (
            "encoded" if a["rules"] else "unknown_text" if a["unknown_text"] else "not_checkable"
        )
        articles.append(
            {
                "article": a["number"],
                "zh_number": a["zh_number"],
                "title": {"zh": a["title_zh"], "en": a["title_en"]},
                "chapter": a["chapter"],
                "status": status,
                "damaged": a["damaged"],
                "not_checkable": a["not_checkable"],
                "unknown_text": a["unknown_text"],
                "rules": [r["id"] for r in a["rules"]],
                "cases": a["cases"],
            }
        )
    chapters = [
        {
            "chapter": n,
            "title": {"zh": zh, "en": en},
            "articles": [a["article"] for a in articles if a["chapter"] == n],
        }
        for n, (zh, en) in sorted(pack.chapters.items())
    ]
    loose = [a["article"] for a in articles if a["chapter"] not in pack.chapters]
    if loose:
        chapters.append({"chapter": None, "title": {"zh": "", "en": ""}, "articles": loose})
    boundaries = None
    if meta.boundaries is not None:
        boundaries = _text(meta.boundaries.text)
    return {
        "id": pack.id,
        "version": pack.version,
        "content_hash": pack.content_hash,
        "jurisdiction": {"id": pack.jurisdiction, **_text(meta.jurisdiction)},
        "document": {
            "title": _text(doc.title),
            "issuer": _text(doc.issuer),
            "number": doc.number,
            "issued": doc.issued.isoformat() if doc.issued else None,
            "in_force_from": doc.in_force_from.isoformat(),
            "in_force_until": doc.in_force_until.isoformat() if doc.in_force_until else None,
        },
        "boundaries": boundaries,
        "authorities": _pairs(pack.authorities),
        "documents": _pairs(pack.documents),
        "routes": _pairs(pack.routes),
        "chapters": chapters,
        "articles": articles,
        "counts": {"articles": len(articles), "rules": len(pack.rules), "cases": views["cases"]},
        "warnings": list(pack.warnings),
    }


def _pairs(m: Any) -> list[dict[str, str]]:
    return [{"id": k, "zh": zh, "en": en} for k, (zh, en) in m.items()]


def rule_view(pack: CompiledPack, rule_id: str) -> dict[str, Any] | None:
    """One rule as the reference page shows it (conditions, message, cases), or None."""
    found = _articles(pack)["rules"].get(rule_id)
    if found is None:
        return None
    out = dict(found)
    out["citation"] = {"zh": out.pop("cite_zh"), "en": out.pop("cite_en")}
    return out


_ENUMS = {
    name: getattr(_model, name)
    for name in (
        "Component",
        "DeliveryMode",
        "FundingSource",
        "ProjectNature",
        "Stage",
        "SystemType",
        "UnitLevel",
        "UnitType",
    )
}


def schema_view(schema: dict[str, Any]) -> dict[str, Any]:
    """The project schema (for a pack, :func:`~govit_rules.project_schema` has marked the
    facts it reads) with the zh labels of every choice and the stages, for a form."""
    out = dict(schema)
    defs = {k: dict(v) for k, v in schema.get("$defs", {}).items()}
    for name, d in defs.items():
        enum = _ENUMS.get(name)
        if enum is not None:
            d["x-labels"] = {m.value: m.zh for m in enum}
    out["$defs"] = defs
    out["x-stages"] = [{"id": s.value, "zh": s.zh} for s in _model.Stage]
    return out


_SETTLED = ("satisfied", "met", "not_applicable", "out_of_scope")


def compact(verdict: Verdict) -> dict[str, Any]:
    """What a caller must act on (``detail=compact``): the verdict without settled findings.

    The engine has no compact form yet; this one drops the findings and deadlines that are
    satisfied, met or do not apply, and the list of rules that do not apply. Everything
    else (outcome, routes, documents, missing facts, interpretation notes) is kept as is.
    """
    data: dict[str, Any] = verdict.model_dump(mode="json")
    data["findings"] = [f for f in data["findings"] if f["status"] not in _SETTLED]
    data["deadlines"] = [d for d in data["deadlines"] if d["status"] not in _SETTLED]
    data.pop("not_applicable", None)
    return data


def compare_row(jurisdiction: str, get: Any, evaluate: Any) -> dict[str, Any]:
    """One jurisdiction's column of a comparison; a pack that fails gives an error row."""
    try:
        v: Verdict = evaluate(get())
    except PackError as exc:
        return {"jurisdiction": jurisdiction, "error": exc.summary}
    except GovitRulesError as exc:
        return {"jurisdiction": jurisdiction, "error": str(exc).splitlines()[0]}
    route = v.route("project_approval")
    counts: dict[str, int] = {}
    for f in v.findings:
        counts[f.status.value] = counts.get(f.status.value, 0) + 1
    return {
        "jurisdiction": jurisdiction,
        "pack": v.pack.id,
        "version": v.pack.version,
        "title": v.pack.title.model_dump(),
        "in_force": v.in_force,
        "applies": v.applies,
        "outcome": v.outcome.value,
        "final_approver": route.final_approver if route else None,
        "route": route.model_dump(mode="json") if route else None,
        "findings": counts,
        "violations": [
            {"rule": f.rule_id, "kind": f.kind, "citation": f.citation.model_dump()}
            for f in v.findings
            if f.status.value == "violated"
        ],
        "deadlines": sum(1 for d in v.deadlines if d.status.value != "not_applicable"),
        "missed": [d.rule_id for d in v.deadlines if d.status.value in ("missed", "too_early")],
        "missing_facts": [m.fact for m in v.missing_facts],
    }


_DAY_KIND = {
    (True, False): "workday",
    (True, True): "makeup_workday",  # a weekend day worked to make up a holiday (调休)
    (False, True): "weekend",
    (False, False): "holiday",
}


def calendar_days(pack: CompiledPack, start: date, end: date) -> list[dict[str, Any]]:
    """Each day from ``start`` to ``end``: working or not, and why (weekend, holiday, make-up)."""
    out = []
    d = start
    while d <= end:
        working, provisional = pack.calendar.is_working_day(d)
        weekend = d.weekday() >= 5
        kind = _DAY_KIND[working, weekend]
        out.append(
            {"date": d.isoformat(), "working": working, "kind": kind, "provisional": provisional}
        )
        d += timedelta(days=1)
    return out
