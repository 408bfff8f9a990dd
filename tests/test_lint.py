"""govit-rules lint: band gaps and overlaps, dead rules, untested articles, thresholds, anchors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govit_rules import load_pack
from govit_rules._tools.lint import lint_pack
from helpers import MINI, copy_mini
from helpers import run_cli as run


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return copy_mini(tmp_path)


def edit(pack: Path, old: str, new: str) -> None:
    rules = pack / "rules" / "main.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new), encoding="utf-8")


def add_rule(pack: Path, text: str) -> None:
    rules = pack / "rules" / "main.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + text, encoding="utf-8")


def codes(pack: Path) -> list[str]:
    return [p.code for p in lint_pack(load_pack(pack))]


def test_mini_lint_reports_untested_articles_and_anchors() -> None:
    r = run("lint", str(MINI))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert any(
        line.startswith(
            "tests/fixtures/mini/rules/main.yaml:19:5: untested-article: rule 'approval.small'"
        )
        for line in lines
    ), r.stdout
    assert any("untested-anchor" in line and "budget_review_submitted_on" in line for line in lines)
    # Rules no case names: the mini pack's tests pin only scope, the ban and one route.
    untested = sorted(line.split("'")[1] for line in lines if ": untested-rule: " in line)
    assert untested == [
        "acceptance.security",
        "acceptance.trial",
        "declaration.by",
        "documents.new",
        "review.period",
        "scope.funding",
    ]
    assert lines[-1] == "15 problem(s) in pack mini"


def test_gap_between_bands(pack: Path) -> None:
    edit(pack, "{total_investment: {at_least: 500}}", "{total_investment: {above: 500}}")
    r = run("lint", str(pack), "--format", "json")
    assert r.returncode == 1
    problems = json.loads(r.stdout)["problems"]
    gaps = [p for p in problems if p["code"] == "route-gap"]
    assert len(gaps) == 1
    assert "total_investment in [500, 500] is not covered" in gaps[0]["message"]
    assert gaps[0]["line"] == 19  # the band that ends at the gap: approval.small


def test_overlap_between_bands(pack: Path) -> None:
    edit(pack, "{total_investment: {below: 500}}", "{total_investment: {at_most: 500}}")
    found = [p for p in lint_pack(load_pack(pack)) if p.code == "route-overlap"]
    assert len(found) == 1
    assert (
        "total_investment in [500, 500] is covered by 2 rules (approval.small, approval.large)"
        in found[0].message
    )


def test_interior_gap_and_open_top(pack: Path) -> None:
    edit(pack, "{total_investment: {below: 500}}", "{total_investment: {below: 200}}")
    edit(
        pack,
        "{total_investment: {at_least: 500}}",
        "{total_investment: {at_least: 500, below: 1000}}",
    )
    messages = [p.message for p in lint_pack(load_pack(pack)) if p.code == "route-gap"]
    assert any("[200, 500) is not covered" in m for m in messages), messages
    assert any("[1000, ∞) is not covered" in m for m in messages), messages


def test_gap_only_for_some_values_of_another_fact(pack: Path) -> None:
    edit(
        pack,
        "{total_investment: {at_least: 500}}",
        "{total_investment: {at_least: 500}, is_secret: false}",
    )
    messages = [p.message for p in lint_pack(load_pack(pack)) if p.code == "route-gap"]
    assert messages and "[500, ∞)" in messages[0] and "when is_secret = true" in messages[0]


NEVER = """
  - id: never.fires
    kind: obligation
    cite: {article: 5}
    when: {total_investment: {at_least: 500, below: 200}}
    requires: {need_clear: true}
    message: {zh: 不会触发。, en: Never fires.}
"""

ALWAYS = """
  - id: always.fires
    kind: obligation
    cite: {article: 5}
    when: {any: [{is_secret: true}, {is_secret: false}]}
    requires: {need_clear: true}
    message: {zh: 总会触发。, en: Always fires.}
"""


def test_contradictory_band_never_holds(pack: Path) -> None:
    add_rule(pack, NEVER)
    found = [p for p in lint_pack(load_pack(pack)) if p.code == "never-holds"]
    assert len(found) == 1 and "never.fires" in found[0].message


def test_tautology_always_holds(pack: Path) -> None:
    add_rule(pack, ALWAYS)
    found = [p for p in lint_pack(load_pack(pack)) if p.code == "always-holds"]
    assert len(found) == 1 and "always.fires" in found[0].message


def test_route_without_when_is_fine(pack: Path) -> None:
    assert "always-holds" not in codes(pack)


def test_untested_threshold(pack: Path) -> None:
    edit(pack, "{total_investment: {below: 500}}", "{total_investment: {below: 800}}")
    edit(pack, "{total_investment: {at_least: 500}}", "{total_investment: {at_least: 800}}")
    found = [p for p in lint_pack(load_pack(pack)) if p.code == "untested-threshold"]
    assert {p.message.split("'")[1] for p in found} == {"approval.small", "approval.large"}
    assert all("total_investment = 800" in p.message for p in found)


def test_allow_comment_silences_a_code(pack: Path) -> None:
    edit(pack, "{total_investment: {at_least: 500}}", "{total_investment: {above: 500}}")
    edit(
        pack,
        "  - id: approval.small\n",
        "  # lint: allow route-gap, untested-article\n  - id: approval.small\n",
    )
    found = {
        p.code
        for p in lint_pack(load_pack(pack))
        if "approval.small" in p.message or p.code == "route-gap"
    }
    assert "route-gap" not in found and "untested-article" not in found


def test_damaged_article_cited_through_also_cite(pack: Path) -> None:
    add_rule(
        pack,
        """
  - id: docs.also-damaged
    kind: documents
    cite: {article: 5}
    also_cite: [{article: 7}]
    documents: [plan]
    message: {zh: 方案。, en: Plan.}
""",
    )
    found = [p for p in lint_pack(load_pack(pack)) if p.code == "missing-interpretation"]
    assert len(found) == 1 and "Art. 7" in found[0].message


def test_lint_of_broken_pack_exits_64(pack: Path) -> None:
    edit(pack, "{total_investment: {below: 500}}", "{total_investmnt: {below: 500}}")
    r = run("lint", str(pack))
    assert r.returncode == 64
    assert "unknown-fact" in r.stderr and "Traceback" not in r.stderr
