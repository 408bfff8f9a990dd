"""govit-rules new: a pack started from a regulation's official text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from govit_rules import load_pack
from govit_rules._lang.conditions import fact_types
from govit_rules._lang.conditions import tests_of as leaf_tests
from govit_rules._tools.newpack import new_pack, write_new_pack

ROOT = Path(__file__).resolve().parent.parent
REGULATIONS = ROOT.parent / "shared" / "regulations"
PACKS = ["dazhou", "hailing", "lushan", "qinzhou", "wendeng"]
pytestmark = pytest.mark.skipif(
    not REGULATIONS.is_dir(), reason="../shared/regulations is not beside the checkout"
)


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_new_reproduces_the_shipped_article_index_and_the_pack_loads(
    jurisdiction: str, tmp_path: Path
) -> None:
    made = new_pack(f"{jurisdiction}-new", (REGULATIONS / f"{jurisdiction}.txt").read_text("utf-8"))
    write_new_pack(made, tmp_path / "p", f"{jurisdiction}.txt")
    generated = yaml.safe_load((tmp_path / "p" / "articles.yaml").read_text("utf-8"))
    shipped = yaml.safe_load(
        (ROOT / "rulepacks" / jurisdiction / "articles.yaml").read_text("utf-8")
    )

    def shape(index: dict) -> list[tuple[int, int, dict[int, int]]]:  # type: ignore[type-arg]
        return [
            (
                a["article"],
                a.get("paragraphs", 1),
                {int(k): v for k, v in (a.get("items") or {}).items() if v},
            )
            for a in index["articles"]
        ]

    assert shape(generated) == shape(shipped)
    assert len(generated["chapters"]) == len(shipped["chapters"])
    pack = load_pack(tmp_path / "p")
    assert len(pack.articles) == len(shipped["articles"])


def _encoded(jurisdiction: str) -> tuple[set[tuple[int, Decimal]], set[tuple[int, int, str]]]:
    types = fact_types()
    pack = load_pack(ROOT / "rulepacks" / jurisdiction)
    money: set[tuple[int, Decimal]] = set()
    periods: set[tuple[int, int, str]] = set()
    for rule in pack.rules:
        for tree in (rule.when, rule.main, rule.unless):
            for t in leaf_tests(tree) if tree is not None else ():
                if (
                    t.op in ("at_least", "above", "below", "at_most")
                    and isinstance(t.value, Decimal)
                    and types[t.fact].kind == "number"
                    and "percent" not in t.fact
                    and "ratio" not in t.fact
                    and t.value > 0
                ):
                    money.add((rule.citation.article, t.value))
        spec = rule.deadline
        for ps in (spec.period, spec.start, spec.end) if spec is not None else ():
            if ps is not None:
                periods.add((rule.citation.article, ps.amount, ps.unit))
    return money, periods


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_the_candidates_name_every_encoded_money_threshold_and_every_period_the_text_states(
    jurisdiction: str,
) -> None:
    made = new_pack(jurisdiction, (REGULATIONS / f"{jurisdiction}.txt").read_text("utf-8"))
    money = {
        (c.article, Decimal(c.value.split()[0])) for c in made.candidates if c.kind == "threshold"
    }
    periods = set()
    for c in made.candidates:
        m = re.match(r"(\d+) (\w+)", c.value)
        if c.kind == "period" and m:
            periods.add((c.article, int(m.group(1)), m.group(2)))
    want_money, want_periods = _encoded(jurisdiction)
    assert want_money <= money
    # Dazhou Arts. 37 ("10内": the unit is lost) and 52 ("1224个月") are damaged in the
    # text: their periods are readings, not words a reader of the text could find.
    damaged = (
        {(37, 10, "days"), (52, 12, "months"), (52, 24, "months")}
        if jurisdiction == "dazhou"
        else set()
    )
    assert want_periods - damaged <= periods


def test_new_from_the_command_line_writes_a_pack_that_loads(tmp_path: Path) -> None:
    from helpers import run_cli

    out = tmp_path / "wendeng-new"
    args = ("new", "wendeng-new", "--text", str(REGULATIONS / "wendeng.txt"), "--out", str(out))
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "40 articles in 9 chapters" in result.stdout
    assert load_pack(out).id == "wendeng-new"
    again = run_cli(*args)
    assert again.returncode == 64 and "exists already" in again.stderr
    assert "Traceback" not in again.stderr
