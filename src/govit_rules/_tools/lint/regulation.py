"""The checks against the regulation: damaged articles without an interpretation, and with
the official text at hand the index's counts and wording copied from the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..._io.yaml import load_yaml, locate
from ..._law.text import parse_regulation
from ..._packs.loader import ArticleInfo, CompiledPack
from ...errors import Problem
from .places import problem_at

__all__ = ["check_damaged", "check_text", "regulation_text"]


def check_damaged(pack: CompiledPack) -> list[Problem]:
    out: list[Problem] = []
    for rule in pack.rules:
        if rule.interpretation is not None:
            continue
        for c in (rule.citation, *rule.also):
            info = pack.articles.get(c.article)
            if info is not None and info.damaged:
                out.append(
                    problem_at(
                        rule,
                        "missing-interpretation",
                        f"rule {rule.id!r} cites {c.en()}, whose text is damaged "
                        f"({info.damaged}); add an interpretation note",
                    )
                )
    return out


_COPY_RUN = 16  # consecutive characters a message may share with the regulation, minus one
_NOT_TEXT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|[\s，。；：、,.;:（）()“”\"'《》!?！？]")


def _plain_text(text: str) -> str:
    """Text without placeholders, white space and punctuation, for comparing wordings."""
    return _NOT_TEXT.sub("", text)


def check_text(pack: CompiledPack, text: str) -> list[Problem]:
    """The pack against its regulation's text: the index's counts, and copied wording.

    ``index-mismatch``: an article whose paragraphs (款) or items (项) the index counts
    otherwise than the text (citations to a paragraph that does not exist follow from it).
    ``copied-text``: a message sharing 16 or more consecutive characters with the text;
    messages say in our own words what the law requires and cite it by number.
    """
    out: list[Problem] = []
    parsed = parse_regulation(text)
    articles_path = pack.path / "articles.yaml"
    raw, _ = load_yaml(articles_path)
    try:
        shown = str(articles_path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(articles_path)
    positions: dict[int, tuple[int, int]] = {}
    for i, entry in enumerate(raw.get("articles", []) if isinstance(raw, dict) else []):
        if isinstance(entry, dict) and isinstance(entry.get("article"), int):
            positions[entry["article"]] = locate(raw, ("articles", i))
    for number, info in sorted(pack.articles.items()):
        found = parsed.article(number)
        line, col = positions.get(number, (1, 1))
        message = _index_mismatch(number, info, found, len(parsed.articles))
        if message is not None:
            out.append(Problem(shown, line, col, "index-mismatch", message))
    windows: set[str] = set()
    plain = _plain_text(text)
    for i in range(len(plain) - _COPY_RUN + 1):
        windows.add(plain[i : i + _COPY_RUN])
    for rule, zh in pack.message_sources().items():
        message = _plain_text(zh[0])
        for i in range(len(message) - _COPY_RUN + 1):
            if message[i : i + _COPY_RUN] in windows:
                out.append(
                    problem_at(
                        pack.rule(rule),
                        "copied-text",
                        f"rule {rule!r}'s message repeats the regulation word for word "
                        f"({message[i : i + _COPY_RUN]}…); say it in our own words and cite it",
                    )
                )
                break
    return out


def _index_mismatch(number: int, info: ArticleInfo, found: Any, n_found: int) -> str | None:
    """What differs between an indexed article and the text's (None when they agree)."""
    if info.unknown_text:
        if found is None:
            return None
        return (
            f"article {number} is marked unknown_text, but the text has it: index its "
            "paragraphs and items and encode it"
        )
    if found is None:
        return f"article {number} is not in the regulation's text ({n_found} articles found)"
    items = {p: n for p, n in info.items.items() if n}
    if found.paragraph_count == info.paragraphs and found.item_counts() == items:
        return None
    return (
        f"article {number}: the text has {found.paragraph_count} paragraph(s)"
        f"{_items_text(found.item_counts())}; the index says {info.paragraphs}"
        f"{_items_text(items)}"
    )


def _items_text(items: Mapping[int, int]) -> str:
    if not items:
        return ""
    return " with items " + ", ".join(f"{n} in paragraph {p}" for p, n in sorted(items.items()))


def regulation_text(pack: CompiledPack, folder: Path | str | None) -> str | None:
    """The text of the pack's regulation (``document.source``) in ``folder``, if there."""
    source = pack.meta.document.source
    if folder is None or not source:
        return None
    path = Path(folder) / source
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# Facts whose values are the regulations' words for kinds of work and of delivery: rules
