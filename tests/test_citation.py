"""Tests for govit_rules._law.citation: 条/款/项/目 citations and Chinese numerals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govit_rules._law.citation import Citation, CitationSyntaxError, parse_zh_numeral, zh_numeral

ART_20_2_I = Citation(20, 2, 1)

# -- Chinese numerals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (2, "二"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (66, "六十六"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (119, "一百一十九"),
        (200, "二百"),
        (999, "九百九十九"),
        (1000, "一千"),
        (1005, "一千零五"),
        (1010, "一千零一十"),
        (1260, "一千二百六十"),
    ],
)
def test_zh_numeral_renders_as_legislation_writes(n: int, text: str) -> None:
    assert zh_numeral(n) == text
    assert parse_zh_numeral(text) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("一百〇五", 105),
        ("两百", 200),
        ("一十五", 15),
        ("二〇二六", 2026),
        ("零", 0),
        (" 二十 ", 20),
    ],
)
def test_parse_zh_numeral_accepts_ling_liang_and_digit_by_digit_forms(text: str, n: int) -> None:
    assert parse_zh_numeral(text) == n


@pytest.mark.parametrize(
    "junk",
    ["", "abc", "二十x", "百", "十十", "一百五", "十零", "一百零零五", "二三十", "〇五", "千百"],
)
def test_parse_zh_numeral_raises_value_error_on_junk(junk: str) -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        parse_zh_numeral(junk)


@pytest.mark.parametrize("n", [0, -1, 10_000, True])
def test_zh_numeral_raises_value_error_outside_1_to_9999(n: int) -> None:
    with pytest.raises(ValueError):
        zh_numeral(n)


@given(st.integers(min_value=1, max_value=999))
def test_zh_numeral_and_parse_zh_numeral_round_trip_from_1_to_999(n: int) -> None:
    assert parse_zh_numeral(zh_numeral(n)) == n


@given(st.integers(min_value=1, max_value=9999))
def test_zh_numeral_and_parse_zh_numeral_round_trip_up_to_9999(n: int) -> None:
    assert parse_zh_numeral(zh_numeral(n)) == n


# -- rendering --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("citation", "zh", "en"),
    [
        (Citation(20, 2, 1), "第二十条第二款第（一）项", "Art. 20(2)(i)"),
        (Citation(10), "第十条", "Art. 10"),
        (Citation(10, 2), "第十条第二款", "Art. 10(2)"),
        (Citation(10, 2, 4), "第十条第二款第（四）项", "Art. 10(2)(iv)"),
        (Citation(9, None, 3), "第九条第（三）项", "Art. 9(iii)"),
        (Citation(20, 2, 1, 1), "第二十条第二款第（一）项第1目", "Art. 20(2)(i)(a)"),
        (Citation(9, None, 3, 2), "第九条第（三）项第2目", "Art. 9(iii)(b)"),
        (Citation(1260), "第一千二百六十条", "Art. 1260"),
    ],
)
def test_citations_render_in_chinese_and_english(citation: Citation, zh: str, en: str) -> None:
    assert citation.zh() == zh
    assert citation.en() == en
    assert str(citation) == en


def test_as_dict_holds_only_the_parts_present() -> None:
    assert ART_20_2_I.as_dict() == {"article": 20, "paragraph": 2, "item": 1}
    assert Citation(9, None, 3).as_dict() == {"article": 9, "item": 3}
    assert Citation(20, 2, 1, 4).as_dict() == {
        "article": 20,
        "paragraph": 2,
        "item": 1,
        "sub_item": 4,
    }


# -- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"article": 0},
        {"article": -3},
        {"article": 10, "paragraph": 0},
        {"article": 10, "item": -1},
        {"article": 10, "paragraph": 1, "item": 1, "sub_item": 0},
        {"article": 10_000},
        {"article": True},
    ],
)
def test_citation_parts_must_be_positive_ints(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        Citation(**kwargs)


def test_a_sub_item_without_an_item_is_rejected() -> None:
    with pytest.raises(ValueError, match="sub_item requires an item"):
        Citation(20, 2, None, 1)


def test_an_item_without_a_paragraph_is_allowed_for_single_paragraph_articles() -> None:
    assert Citation(9, item=3).paragraph is None


def test_citations_are_frozen_and_hashable() -> None:
    with pytest.raises(AttributeError):
        ART_20_2_I.article = 21  # type: ignore[misc]
    assert len({ART_20_2_I, Citation(20, 2, 1), Citation(20, 2)}) == 2


def test_citations_sort_in_statute_order_even_when_parts_are_missing() -> None:
    unsorted = [Citation(9, 1), Citation(20), Citation(9, None, 3), Citation(9), Citation(8, 2)]
    assert sorted(unsorted) == [
        Citation(8, 2),
        Citation(9),
        Citation(9, None, 3),
        Citation(9, 1),
        Citation(20),
    ]
    assert Citation(20, 2) < Citation(20, 2, 1) <= Citation(20, 2, 1) < Citation(20, 3)
    assert Citation(21) > Citation(20, 9, 9, 9) >= Citation(20, 9, 9)


# -- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第二十条第二款第（一）项", Citation(20, 2, 1)),
        ("第二十条第二款第(一)项", Citation(20, 2, 1)),
        ("第20条第2款第1项", Citation(20, 2, 1)),
        ("第二十条第二款第一项", Citation(20, 2, 1)),
        ("第十条第二款第（四）项", Citation(10, 2, 4)),
        ("第九条第（三）项", Citation(9, None, 3)),
        ("第十条", Citation(10)),
        ("第一百零五条第三款", Citation(105, 3)),
        ("第一千二百六十条", Citation(1260)),
        (" 第 二十 条 第 二 款 ", Citation(20, 2)),
        ("第２０条第２款", Citation(20, 2)),
        ("第二十条第二款第（一）项第1目", Citation(20, 2, 1, 1)),
        ("第二十条第二款第（一）项第二目", Citation(20, 2, 1, 2)),
        ("第九条第（三）项第3目", Citation(9, None, 3, 3)),
        ("Art. 20(2)(i)", Citation(20, 2, 1)),
        ("Art 20(2)(i)", Citation(20, 2, 1)),
        ("Article 10(2)(iv)", Citation(10, 2, 4)),
        ("art. 62", Citation(62)),
        ("ART. 62", Citation(62)),
        ("20(2)(i)", Citation(20, 2, 1)),
        ("10(2)(iv)", Citation(10, 2, 4)),
        ("Art. 9(iii)", Citation(9, None, 3)),
        ("Art. 20 (2) (i)", Citation(20, 2, 1)),
        ("Art. 20（2）（i）", Citation(20, 2, 1)),
        ("Art. 20(2)(IV)", Citation(20, 2, 4)),
        ("Art. 20(2)(i)(a)", Citation(20, 2, 1, 1)),
        ("Art. 20(2)(ix)(c)", Citation(20, 2, 9, 3)),
        ("Art. 9(iii)(b)", Citation(9, None, 3, 2)),
        # Position decides: the fourth group is a sub-item, so (i) there is the letter i.
        ("Art. 20(2)(i)(i)", Citation(20, 2, 1, 9)),
    ],
)
def test_parse_accepts_chinese_and_english_forms(text: str, expected: Citation) -> None:
    assert Citation.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "foo",
        "第二十条第二款第（一项",
        "第二十条第二款第一）项",
        "第二十款",
        "第零条",
        "第二十条第1目",
        "第一百五条",
        "Art.",
        "Art. 20(a)",
        "Art. 20(2)(1)",
        "Art. 20(2)(iiii)",
        "Art. 20(2)(i)(a)(b)",
        "Art. 0",
        "Section 20",
    ],
)
def test_parse_raises_citation_syntax_error_on_anything_else(text: str) -> None:
    with pytest.raises(CitationSyntaxError):
        Citation.parse(text)


def test_the_syntax_error_names_the_text_and_the_accepted_forms() -> None:
    with pytest.raises(CitationSyntaxError) as info:
        Citation.parse("Section 20")
    message = str(info.value)
    assert "'Section 20'" in message
    assert "accepted forms" in message
    assert "第二十条第二款第（一）项" in message
    assert "Art. 20(2)(i)" in message
    assert isinstance(info.value, ValueError)


# -- within -----------------------------------------------------------------------------


def test_an_item_is_within_its_article_and_its_paragraph_and_itself() -> None:
    assert ART_20_2_I.within(Citation(20))
    assert ART_20_2_I.within(Citation(20, 2))
    assert ART_20_2_I.within(ART_20_2_I)
    assert Citation(20, 2, 1, 3).within(ART_20_2_I)


def test_an_article_is_not_within_its_own_item() -> None:
    assert not Citation(20).within(ART_20_2_I)
    assert not Citation(20, 2).within(ART_20_2_I)


def test_parts_of_other_articles_paragraphs_or_items_are_not_within() -> None:
    assert not ART_20_2_I.within(Citation(21))
    assert not ART_20_2_I.within(Citation(20, 3))
    assert not ART_20_2_I.within(Citation(20, 2, 2))


def test_an_item_cited_without_paragraph_is_within_its_article_only() -> None:
    assert Citation(9, None, 3).within(Citation(9))
    assert Citation(9, None, 3, 1).within(Citation(9, None, 3))
    assert not Citation(9, None, 3).within(Citation(9, 1))
    assert not Citation(9, 1, 3).within(Citation(9, None, 3))


# -- properties -------------------------------------------------------------------------


@st.composite
def citations(draw: st.DrawFn) -> Citation:
    article = draw(st.integers(1, 199))
    paragraph = draw(st.none() | st.integers(1, 9))
    item = draw(st.none() | st.integers(1, 20))
    sub_item = draw(st.none() | st.integers(1, 9)) if item is not None else None
    return Citation(article, paragraph, item, sub_item)


@given(citations())
def test_the_chinese_rendering_parses_back_to_the_same_citation(citation: Citation) -> None:
    assert Citation.parse(citation.zh()) == citation


@given(citations())
def test_the_english_rendering_parses_back_to_the_same_citation(citation: Citation) -> None:
    assert Citation.parse(citation.en()) == citation
    assert Citation.parse(str(citation)) == citation


@given(citations(), citations())
def test_within_is_reflexive_and_implies_sorting_no_earlier(a: Citation, b: Citation) -> None:
    assert a.within(a)
    if a.within(b):
        assert b <= a
        if b.within(a):
            assert a == b
