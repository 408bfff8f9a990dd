"""Starting a new jurisdiction's pack from the official text of its measures.

Owns ``govit-rules new``: the text's 章/条/款/项 become ``articles.yaml`` (every article
marked as not yet encoded, so the pack loads and coverage shows the work ahead); the
document's metadata it can find (title, document number 〔year〕N号, issuer, dates) become
``pack.yaml``; and the money thresholds, periods, prohibitions and document lists it finds
are proposed in ``rules/candidates.yaml`` as commented, unconfirmed candidates, each with
its citation and the words it came from. Nothing is guessed silently: what is not found is
left as a ``TODO`` for the analyst, and a candidate is never a rule until someone writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .._law.text import ParsedArticle, ParsedText, parse_regulation, zh_number

__all__ = ["Candidate", "NewPack", "candidates", "new_pack", "write_new_pack"]

_MONEY = re.compile(
    r"(\d+(?:\.\d+)?)\s*万元\s*(（含）|\(含\)|（含本数）|及以上|以上|以下|以内|不含|（不含）|\(不含\))?"
)
_MONEY_BEFORE = re.compile(r"(超过|不超过|不足|不满|达到|低于|高于)\s*(\d+(?:\.\d+)?)\s*万元")
_PERIOD = re.compile(
    r"(\d+|[一二三四五六七八九十两]+)\s*(个工作日|工作日|个月|日|天|年)(内|以内|之内|前|后|以上|以后)?"
)
_PROHIBIT = re.compile(r"不得|禁止|不予|严禁|不再")
_DOCS = re.compile(r"(提交|报送|提供|附送|申报材料|包括)[^。；]*?[:：]")
_DOCNO = re.compile(r"[\u4e00-\u9fff]{1,8}〔(\d{4})〕\s*(\d+)\s*号")
_DATE_ZH = re.compile(r"(20\d\d|19\d\d)年(\d{1,2})月(\d{1,2})日")
_DATE_ISO = re.compile(r"(20\d\d)-\s*(\d{1,2})-\s*(\d{1,2})")
_TITLE = re.compile(r"^[\u4e00-\u9fff“”\"（）()]{4,40}(办法|规定|细则|制度)(（试行）|\(试行\))?$")
_ISSUER = re.compile(r"^[\u4e00-\u9fff]{2,30}(人民政府办公室|人民政府办公厅|人民政府)$")

_INCLUSIVE = {
    "（含）": "at_least (含本数)",
    "(含)": "at_least (含本数)",
    "（含本数）": "at_least (含本数)",
    "及以上": "at_least (及以上)",
    "以上": "at_least or above: check the measures' rule for 以上 (含本数?)",
    "以下": "below or at_most: check the measures' rule for 以下 (含本数?)",
    "以内": "at_most (以内)",
    "不含": "above/below, the amount excluded (不含)",
    "（不含）": "the amount excluded (不含)",
    "(不含)": "the amount excluded (不含)",
    "超过": "above (超过: the amount excluded)",
    "不超过": "at_most (不超过: the amount included)",
    "不足": "below (不足)",
    "不满": "below (不满)",
    "达到": "at_least (达到)",
    "低于": "below (低于)",
    "高于": "above (高于)",
}
_UNITS = {
    "个工作日": "working_days",
    "工作日": "working_days",
    "个月": "months",
    "日": "days",
    "天": "days",
    "年": "years",
}


@dataclass(frozen=True)
class Candidate:
    """Something in the text that probably belongs in a rule, with where it stands."""

    kind: str  # threshold | period | prohibition | documents
    article: int
    paragraph: int
    item: int | None
    words: str  # the words it came from, shortened
    value: str  # what it would be in a rule (e.g. "200 万元, at_least?")

    @property
    def cite(self) -> str:
        out = f"{{article: {self.article}"
        if self.paragraph > 1 or self.item:
            out += f", paragraph: {self.paragraph}"
        if self.item:
            out += f", item: {self.item}"
        return out + "}"


@dataclass
class NewPack:
    """What ``new`` writes: the parsed text, the metadata found, and the candidates."""

    id: str
    parsed: ParsedText
    title: str | None
    number: str | None
    issuer: str | None
    issued: date | None
    candidates: list[Candidate]


def _clip(text: str, at: int, width: int = 24) -> str:
    lo = max(0, at - width // 2)
    return text[lo : lo + width].replace("\n", " ")


def _units(article: ParsedArticle) -> list[tuple[int, int | None, str]]:
    """(paragraph, item, text) for every paragraph and item of an article."""
    out: list[tuple[int, int | None, str]] = []
    for p, para in enumerate(article.paragraphs, 1):
        out.append((p, None, para))
        for i, item in enumerate(article.items.get(p, []), 1):
            out.append((p, i, item))
    return out


def candidates(parsed: ParsedText) -> list[Candidate]:
    """The thresholds, periods, prohibitions and document lists the text states."""
    out: list[Candidate] = []
    for art in parsed.articles:
        for para, item, text in _units(art):
            for m in _MONEY.finditer(text):
                side = _INCLUSIVE.get(m.group(2) or "", "side not stated: check the text")
                out.append(
                    Candidate(
                        "threshold",
                        art.number,
                        para,
                        item,
                        _clip(text, m.start()),
                        f"{m.group(1)} 万元, {side}",
                    )
                )
            for m in _MONEY_BEFORE.finditer(text):
                out.append(
                    Candidate(
                        "threshold",
                        art.number,
                        para,
                        item,
                        _clip(text, m.start()),
                        f"{m.group(2)} 万元, {_INCLUSIVE[m.group(1)]}",
                    )
                )
            for m in _PERIOD.finditer(text):
                raw = m.group(1)
                if m.group(2) == "年" and (
                    text[m.end() : m.end() + 1] == "度"
                    or text[max(0, m.start() - 1) : m.start()] in "每下上本当今明去"
                ):
                    continue  # 年度, 每年, 下一年: a year named, not a period
                try:
                    amount = int(raw) if raw.isdigit() else zh_number(raw)
                except ValueError:
                    continue
                anchor = text[max(0, m.start() - 16) : m.start()]
                out.append(
                    Candidate(
                        "period",
                        art.number,
                        para,
                        item,
                        _clip(text, m.start(), 32),
                        f"{amount} {_UNITS[m.group(2)]}{' ' + m.group(3) if m.group(3) else ''}"
                        f"; anchor words: …{anchor}",
                    )
                )
            for m in _PROHIBIT.finditer(text):
                out.append(
                    Candidate(
                        "prohibition",
                        art.number,
                        para,
                        item,
                        _clip(text, m.start(), 32),
                        m.group(0),
                    )
                )
            listing = _DOCS.search(text)
            if listing and art.items.get(para) and item is None:
                out.append(
                    Candidate(
                        "documents",
                        art.number,
                        para,
                        None,
                        _clip(text, listing.start(), 32),
                        f"{len(art.items[para])} listed items",
                    )
                )
    return out


def _metadata(text: str) -> tuple[str | None, str | None, str | None, date | None]:
    lines = [ln.strip().replace(" ", "") for ln in text.splitlines() if ln.strip()]
    head = lines[: max(20, len(lines) // 5)]
    title = next((ln.strip("《》") for ln in head if _TITLE.match(ln)), None)
    # The measure's own number stands on a line of its own; one inside a sentence is a
    # document the measure cites.
    number = next((ln for ln in head if _DOCNO.fullmatch(ln)), None)
    issuer = next((ln for ln in head if _ISSUER.match(ln)), None)
    issued = None
    for pattern in (_DATE_ZH, _DATE_ISO):
        found = pattern.search("\n".join(head))
        if found:
            try:
                issued = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            except ValueError:
                issued = None
            break
    return title, number, issuer, issued


def new_pack(pack_id: str, text: str) -> NewPack:
    """Read a regulation's text into what a new pack starts from."""
    parsed = parse_regulation(text)
    title, number, issuer, issued = _metadata(text)
    return NewPack(pack_id, parsed, title, number, issuer, issued, candidates(parsed))


