"""The structure of a regulation's official text: chapters, articles, paragraphs, items.

Owns reading a measure as published (scraped web text included) into 章/条/款/项: an
article begins with 第X条 at the start of a line (or right after a sentence, where a
scrape ran two articles together); each further non-empty line is a paragraph (款), and
lines opening with an item number (（一）/(一)) are items (项) of the paragraph they follow.
Web-page chrome after the last article and annexes (附件) are not part of the measure.
Used by ``lint`` to check a pack's article index against its text, and by ``new`` to
start a pack from a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ParsedArticle", "ParsedText", "parse_regulation", "zh_number"]

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_DIGITS["〇"] = 0
_DIGITS["两"] = 2


def zh_number(text: str) -> int:
    """A Chinese numeral (一 … 九十九 … 一百零八) as an int; ValueError for anything else."""
    if not text or any(c not in _DIGITS and c not in "十百千" for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total = current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


_NUM = "[一二三四五六七八九十百零〇两]+"
_ARTICLE = re.compile(rf"^\s*第({_NUM})条(?:\s+|(?=[\u4e00-\u9fff（(“]))")
_INLINE_ARTICLE = re.compile(rf"(?<=[。；;])\s*(?=第{_NUM}条)")
_CHAPTER = re.compile(rf"^\s*第({_NUM})章\s*(.*)$")
_ITEM = re.compile(rf"^\s*[（(]({_NUM})[）)]")
# Where the measure ends on a web page: annexes, sign-offs and page chrome.
_END = re.compile(
    r"^\s*(附件|附表|相关附件|扫一扫|分享到|【?打印|【?关闭|相关链接|关联阅读|责任编辑|信息来源|来源[:：]"
    r"|打印本页|上一篇|下一篇|文件下载|解读|Produced By|~\s*\d+\s*~)"
)


@dataclass
class ParsedArticle:
    """One article as the text has it."""

    number: int
    chapter: int | None
    line: int
    paragraphs: list[str] = field(default_factory=list)
    # paragraph number (1-based) -> the items under it, in order
    items: dict[int, list[str]] = field(default_factory=dict)

    @property
    def paragraph_count(self) -> int:
        return max(1, len(self.paragraphs))

    def item_counts(self) -> dict[int, int]:
        return {p: len(v) for p, v in self.items.items() if v}

    @property
    def text(self) -> str:
        parts = []
        for i, para in enumerate(self.paragraphs, 1):
            parts.append(para)
            parts.extend(self.items.get(i, []))
        return "\n".join(parts)


@dataclass
class ParsedText:
    """A regulation's chapters and articles, in order."""

    chapters: dict[int, str]
    articles: list[ParsedArticle]

    def article(self, number: int) -> ParsedArticle | None:
        for a in self.articles:
            if a.number == number:
                return a
        return None


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for n, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        line = raw.replace("\u3000", " ").replace("\xa0", " ").strip()
        if not line:
            continue
        # A scrape may run two articles into one line: split after the sentence.
        for piece in _INLINE_ARTICLE.split(line):
            if piece.strip():
                out.append((n, piece.strip()))
    return out


def parse_regulation(text: str) -> ParsedText:
    """The chapters and articles of a regulation's text (see the module docstring)."""
    chapters: dict[int, str] = {}
    articles: list[ParsedArticle] = []
    chapter: int | None = None
    current: ParsedArticle | None = None
    expected = 1
    for n, line in _lines(text):
        m = _CHAPTER.match(line)
        if m and len(line) < 40:
            chapter = zh_number(m.group(1))
            chapters[chapter] = m.group(2).strip()
            current = None
            continue
        m = _ARTICLE.match(line)
        if m and zh_number(m.group(1)) == expected:
            current = ParsedArticle(number=expected, chapter=chapter, line=n)
            articles.append(current)
            expected += 1
            rest = line[m.end() :].strip()
            if rest:
                current.paragraphs.append(rest)
            continue
        if current is None:
            continue
        if _END.match(line):
            current = None
            continue
        if _ITEM.match(line) and current.paragraphs:
            current.items.setdefault(len(current.paragraphs), []).append(line)
        else:
            current.paragraphs.append(line)
    return ParsedText(chapters, articles)
