"""The shipped example projects keep showing what their file names say."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from govit_rules import evaluate

PACKS = Path(__file__).resolve().parent.parent / "rulepacks"
EXAMPLES = sorted(PACKS.glob("*/examples/*.yaml"))
EXPECTED = {"compliant": "compliant", "non-compliant": "non_compliant", "prohibited": "prohibited"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_each_example_project_gets_the_outcome_its_name_states(path: Path) -> None:
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    verdict = evaluate(project, path.parent.parent.name, as_of=date(2026, 11, 25))
    assert verdict.outcome.value == EXPECTED[path.stem]


def test_every_pack_ships_a_compliant_example_and_one_with_problems() -> None:
    for pack in sorted(p for p in PACKS.iterdir() if (p / "pack.yaml").is_file()):
        names = {p.stem for p in (pack / "examples").glob("*.yaml")}
        assert "compliant" in names and names & {"non-compliant", "prohibited"}, pack.name