def _q(text: str | None) -> str:
    if text is None:
        return "TODO"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _articles_yaml(new: NewPack) -> str:
    lines = [
        "# Generated by `govit-rules new` from the official text; check every entry.",
        "chapters:",
    ]
    for n, title in sorted(new.parsed.chapters.items()):
        lines.append(f"  - {{number: {n}, title: {{zh: {_q(title or 'TODO')}, en: TODO}}}}")
    if not new.parsed.chapters:
        lines[-1] = "chapters: []"
    lines.append("articles:")
    for a in new.parsed.articles:
        first = re.split(r"[，,。；;：:]", a.paragraphs[0] if a.paragraphs else "")[0][:20]
        lines.append(f"  - article: {a.number}")
        if a.chapter is not None:
            lines.append(f"    chapter: {a.chapter}")
        lines.append(f"    title: {{zh: {_q(first or 'TODO')}, en: TODO}}")
        if a.paragraph_count > 1:
            lines.append(f"    paragraphs: {a.paragraph_count}")
        if a.item_counts():
            items = ", ".join(f"{p}: {n}" for p, n in sorted(a.item_counts().items()))
            lines.append(f"    items: {{{items}}}")
        lines.append("    not_checkable: Not yet encoded (written by govit-rules new).")
    return "\n".join(lines) + "\n"


def _pack_yaml(new: NewPack, source: str) -> str:
    issued = new.issued.isoformat() if new.issued else "2000-01-01  # TODO: the date of issue"
    return "\n".join(
        [
            "# Generated by `govit-rules new` from the official text; check every entry.",
            f"pack: {new.id}",
            'version: "1"',
            f"jurisdiction: {{id: {new.id}, zh: TODO, en: TODO}}",
            "document:",
            f"  title: {{zh: {_q(new.title)}, en: TODO}}",
            f"  issuer: {{zh: {_q(new.issuer)}, en: TODO}}",
            f"  number: {_q(new.number) if new.number else 'null'}",
            f"  issued: {issued}",
            f"  in_force_from: {issued.split()[0]}  # TODO: check the article on entry into force",
            f"  source: {source}",
            "authorities: []",
            "documents: []",
            "routes: {}",
            "",
        ]
    )


def _candidates_yaml(new: NewPack) -> str:
    lines = [
        "# Candidates found in the text by `govit-rules new`: NOT rules. Each is a place the",
        "# measures probably state a threshold, a period, a prohibition or a document list.",
        "# Read the article, then write the rule (see docs/new-jurisdiction.md) and delete",
        "# the candidate.",
        "rules: []",
    ]
    for c in new.candidates:
        lines.append(f"# - {c.kind}: {c.value}")
        lines.append(f"#   cite: {c.cite}")
        lines.append(f"#   words: …{c.words}…")
    return "\n".join(lines) + "\n"


def write_new_pack(new: NewPack, folder: Path, source_name: str) -> list[Path]:
    """Write the new pack's files into ``folder`` (which must not exist yet)."""
    folder.mkdir(parents=True)
    (folder / "rules").mkdir()
    (folder / "tests").mkdir()
    files = {
        folder / "pack.yaml": _pack_yaml(new, source_name),
        folder / "articles.yaml": _articles_yaml(new),
        folder / "rules" / "candidates.yaml": _candidates_yaml(new),
        folder / "tests" / "articles.yaml": "cases: []\n",
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)
