"""The JSON Schemas shipped in schemas/ are the ones the code produces (so editors see the truth)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govit_rules import pack_schema, project_schema

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("kind", ["project", "pack", "articles", "rules", "tests"])
def test_the_shipped_schema_file_matches_the_code(kind: str) -> None:
    shipped = json.loads((SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))
    current = project_schema() if kind == "project" else pack_schema(kind)  # type: ignore[arg-type]
    assert shipped == current, f"refresh it: govit-rules schema {kind} > schemas/{kind}.json"
