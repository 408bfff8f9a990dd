"""Article coverage of a rule pack: which articles are encoded, and which are tested.

Owns the answer to "is every operative article of the regulation pinned by a test case?"
that ``govit-rules coverage`` prints and CI enforces, plus the helpers shared by lint and
docs: loading a pack's test cases without giving up at the first broken file, and deciding
which cases pin which rules and articles.

An article is *encoded* when at least one rule cites it (primary or ``also_cite``), and
*not checkable* when ``articles.yaml`` says why it cannot be. Operative articles are the
encoded ones. An operative article is *tested* when a case's ``article:`` lies within it,
or when a case pins a rule that cites it (the case's article and the rule's citation
overlap: one lies within the other).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._law.citation import Citation
from .._packs.loader import ArticleInfo, CompiledPack, CompiledRule
from ..errors import CitationSyntaxError, GovitRulesError, PackError, Problem
from .testing import LoadedCase, load_test_file

__all__ = [
    "ArticleCoverage",
    "PackCoverage",
    "case_citation",
    "load_cases",
    "pack_coverage",
    "pins",
    "rel_to_pack",
]


def load_cases(pack: CompiledPack) -> tuple[list[LoadedCase], list[Problem]]:
    """Every test case of the pack, and the problems of the test files that do not load."""
    cases: list[LoadedCase] = []
    problems: list[Problem] = []
    tests = pack.path / "tests"
    if not tests.is_dir():
        return cases, problems
    for f in sorted(tests.glob("*.y*ml")):
        try:
            cases.extend(load_test_file(f, pack))
        except PackError as exc:
            problems.extend(exc.problems)
        except GovitRulesError as exc:  # pragma: no cover - load_test_file raises PackError
            problems.append(Problem(str(f), 0, 0, "bad-test", str(exc)))
    return cases, problems


def case_citation(case: LoadedCase) -> Citation | None:
    """The citation a case pins, or None when its ``article:`` is not a citation."""
    try:
        return Citation.parse(case.case.article)
    except CitationSyntaxError:
        return None


def pins(case_cite: Citation, rule: CompiledRule) -> bool:
    """Whether a case pinning ``case_cite`` pins ``rule`` (its primary citation overlaps)."""
    return rule.citation.within(case_cite) or case_cite.within(rule.citation)


def rel_to_pack(pack: CompiledPack, path: str | Path) -> str:
    """``path`` (absolute or relative to the working directory) relative to the pack folder."""
    p = Path(path)
    if not p.is_absolute():
        p = Path.cwd() / p
    try:
        return p.resolve().relative_to(pack.path).as_posix()
    except ValueError:
        return Path(path).as_posix()


def source_rel(pack: CompiledPack, source: str) -> str:
    """A rule's ``file:line`` source with the file relative to the pack folder."""
    file, _, line = source.rpartition(":")
    if not file or not line.isdigit():
        return source
    return f"{rel_to_pack(pack, file)}:{line}"


@dataclass(frozen=True)
class CaseRef:
    """A test case, as coverage and docs name it."""

    name: str
    file: str  # relative to the pack folder
    line: int
    article: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "file": self.file, "line": self.line, "article": self.article}


@dataclass(frozen=True)
class ArticleCoverage:
    article: int
    chapter: int | None
    title_zh: str
    title_en: str
    status: str  # encoded | not_checkable | unknown_text
    rules: tuple[str, ...]
    not_checkable: str | None
    damaged: str | None
    tested_by: tuple[CaseRef, ...]
    unknown_text: str | None = None

    @property
    def operative(self) -> bool:
        return self.status == "encoded"

    @property
    def tested(self) -> bool:
        return bool(self.tested_by)

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "chapter": self.chapter,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "status": self.status,
            "rules": list(self.rules),
            "not_checkable": self.not_checkable,
            "damaged": self.damaged,
            "unknown_text": self.unknown_text,
            "tested_by": [c.as_dict() for c in self.tested_by],
        }


