"""An article whose text is not at hand yet has a status of its own (issue 13).

``tests/fixtures/newcity`` is a pack started from an incomplete copy of its regulation: its
Art. 10 is known to exist but its text is missing (``unknown_text``), and its index says
why it is incomplete (``incomplete``). Neither is forced into ``damaged`` or
``not_checkable``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govit_rules import PackError, load_pack
from govit_rules._tools.coverage import pack_coverage
from govit_rules._tools.docs import render_pack_page
from govit_rules._tools.lint import lint_pack
from helpers import ROOT, copy_fixture, run_cli

NEWCITY = ROOT / "tests" / "fixtures" / "newcity"


def test_an_article_with_unknown_text_loads_without_rules_or_a_not_checkable_reason() -> None:
    pack = load_pack(NEWCITY)
    assert pack.articles[10].unknown_text == "Page 3 of the copy at hand is missing."
    assert pack.articles[10].rules == () and pack.articles[10].not_checkable is None
    assert pack.index_incomplete is not None and "after 10" in pack.index_incomplete


def test_coverage_counts_unknown_text_apart_from_not_checkable_and_operative() -> None:
    cov = pack_coverage(load_pack(NEWCITY))
    row = next(a for a in cov.articles if a.article == 10)
    assert row.status == "unknown_text" and not row.operative
    totals = cov.totals()
    assert totals["unknown_text"] == 1
    assert totals["not_checkable"] == 1  # Art. 1 only
    assert totals["encoded"] + totals["not_checkable"] + totals["unknown_text"] == 10
    assert cov.as_dict()["index_incomplete"] == load_pack(NEWCITY).index_incomplete


def test_the_reference_page_says_the_text_is_not_known_and_the_index_incomplete() -> None:
    page = render_pack_page(load_pack(NEWCITY))
    assert "**Text not known yet:** Page 3 of the copy at hand is missing." in page
    assert "1 whose text is not known yet" in page
    assert "the index is incomplete: The copy at hand ends after page 2" in page


def test_the_coverage_command_shows_the_unknown_text() -> None:
    r = run_cli("coverage", str(NEWCITY))
    assert "text not known yet: Page 3" in r.stdout


def test_a_rule_citing_an_article_whose_text_is_unknown_is_refused(tmp_path: Path) -> None:
    pack = copy_fixture(NEWCITY, tmp_path)
    rules = pack / "rules" / "main.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("cite: {article: 5}", "cite: {article: 10}", 1), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(pack)
    problems = [p for p in exc.value.problems if p.code == "contradictory-article"]
    assert problems and "text is marked unknown" in problems[0].message
    assert problems[0].path.endswith("articles.yaml") and problems[0].line > 0


def test_lint_asks_to_index_an_unknown_article_once_the_text_has_it(tmp_path: Path) -> None:
    folder = tmp_path / "regs"
    folder.mkdir()
    lines = [f"第{n}条 内容。" for n in "一二三四五六七八九十"]
    (folder / "newcity.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = lint_pack(load_pack(NEWCITY), regulations=folder)
    mine = [p for p in problems if "unknown_text" in p.message]
    assert len(mine) == 1 and "article 10" in mine[0].message
