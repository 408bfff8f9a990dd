"""Reading a regulation's official text into 章/条/款/项, and lint against the text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from govit_rules import load_pack
from govit_rules._law.text import parse_regulation, zh_number
from govit_rules._tools.lint import lint_pack

ROOT = Path(__file__).resolve().parent.parent
REGULATIONS = ROOT.parent / "shared" / "regulations"
PACKS = ["dazhou", "hailing", "lushan", "qinzhou", "wendeng"]
needs_texts = pytest.mark.skipif(
    not REGULATIONS.is_dir(), reason="../shared/regulations is not beside the checkout"
)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十四", 24),
        ("六十六", 66),
        ("一百零八", 108),
    ],
)
def test_chinese_numerals_read_as_numbers(numeral: str, value: int) -> None:
    assert zh_number(numeral) == value


def test_a_non_numeral_is_refused() -> None:
    with pytest.raises(ValueError):
        zh_number("第")


def test_paragraphs_and_items_are_read_as_the_text_sets_them_out() -> None:
    text = "第一章 总则\n第一条 为了规范，制定本办法。\n第二条 下列项目适用：\n（一）甲；\n（二）乙。\n包括丙。\n第三条本办法自发布之日起施行。第四条 另一条。\n扫一扫在手机打开当前页\n"
    parsed = parse_regulation(text)
    assert [a.number for a in parsed.articles] == [1, 2, 3, 4]
    two = parsed.article(2)
    assert two is not None and two.paragraph_count == 2 and two.item_counts() == {1: 2}
    four = parsed.article(4)
    assert four is not None and four.paragraph_count == 1
    assert parsed.chapters == {1: "总则"}


@needs_texts
@pytest.mark.parametrize("jurisdiction", PACKS)
def test_the_text_gives_the_shipped_index_article_by_article(jurisdiction: str) -> None:
    parsed = parse_regulation((REGULATIONS / f"{jurisdiction}.txt").read_text(encoding="utf-8"))
    index = yaml.safe_load((ROOT / "rulepacks" / jurisdiction / "articles.yaml").read_text("utf-8"))
    assert len(parsed.articles) == len(index["articles"])
    for entry in index["articles"]:
        found = parsed.article(entry["article"])
        assert found is not None
        assert found.paragraph_count == entry.get("paragraphs", 1), entry["article"]
        want = {int(k): v for k, v in (entry.get("items") or {}).items() if v}
        assert found.item_counts() == want, entry["article"]


@needs_texts
@pytest.mark.parametrize("jurisdiction", PACKS)
def test_lint_finds_the_shipped_packs_in_line_with_their_texts(jurisdiction: str) -> None:
    pack = load_pack(ROOT / "rulepacks" / jurisdiction)
    problems = [
        p
        for p in lint_pack(pack, regulations=REGULATIONS)
        if p.code in ("index-mismatch", "copied-text")
    ]
    assert problems == []


@needs_texts
def test_lint_reports_an_index_that_counts_paragraphs_the_text_does_not_have(
    tmp_path: Path,
) -> None:
    shutil.copytree(ROOT / "rulepacks" / "dazhou", tmp_path / "dazhou")
    articles = tmp_path / "dazhou" / "articles.yaml"
    text = articles.read_text("utf-8")
    anchor = "  - article: 25\n"
    assert anchor in text
    articles.write_text(text.replace(anchor, anchor + "    paragraphs: 2\n", 1), "utf-8")
    problems = lint_pack(load_pack(tmp_path / "dazhou"), regulations=REGULATIONS)
    [mismatch] = [p for p in problems if p.code == "index-mismatch" and "article 25:" in p.message]
    assert "article 25: the text has 1 paragraph(s); the index says 2" in mismatch.message
    assert mismatch.path.endswith("articles.yaml") and mismatch.line > 1


@needs_texts
def test_lint_reports_a_message_that_copies_the_regulation(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rulepacks" / "dazhou", tmp_path / "dazhou")
    rules = tmp_path / "dazhou" / "rules" / "sharing.yaml"
    text = rules.read_text("utf-8")
    first_zh = next(line for line in text.splitlines() if line.strip().startswith("zh:"))
    copied = "      zh: 信息资源目录是信息化项目技术审查和建设的必备条件。"
    rules.write_text(text.replace(first_zh, copied, 1), "utf-8")
    problems = lint_pack(load_pack(tmp_path / "dazhou"), regulations=REGULATIONS)
    assert any(p.code == "copied-text" for p in problems)
