"""The compact verdict and the pack texts it names: what a verdict decided, texts served once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from govit_rules import Verdict, evaluate, get_pack, jurisdictions
from govit_rules._vocab.compact import COMPACT_SCHEMA, TEXTS_SCHEMA

AS_OF = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "rulepacks").glob("*/examples/*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_a_compact_verdict_validates_and_says_what_the_full_one_decided(path: Path) -> None:
    jurisdiction = path.parent.parent.name
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    v = evaluate(project, jurisdiction, as_of=AS_OF)
    compact = json.loads(v.to_json(compact=True))
    jsonschema.validate(compact, COMPACT_SCHEMA)
    full = json.loads(v.to_json())
    assert compact["pack"]["content_hash"] == full["pack"]["content_hash"]
    assert compact["outcome"] == full["outcome"]
    assert [(f["rule"], f["status"]) for f in compact["findings"]] == [
        (f["rule_id"], f["status"]) for f in full["findings"]
    ]
    assert compact["routes"] == [r["rule_id"] for r in full["approval_routes"]]
    assert [d["due"] for d in compact["deadlines"]] == [d["due"] for d in full["deadlines"]]
    assert len(v.to_json(compact=True)) < len(v.to_json()) / 2


@pytest.mark.parametrize("path", EXAMPLES[:4], ids=lambda p: p.parent.parent.name)
def test_the_compact_form_is_the_same_from_a_lazy_verdict_and_from_a_parsed_one(path: Path) -> None:
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    v = evaluate(project, path.parent.parent.name, as_of=AS_OF)
    lazy = v.to_json(compact=True)
    parsed = Verdict.model_validate_json(v.to_json())
    assert parsed.to_json(compact=True) == lazy


@pytest.mark.parametrize("jurisdiction", jurisdictions())
def test_pack_texts_hold_every_rule_document_and_fact_label_a_compact_verdict_names(
    jurisdiction: str,
) -> None:
    pack = get_pack(jurisdiction, AS_OF)
    texts = pack.texts()
    jsonschema.validate(texts, TEXTS_SCHEMA)
    assert texts["pack"]["content_hash"] == pack.content_hash
    assert set(texts["rules"]) == {r.id for r in pack.rules}
    assert set(texts["documents"]) == set(pack.documents)
    for rule in pack.rules:
        entry = texts["rules"][rule.id]
        assert entry["message"]["zh"] and entry["message"]["en"]
        if rule.kind == "route":
            assert entry["route"]["steps"]


@pytest.mark.parametrize("name", ["compact-verdict", "pack-texts"])
def test_the_shipped_compact_schemas_match_the_code(name: str) -> None:
    shipped = json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    assert shipped == (COMPACT_SCHEMA if name == "compact-verdict" else TEXTS_SCHEMA)
