"""The cite stage: the article index checked against itself and against every citation.

Owns what makes a pack's article index sound (every article of the regulation indexed once,
items within their paragraphs, chapters listed), what makes a citation resolve (its
article, paragraph and item exist), the rule that a rule citing a damaged article says how
it reads it, and that every article is either encoded by a rule or marked not checkable.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._io.yaml import locate
from .compiled import ArticleInfo
from .loading import Loading
from .schema import ArticlesFile, ArticleSpec

__all__ = ["check_articles"]


def check_articles(
    ld: Loading,
    path: Path,
    raw: Any,
    af: ArticlesFile,
    prepared: list[dict[str, Any]],
) -> dict[int, ArticleInfo]:
    specs: dict[int, tuple[ArticleSpec, int]] = {}
    chapters = {c.number for c in af.chapters}
    for i, a in enumerate(af.articles):
        if a.article in specs:
            ld.problem(
                path,
                locate(raw, ("articles", i, "article")),
                "duplicate-article",
                f"article {a.article} is indexed twice",
            )
            continue
        specs[a.article] = (a, i)
        if a.chapter is not None and chapters and a.chapter not in chapters:
            ld.problem(
                path,
                locate(raw, ("articles", i, "chapter")),
                "unknown-chapter",
                f"article {a.article} is in chapter {a.chapter}, which chapters does not list",
            )
        for para in a.items:
            if para > a.paragraphs:
                ld.problem(
                    path,
                    locate(raw, ("articles", i, "items")),
                    "bad-structure",
                    f"article {a.article} has {a.paragraphs} paragraph(s) but items for paragraph {para}",
                )
    if specs:
        top = max(specs)
        # ``top`` is at most MAX_ARTICLE (the schema bounds it), so this range is small.
        missing = [n for n in range(1, top + 1) if n not in specs]
        if missing:
            ld.problem(
                path,
                locate(raw, ("articles",)),
                "missing-article",
                f"the index skips article(s) {_spans(missing)}; "
                "every article of the regulation must be indexed",
            )

    citing: dict[int, list[str]] = {}
    for pr in prepared:
        for c in (pr["citation"], *pr["also"]):
            entry = specs.get(c.article)
            info_ok = entry is not None and _info(entry[0], ()).has(c)
            if not info_ok:
                detail = (
                    "is not in the article index"
                    if entry is None
                    else "does not exist in its article (check paragraphs and items in articles.yaml)"
                )
                top = max(specs) if specs else 0
                ld.problem(
                    pr["_path"],
                    pr["_cite_pos"],
                    "unknown-citation",
                    f"rule {pr['id']!r} cites {c.en()} ({c.zh()}), which {detail}; indexed articles: 1-{top}",
                )
                if entry is None:
                    continue
            lst = citing.setdefault(c.article, [])
            if pr["id"] not in lst:
                lst.append(pr["id"])
            assert entry is not None
            if entry[0].damaged and pr["interpretation"] is None and c == pr["citation"]:
                ld.problem(
                    pr["_path"],
                    pr["_pos"],
                    "missing-interpretation",
                    f"rule {pr['id']!r} cites Art. {c.article}, whose text is damaged ({entry[0].damaged}); "
                    "add an interpretation note saying which reading the rule takes",
                )
    out: dict[int, ArticleInfo] = {}
    for n, (a, i) in sorted(specs.items()):
        rules = tuple(citing.get(n, ()))
        if a.unknown_text and (rules or a.not_checkable):
            ld.problem(
                path,
                locate(raw, ("articles", i, "unknown_text")),
                "contradictory-article",
                f"article {n}'s text is marked unknown ({a.unknown_text}), so nothing can "
                "be read from it yet: "
                + (f"rules cite it ({', '.join(rules)})" if rules else "it is also not_checkable")
                + "; index its text first",
            )
        if not rules and not a.not_checkable and not a.unknown_text and n not in ld.unloaded_cites:
            ld.problem(
                path,
                locate(raw, ("articles", i)),
                "uncovered-article",
                f"article {n} is neither encoded by a rule nor marked not_checkable with a reason",
            )
        if rules and a.not_checkable:
            ld.problem(
                path,
                locate(raw, ("articles", i, "not_checkable")),
                "contradictory-article",
                f"article {n} is marked not_checkable but rules cite it: {', '.join(rules)}",
            )
        out[n] = _info(a, rules)
    return out


def _spans(numbers: list[int], shown: int = 20) -> str:
    """Sorted numbers as short spans (``2-9, 12``), at most ``shown`` of them then a count."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and spans[-1][1] == n - 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = [str(a) if a == b else f"{a}-{b}" for a, b in spans[:shown]]
    if len(spans) > shown:
        text.append(f"and {len(spans) - shown} more")
    return ", ".join(text)


def _info(a: ArticleSpec, rules: tuple[str, ...]) -> ArticleInfo:
    return ArticleInfo(
        article=a.article,
        chapter=a.chapter,
        title_zh=a.title.zh,
        title_en=a.title.en,
        paragraphs=a.paragraphs,
        items=MappingProxyType(dict(a.items)),
        not_checkable=a.not_checkable,
        damaged=a.damaged,
        rules=rules,
        unknown_text=a.unknown_text,
    )
