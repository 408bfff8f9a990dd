"""The compact form of a verdict, and the fixed pack texts it refers to.

Owns ``Verdict.to_json(compact=True)`` and ``CompiledPack.texts()``. Half of a full verdict's
JSON is text that never changes between projects: citations' renderings, messages, notes,
thresholds, route steps, labels. The compact form carries only what the project decided
(statuses, facts read, missing facts, dates, routes chosen) and names the rest by rule,
document or fact id together with the pack's content hash; the pack serves those texts
once (:func:`pack_texts`). Messages are always in the texts (as written, with their
placeholders); the facts each finding read are in the compact verdict, and
:meth:`CompiledPack.render_message` fills a message in.

Both shapes are described by JSON Schemas (``schemas/compact-verdict.json`` and
``schemas/pack-texts.json``, kept identical to :data:`COMPACT_SCHEMA` and
:data:`TEXTS_SCHEMA` by a test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._packs.loader import CompiledPack
    from .._vocab.verdict import Verdict

__all__ = ["COMPACT_FORMAT", "COMPACT_SCHEMA", "TEXTS_SCHEMA", "compact_json", "pack_texts"]

COMPACT_FORMAT = "govit-rules/compact-verdict/1"
TEXTS_FORMAT = "govit-rules/pack-texts/1"


def plain(value: Any) -> Any:
    """A fact value as JSON: money as a decimal string, dates ISO, sets sorted."""
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set | list | tuple):
        # Every collection-valued fact is a set: written sorted, whatever order it came in.
        return sorted(plain(v) for v in value)
    return value  # pragma: no cover - the project model has no other value types


def compact_dict(v: Verdict) -> dict[str, Any]:
    """The compact form as a mapping (see the module docstring)."""
    builder = (v.__pydantic_private__ or {}).get("_build")
    fast = getattr(builder, "compact_findings", None)
    findings = (
        fast()
        if fast is not None
        else [_finding_row(f.rule_id, f.status.value, f.missing_facts, f.facts) for f in v.findings]
    )
    app = v.applicability
    return {
        "format": COMPACT_FORMAT,
        "pack": {"id": v.pack.id, "version": v.pack.version, "content_hash": v.pack.content_hash},
        "as_of": v.as_of.isoformat(),
        "in_force": v.in_force,
        "outcome": v.outcome.value,
        "applicability": {
            "applies": app.applies,
            "citations": [c.en for c in app.citations],
            "missing_facts": list(app.missing_facts),
        },
        "findings": findings,
        "not_applicable": list(v.not_applicable),
        "routes": [r.rule_id for r in v.approval_routes],
        "deadlines": [
            {
                "rule": d.rule_id,
                "status": d.status.value,
                "anchor_date": plain(d.anchor_date),
                "anchor_year": d.anchor_year,
                "due": plain(d.due),
                "earliest": plain(d.earliest),
                "latest": plain(d.latest),
                "done_date": plain(d.done_date),
                "provisional": d.provisional,
                "extended": d.extended,
                "missing_facts": list(d.missing_facts),
                # A deadline recurring each year lists every year's occurrence.
                **(
                    {
                        "occurrences": [
                            {
                                "year": o.year,
                                "due": plain(o.due),
                                "done_date": plain(o.done_date),
                                "status": o.status.value,
                            }
                            for o in d.occurrences
                        ]
                    }
                    if d.occurrences
                    else {}
                ),
            }
            for d in v.deadlines
        ],
        "required_documents": [
            {"id": d.id, "rule": d.rule_id, "submitted": d.submitted} for d in v.required_documents
        ],
        "missing_facts": [{"fact": m.fact, "rules": list(m.rules)} for m in v.missing_facts],
        "interpretations": [i.rule_id for i in v.interpretations],
        "warnings": list(v.warnings),
    }


def _finding_row(
    rule_id: str, status: str, missing: list[str], facts: Mapping[str, Any]
) -> dict[str, Any]:
    row: dict[str, Any] = {"rule": rule_id, "status": status}
    if missing:
        row["missing_facts"] = list(missing)
    if facts:
        row["facts"] = {k: plain(val) for k, val in facts.items()}
    return row


finding_row = _finding_row


def compact_json(v: Verdict, indent: int | None = None) -> str:
    return json.dumps(
        compact_dict(v),
        ensure_ascii=False,
        indent=indent,
        separators=None if indent else (",", ":"),
    )


def pack_texts(pack: CompiledPack, raw_messages: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """The fixed texts a compact verdict refers to, by id."""
    rules: dict[str, Any] = {}
    for rule in pack.rules:
        parts = pack.fixed_parts(rule.id)
        ref, also, interp, _used, thresholds, stage = parts
        entry: dict[str, Any] = {
            "kind": rule.kind,
            "citation": ref.model_dump(mode="json"),
            "message": {"zh": raw_messages[rule.id][0], "en": raw_messages[rule.id][1]},
        }
        if also:
            entry["also_cites"] = [a.model_dump(mode="json") for a in also]
        if interp is not None:
            entry["interpretation"] = interp.model_dump(mode="json")
        if thresholds:
            entry["thresholds"] = list(thresholds)
        if stage is not None:
            entry["stage"] = stage
        if rule.kind == "route":
            entry["route"] = pack.route_result(rule.id).model_dump(
                mode="json", include={"route", "title", "steps", "final_approver", "filed_with"}
            )
        if rule.kind == "deadline":
            entry["period"] = pack.period_text(rule.id)
        rules[rule.id] = entry
    return {
        "format": TEXTS_FORMAT,
        "pack": {"id": pack.id, "version": pack.version, "content_hash": pack.content_hash},
        "rules": rules,
        "documents": {d: {"zh": zh, "en": en} for d, (zh, en) in pack.documents.items()},
        "facts": dict(pack.fact_labels()),
        "calendar": pack.calendar.name,
    }


_STR_LIST = {"type": "array", "items": {"type": "string"}}
_DATE = {"type": ["string", "null"], "format": "date"}

COMPACT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "govit-rules compact verdict",
    "description": (
        "What one pack decided for one project; fixed texts are named by id and served by "
        "the pack (pack-texts) with the same content_hash."
    ),
    "type": "object",
    "required": [
        "format",
        "pack",
        "as_of",
        "in_force",
        "outcome",
        "applicability",
        "findings",
        "not_applicable",
        "routes",
        "deadlines",
        "required_documents",
        "missing_facts",
        "interpretations",
        "warnings",
    ],
    "additionalProperties": False,
    "properties": {
        "format": {"const": COMPACT_FORMAT},
        "pack": {
            "type": "object",
            "required": ["id", "version", "content_hash"],
            "properties": {
                "id": {"type": "string"},
                "version": {"type": "string"},
                "content_hash": {"type": "string"},
            },
        },
        "as_of": {"type": "string", "format": "date"},
        "in_force": {"type": "boolean"},
        "outcome": {"type": "string"},
        "applicability": {
            "type": "object",
            "properties": {
                "applies": {"type": ["boolean", "null"]},
                "citations": _STR_LIST,
                "missing_facts": _STR_LIST,
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "status"],
                "additionalProperties": False,
                "properties": {
                    "rule": {"type": "string"},
                    "status": {"type": "string"},
                    "missing_facts": _STR_LIST,
                    "facts": {"type": "object"},
                },
            },
        },
        "not_applicable": _STR_LIST,
        "routes": _STR_LIST,
        "deadlines": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "status"],
                "properties": {
                    "rule": {"type": "string"},
                    "status": {"type": "string"},
                    "anchor_date": _DATE,
                    "anchor_year": {"type": ["integer", "null"]},
                    "due": _DATE,
                    "earliest": _DATE,
                    "latest": _DATE,
                    "done_date": _DATE,
                    "provisional": {"type": "boolean"},
                    "extended": {"type": "boolean"},
                    "missing_facts": _STR_LIST,
                    "occurrences": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["year", "due", "status"],
                            "properties": {
                                "year": {"type": "integer"},
                                "due": {"type": "string", "format": "date"},
                                "done_date": _DATE,
                                "status": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "required_documents": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "rule": {"type": "string"},
                    "submitted": {"type": ["boolean", "null"]},
                },
            },
        },
        "missing_facts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"fact": {"type": "string"}, "rules": _STR_LIST},
            },
        },
        "interpretations": _STR_LIST,
        "warnings": _STR_LIST,
    },
}

_TEXT = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
}

TEXTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "govit-rules pack texts",
    "description": "The fixed texts of one pack version that compact verdicts refer to by id.",
    "type": "object",
    "required": ["format", "pack", "rules", "documents", "facts", "calendar"],
    "properties": {
        "format": {"const": TEXTS_FORMAT},
        "pack": COMPACT_SCHEMA["properties"]["pack"],
        "rules": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["kind", "citation", "message"],
                "properties": {
                    "kind": {"type": "string"},
                    "citation": {"type": "object"},
                    "also_cites": {"type": "array"},
                    "message": _TEXT,
                    "interpretation": _TEXT,
                    "thresholds": _STR_LIST,
                    "stage": {"type": "string"},
                    "route": {"type": "object"},
                    "period": {"type": "string"},
                },
            },
        },
        "documents": {"type": "object", "additionalProperties": _TEXT},
        "facts": {"type": "object", "additionalProperties": {"type": "string"}},
        "calendar": {"type": "string"},
    },
}
