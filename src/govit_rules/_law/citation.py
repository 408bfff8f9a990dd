"""Structured citations of Chinese legislation.

This module owns the representation, rendering and parsing of pinpoint citations
such as 第二十条第二款第（一）项 ("Art. 20(2)(i)"), and the Chinese-numeral helpers
they need.

Chinese statutes are divided 条 (article) › 款 (paragraph) › 项 (item) › 目
(sub-item) (立法法 Art. 65; 立法技术规范（试行）（一）). Paragraphs are unnumbered blocks
and are cited by position; items are printed "（一）", "（二）"; sub-items are printed
"1.", "2." and are cited here as 第1目 (arabic, as printed; 第一目 is accepted too).
In English, paragraphs are arabic, items lowercase roman numerals and sub-items
lowercase letters: Art. 20(2)(i)(a).

An article with a single paragraph has its items cited without a paragraph
(第九条第（三）项, "Art. 9(iii)"), so ``item`` does not require ``paragraph``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from ..errors import CitationSyntaxError as _BaseCitationSyntaxError

__all__ = ["Citation", "CitationSyntaxError", "parse_zh_numeral", "zh_numeral"]

# Large enough for the longest code in force (民法典, 1,260 articles) with room to spare;
# bounding the parts keeps every Citation renderable in both languages.
_MAX_PART: Final = 9999

_ZH_DIGITS: Final = "零一二三四五六七八九"
_ZH_DIGIT_VALUES: Final[dict[str, int]] = {
    **{ch: i for i, ch in enumerate(_ZH_DIGITS)},
    "〇": 0,
    "两": 2,
}
_ZH_UNITS: Final[dict[str, int]] = {"十": 10, "百": 100, "千": 1000}


# -- Chinese numerals ------------------------------------------------------------------


def zh_numeral(n: int) -> str:
    """Render 1..9999 as a Chinese numeral as legislation writes it.

    一, 十, 十一, 二十, 一百零五, 一百一十, 一千二百六十. A teen standing alone drops the
    leading 一 (十一) but keeps it after a higher unit (一百一十), and a run of zeros
    inside the number is written as a single 零.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_PART:
        raise ValueError(f"zh_numeral supports integers 1..{_MAX_PART}, got {n!r}")
    if 10 <= n <= 19:
        return "十" + (_ZH_DIGITS[n - 10] if n > 10 else "")
    out: list[str] = []
    pending_zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = (n // unit_value) % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_ZH_DIGITS[digit] + unit)
    return "".join(out)


def parse_zh_numeral(s: str) -> int:
    """Parse a Chinese numeral (the inverse of :func:`zh_numeral`).

    Also accepts 〇 as well as 零, 两 for 二, a redundant leading 一 (一十五), and the
    digit-by-digit form with no units (二〇二六). Raises ValueError on anything else,
    including colloquial abbreviations such as 一百五 whose value is ambiguous.
    """
    text = s.strip()
    if not text or any(ch not in _ZH_DIGIT_VALUES and ch not in _ZH_UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if not any(ch in _ZH_UNITS for ch in text):
        digits = [_ZH_DIGIT_VALUES[ch] for ch in text]
        if len(digits) > 1 and digits[0] == 0:
            raise ValueError(f"not a Chinese numeral (leading zero): {s!r}")
        return int("".join(map(str, digits)))

    total = 0
    last_unit = 10_000  # units must strictly decrease: 千 > 百 > 十
    pending: int | None = None  # a digit waiting for its unit
    after_zero = False  # a 零 licenses a bare trailing digit: 一百零五
    for ch in text:
        if ch in _ZH_UNITS:
            unit = _ZH_UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"not a Chinese numeral (unit order): {s!r}")
            if pending is None:
                if unit != 10 or total:  # only a leading 十 may omit its 一
                    raise ValueError(f"not a Chinese numeral (unit without digit): {s!r}")
                pending = 1
            if pending == 0:
                raise ValueError(f"not a Chinese numeral (零 before unit): {s!r}")
            total += pending * unit
            last_unit, pending, after_zero = unit, None, False
        else:
            value = _ZH_DIGIT_VALUES[ch]
            if value == 0:
                if pending is not None or after_zero or not total:
                    raise ValueError(f"not a Chinese numeral (misplaced 零): {s!r}")
                after_zero = True
            elif pending is not None:
                raise ValueError(f"not a Chinese numeral (two digits in a row): {s!r}")
            else:
                pending = value
    if after_zero and pending is None:
        raise ValueError(f"not a Chinese numeral (trailing 零): {s!r}")
    if pending is not None:
        # A bare final digit is the units digit only right after 十 or after a 零;
        # "一百五" would colloquially mean 150, which legislation never writes.
        if last_unit != 10 and not after_zero:
            raise ValueError(f"not a Chinese numeral (ambiguous final digit): {s!r}")
        total += pending
    return total


# -- Roman numerals and letters (English rendering) -------------------------------------

_ROMAN: Final = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
_ROMAN_VALUES: Final[dict[str, int]] = {sym: val for val, sym in _ROMAN if len(sym) == 1}


def _to_roman(n: int) -> str:
    out: list[str] = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def _from_roman(s: str) -> int | None:
    """Value of a canonical lowercase roman numeral, or None."""
    if not s or any(ch not in _ROMAN_VALUES for ch in s):
        return None
    total = 0
    for i, ch in enumerate(s):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > value:
            total -= value
        else:
            total += value
    # Reject non-canonical spellings (iiii, vx, ic) rather than guess.
    return total if total > 0 and _to_roman(total) == s else None


def _to_letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (bijective base 26)."""
    out: list[str] = []
    while n:
        n, rem = divmod(n - 1, 26)
        out.append(chr(ord("a") + rem))
    return "".join(reversed(out))


def _from_letters(s: str) -> int | None:
    if not s or not all("a" <= ch <= "z" for ch in s):
        return None
    n = 0
    for ch in s:
        n = n * 26 + (ord(ch) - ord("a") + 1)
    return n


# -- Citation ---------------------------------------------------------------------------

_ACCEPTED_FORMS: Final = (
    "第二十条; 第二十条第二款; 第二十条第二款第（一）项 (or (一), 第一项, 第1项); "
    "第九条第（三）项 (item without paragraph); 第二十条第二款第（一）项第1目 (or 第一目); "
    "第20条第2款第1项 (arabic); Art. 20(2)(i)(a), Art 20, Article 10(2)(iv), art. 62, "
    "20(2)(i); Art. 9(iii) (a roman group right after the article is an item)"
)

_NUM: Final = r"[0-9]+|[〇零一二两三四五六七八九十百千]+"
_ZH_PATTERN: Final = re.compile(
    rf"第(?P<article>{_NUM})条"
    rf"(?:第(?P<paragraph>{_NUM})款)?"
    rf"(?:第(?:\((?P<item_b>{_NUM})\)|(?P<item>{_NUM}))项"
    rf"(?:第(?:\((?P<sub_b>{_NUM})\)|(?P<sub>{_NUM}))目)?)?"
)
_EN_PATTERN: Final = re.compile(
    r"(?:art(?:icle)?\.?)?(?P<article>[0-9]+)(?P<groups>(?:\([0-9a-z]+\))*)", re.IGNORECASE
)
_GROUP: Final = re.compile(r"\(([0-9a-z]+)\)", re.IGNORECASE)


class CitationSyntaxError(_BaseCitationSyntaxError):
    """A citation string matches none of the accepted forms."""

    def __init__(self, text: str, reason: str = "") -> None:
        self.text = text
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"cannot parse citation {text!r}{detail}; accepted forms: {_ACCEPTED_FORMS}"
        )


@dataclass(frozen=True, slots=True)
class Citation:
    """A pinpoint reference to an article, paragraph, item and sub-item.

    Ordering follows the text of the statute: an article sorts before its
    paragraphs, a paragraph before its items (absent parts sort first).
    """

    article: int
    paragraph: int | None = None
    item: int | None = None
    sub_item: int | None = None

    def __post_init__(self) -> None:
        for name in ("article", "paragraph", "item", "sub_item"):
            value = getattr(self, name)
            if value is None and name != "article":
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Citation.{name} must be an int, got {value!r}")
            if not 1 <= value <= _MAX_PART:
                raise ValueError(f"Citation.{name} must be in 1..{_MAX_PART}, got {value}")
        # A 目 exists only inside a 项; a 项 may stand directly under a
        # single-paragraph article, so item without paragraph is allowed.
        if self.sub_item is not None and self.item is None:
            raise ValueError("Citation.sub_item requires an item")

    # Ordering is written out rather than generated by dataclass(order=True): the
    # generated methods compare None with int and raise TypeError for, e.g.,
    # Art. 9(iii) against Art. 9(1).
    def _key(self) -> tuple[int, int, int, int]:
        return (self.article, self.paragraph or 0, self.item or 0, self.sub_item or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Citation):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Citation):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Citation):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Citation):
            return NotImplemented
        return self._key() >= other._key()

    def zh(self) -> str:
        """Chinese form: 第二十条第二款第（一）项第1目."""
        out = f"第{zh_numeral(self.article)}条"
        if self.paragraph is not None:
            out += f"第{zh_numeral(self.paragraph)}款"
        if self.item is not None:
            out += f"第（{zh_numeral(self.item)}）项"
        if self.sub_item is not None:
            out += f"第{self.sub_item}目"
        return out

    def en(self) -> str:
        """English form: Art. 20(2)(i)(a)."""
        out = f"Art. {self.article}"
        if self.paragraph is not None:
            out += f"({self.paragraph})"
        if self.item is not None:
            out += f"({_to_roman(self.item)})"
        if self.sub_item is not None:
            out += f"({_to_letters(self.sub_item)})"
        return out

    def __str__(self) -> str:
        return self.en()

    @classmethod
    def parse(cls, text: str) -> Citation:
        """Parse a Chinese or English citation; raise CitationSyntaxError otherwise."""
        if not isinstance(text, str):
            raise CitationSyntaxError(repr(text), "not a string")
        # NFKC folds full-width brackets and digits to ASCII; whitespace carries no meaning.
        normal = "".join(unicodedata.normalize("NFKC", text).split())
        try:
            if normal.startswith("第"):
                return cls._parse_zh(normal, text)
            return cls._parse_en(normal, text)
        except CitationSyntaxError:
            raise
        except ValueError as exc:
            raise CitationSyntaxError(text, str(exc)) from exc

    @classmethod
    def _parse_zh(cls, normal: str, text: str) -> Citation:
        match = _ZH_PATTERN.fullmatch(normal)
        if match is None:
            raise CitationSyntaxError(text)

        def number(*groups: str) -> int | None:
            for group in groups:
                raw = match[group]
                if raw is not None:
                    return int(raw) if raw.isascii() else parse_zh_numeral(raw)
            return None

        article = number("article")
        assert article is not None  # the pattern requires it
        return cls(
            article,
            number("paragraph"),
            number("item_b", "item"),
            number("sub_b", "sub"),
        )

    @classmethod
    def _parse_en(cls, normal: str, text: str) -> Citation:
        match = _EN_PATTERN.fullmatch(normal)
        if match is None:
            raise CitationSyntaxError(text)
        groups = [g.lower() for g in _GROUP.findall(match["groups"])]
        paragraph = item = sub_item = None
        # The first group after the article is a paragraph if arabic, an item if
        # roman (single-paragraph article); then item (roman), then sub-item (letters).
        if groups and groups[0].isdigit():
            paragraph = int(groups.pop(0))
        if groups:
            item = _from_roman(groups.pop(0))
            if item is None:
                raise CitationSyntaxError(text, "item must be a roman numeral")
        if groups:
            raw = groups.pop(0)
            sub_item = int(raw) if raw.isdigit() else _from_letters(raw)
            if sub_item is None:
                raise CitationSyntaxError(text, "sub-item must be letters or digits")
        if groups:
            raise CitationSyntaxError(text, "too many parts")
        return cls(int(match["article"]), paragraph, item, sub_item)

    def within(self, other: Citation) -> bool:
        """True if ``self`` is ``other`` or a part of it (Art. 20(2)(i) within Art. 20(2)).

        A level that ``other`` skips while citing a deeper one (Art. 9(iii) skips the
        paragraph) must be skipped by ``self`` too: Art. 9(1)(iii) is not within
        Art. 9(iii), since the two address the text differently.
        """
        mine = (self.article, self.paragraph, self.item, self.sub_item)
        theirs = (other.article, other.paragraph, other.item, other.sub_item)
        depth = max(i for i, part in enumerate(theirs) if part is not None)
        return mine[: depth + 1] == theirs[: depth + 1]

    def as_dict(self) -> dict[str, int]:
        """The non-None parts, e.g. {"article": 20, "paragraph": 2, "item": 1}."""
        parts = {
            "article": self.article,
            "paragraph": self.paragraph,
            "item": self.item,
            "sub_item": self.sub_item,
        }
        return {key: value for key, value in parts.items() if value is not None}