@dataclass(frozen=True)
class PackCoverage:
    pack: str
    version: str
    path: str
    articles: tuple[ArticleCoverage, ...]
    problems: tuple[Problem, ...] = field(default=())
    index_incomplete: str | None = None  # why the article index is known to be incomplete

    @property
    def total(self) -> int:
        return len(self.articles)

    @property
    def encoded(self) -> int:
        return sum(1 for a in self.articles if a.operative)

    @property
    def not_checkable(self) -> int:
        return sum(1 for a in self.articles if a.status == "not_checkable")

    @property
    def unknown_text(self) -> int:
        """Articles known to exist whose text is not at hand yet (neither encoded nor not)."""
        return sum(1 for a in self.articles if a.status == "unknown_text")

    @property
    def operative(self) -> int:
        return self.encoded

    @property
    def tested(self) -> int:
        return sum(1 for a in self.articles if a.operative and a.tested)

    @property
    def percent(self) -> float:
        """Share of operative articles pinned by at least one case (100 when none)."""
        return 100.0 if self.operative == 0 else 100.0 * self.tested / self.operative

    def untested(self) -> list[ArticleCoverage]:
        return [a for a in self.articles if a.operative and not a.tested]

    def totals(self) -> dict[str, Any]:
        return {
            "articles": self.total,
            "encoded": self.encoded,
            "not_checkable": self.not_checkable,
            "unknown_text": self.unknown_text,
            "operative": self.operative,
            "tested": self.tested,
            "tested_percent": round(self.percent, 2),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "version": self.version,
            "path": self.path,
            "totals": self.totals(),
            "index_incomplete": self.index_incomplete,
            "articles": [a.as_dict() for a in self.articles],
            "problems": [str(p) for p in self.problems],
        }


def article_status(info: ArticleInfo) -> str:
    """``encoded`` (rules cite it), ``unknown_text`` (its text is not at hand yet) or
    ``not_checkable``."""
    if info.rules:
        return "encoded"
    return "unknown_text" if info.unknown_text else "not_checkable"


def _case_ref(pack: CompiledPack, case: LoadedCase) -> CaseRef:
    return CaseRef(case.name, rel_to_pack(pack, case.file), case.line, case.case.article)


def tested_by(
    pack: CompiledPack, cases: Sequence[LoadedCase]
) -> dict[int, list[tuple[LoadedCase, str]]]:
    """For each article, the cases that test it and how (``"article"`` or ``"rule <id>"``)."""
    out: dict[int, list[tuple[LoadedCase, str]]] = {}
    for case in cases:
        cite = case_citation(case)
        if cite is None:
            continue
        hit: dict[int, str] = {cite.article: "article"}
        for rule in pack.rules:
            if pins(cite, rule):
                for c in (rule.citation, *rule.also):
                    hit.setdefault(c.article, f"rule {rule.id}")
        for article, how in hit.items():
            out.setdefault(article, []).append((case, how))
    return out


def pack_coverage(
    pack: CompiledPack,
    cases: Sequence[LoadedCase] | None = None,
    problems: Iterable[Problem] = (),
) -> PackCoverage:
    """The article coverage of one loaded pack (its test cases are loaded when not given)."""
    if cases is None:
        cases, found = load_cases(pack)
        problems = [*problems, *found]
    by_article = tested_by(pack, cases)
    rows = []
    for n, info in sorted(pack.articles.items()):
        refs = tuple(_case_ref(pack, c) for c, _how in by_article.get(n, []))
        rows.append(
            ArticleCoverage(
                article=n,
                chapter=info.chapter,
                title_zh=info.title_zh,
                title_en=info.title_en,
                status=article_status(info),
                rules=tuple(info.rules),
                not_checkable=info.not_checkable,
                damaged=info.damaged,
                tested_by=refs,
                unknown_text=info.unknown_text,
            )
        )
    return PackCoverage(
        pack=pack.id,
        version=pack.version,
        path=str(pack.path),
        articles=tuple(rows),
        problems=tuple(problems),
        index_incomplete=pack.index_incomplete,
    )
