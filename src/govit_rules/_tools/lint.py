"""Lint for rule packs: the problems a schema and the loader cannot see.

Owns ``govit-rules lint``. A pack that loads is well formed; lint looks for what is
probably wrong in a well-formed pack:

* ``route-gap`` / ``route-overlap``: route rules sharing one ``route`` name are
  alternatives picked by their ``when``; lint walks every money band (``at_least``,
  ``above``, ``at_most``, ``below`` on one numeric fact) and reports values no rule picks
  (between the bands, or above the top one) and values several rules pick;
* ``never-holds`` / ``always-holds``: a condition no project can satisfy (contradictory
  bands in one ``all``) or that every project satisfies (an absent ``when`` is fine);
* ``untested-article``: a rule's citation that no test case's ``article:`` pins;
* ``untested-rule``: a rule no test case names (by id in ``findings``, ``deadlines`` or
  ``interpretations``, or through its route in ``final_approver`` or ``route_steps``);
* ``untested-threshold``: a numeric or date threshold that no test case sits exactly on;
* ``untested-anchor``: a deadline whose anchor fact no test case gives;
* ``missing-interpretation``: a rule citing a damaged article (also through
  ``also_cite``) without an interpretation note;
* ``pack-warning``: the loader's warnings; plus the problems of test files that do not load;
* ``literal-words``: a rule listing kinds of work (``project_nature``) or of delivery
  (``delivery_mode``) instead of naming the regulation's word as a set in pack.yaml
  ``sets``; ``set-differs``: a set whose word another shipped pack defines with other
  values, without an interpretation saying why;
* with the regulation's text at hand (``--regulations DIR``): ``index-mismatch``, an
  article whose paragraphs or items the index counts otherwise than the text, and
  ``copied-text``, a message sharing 16 or more consecutive characters with the text.

A problem that is intended is acknowledged with a YAML comment on the rule's first line
or on the line just above it: ``# lint: allow route-gap`` (several codes: comma-separated).

Conditions are piecewise constant between the literals they test, so lint decides them
exactly by evaluating each at every literal, between literals and beyond them, for every
combination of the values the other facts are tested against (bounded in size; a condition
comparing two facts is left alone).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from .._io.yaml import load_yaml, locate
from .._lang.conditions import (
    DATE_OPS,
    NUMERIC_OPS,
    All,
    AnyOf,
    Cond,
    FactRef,
    FactType,
    Known,
    Not,
    Test,
    TrueCond,
    describe_test,
    fact_types,
    facts_of,
    interpret,
    leaves_of,
    tests_of,
)
from .._law.text import parse_regulation
from .._packs.loader import MAIN_KEY, ArticleInfo, CompiledPack, CompiledRule
from .._vocab.project import Project
from ..errors import GovitRulesError, Problem
from .coverage import case_citation, load_cases, pins
from .testing import LoadedCase

__all__ = ["cond_text", "lint_pack", "regulation_text"]

_MAX_COMBOS = 20_000
_ORDER_OPS = (*NUMERIC_OPS, *DATE_OPS)


# --- locations ----------------------------------------------------------------------------


def _where(rule: CompiledRule) -> tuple[str, int, int]:
    """``rule.source`` (``file:line``) as path, line and the column of the rule's first key."""
    file, _, line_s = rule.source.rpartition(":")
    line = int(line_s) if line_s.isdigit() else 0
    col = 1
    if file and line:
        try:
            text = Path(file).read_text(encoding="utf-8").splitlines()[line - 1]
            stripped = text.lstrip(" -")
            col = len(text) - len(stripped) + 1
        except (OSError, IndexError, UnicodeDecodeError):
            col = 1
    return file or rule.source, line, col


def _at(rule: CompiledRule, code: str, message: str) -> Problem:
    path, line, col = _where(rule)
    return Problem(path, line, col, code, message)


def _allowed(problem: Problem) -> bool:
    """Whether the rule's first line, or the comment line just above it, says
    ``# lint: allow CODE`` (several codes separated by commas) for this problem."""
    if not problem.line:
        return False
    try:
        lines = Path(problem.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    candidates = [lines[problem.line - 1]] if problem.line <= len(lines) else []
    if problem.line >= 2 and lines[problem.line - 2].lstrip().startswith("#"):
        candidates.append(lines[problem.line - 2])
    for text in candidates:
        _, sep, comment = text.partition("# lint: allow ")
        if sep and problem.code in {c.strip() for c in comment.split(",")}:
            return True
    return False


# --- conditions as text ---------------------------------------------------------------------


def cond_text(cond: Cond | None) -> str:
    """A one-line human form of a condition tree (named conditions are already inlined)."""
    if cond is None or isinstance(cond, TrueCond):
        return "always"
    if isinstance(cond, Test | Known):
        return describe_test(cond)
    if isinstance(cond, Not):
        return f"not ({cond_text(cond.part)})"
    if isinstance(cond, All | AnyOf):
        joiner = " and " if isinstance(cond, All) else " or "
        parts = []
        for part in cond.parts:
            text = cond_text(part)
            if isinstance(part, All | AnyOf) and len(part.parts) > 1:
                text = f"({text})"
            parts.append(text)
        return joiner.join(parts)
    return repr(cond)  # pragma: no cover


# --- sample values --------------------------------------------------------------------------


class _Probe:
    """A stand-in project: the given facts, every other fact unknown."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        return None


@dataclass(frozen=True)
class _Point:
    """A sample value of the band fact, with the boundaries around it (for intervals)."""

    value: Any
    kind: str  # below | at | between | above
    lo: Any = None  # the boundary at or just below
    hi: Any = None  # the boundary at or just above


def _literals(tests: Iterable[Test], fact: str) -> list[Any]:
    out: list[Any] = []
    for t in tests:
        if t.fact != fact or isinstance(t.value, FactRef):
            continue
        values = t.value if isinstance(t.value, frozenset) else (t.value,)
        for v in values:
            if v not in out:
                out.append(v)
    return out


def _number_points(literals: Sequence[Any], integer: bool) -> list[_Point]:
    bounds = sorted({Decimal(v) for v in literals})
    if not bounds:
        return [_Point(Decimal(0), "at", Decimal(0), Decimal(0))]
    pts: list[_Point] = []
    first = bounds[0]
    if first > 0:
        below = first - 1 if first >= 1 else first / 2
        pts.append(_Point(below, "below", None, first))
    for i, b in enumerate(bounds):
        pts.append(_Point(b, "at", b, b))
        if i + 1 < len(bounds):
            nxt = bounds[i + 1]
            mid = (b + nxt) / 2
            if integer:
                mid = Decimal(int(b) + 1)
                if mid >= nxt:
                    continue
            pts.append(_Point(mid, "between", b, nxt))
    pts.append(_Point(bounds[-1] + 1, "above", bounds[-1], None))
    if integer:
        pts = [_Point(int(p.value), p.kind, p.lo, p.hi) for p in pts]
    return pts


def _date_points(literals: Sequence[Any]) -> list[_Point]:
    bounds = sorted({v for v in literals if isinstance(v, date)})
    if not bounds:
        return [_Point(date(2024, 1, 1), "at")]
    day = timedelta(days=1)
    pts = [_Point(bounds[0] - day, "below", None, bounds[0])]
    for i, b in enumerate(bounds):
        pts.append(_Point(b, "at", b, b))
        nxt = bounds[i + 1] if i + 1 < len(bounds) else None
        if nxt is None or b + day < nxt:
            pts.append(_Point(b + day, "between" if nxt else "above", b, nxt))
    return pts


def _candidates(fact: str, ftype: FactType, tests: Sequence[Test], known: bool) -> list[Any]:
    """Values of ``fact`` that between them take every branch of the tests on it."""
    lits = _literals(tests, fact)
    out: list[Any]
    if ftype.kind in ("number", "integer"):
        out = [p.value for p in _number_points(lits, ftype.kind == "integer")]
    elif ftype.kind == "date":
        out = [p.value for p in _date_points(lits)]
    elif ftype.kind == "bool":
        out = [True, False]
    elif ftype.kind == "enum" and ftype.enum is not None:
        members: list[Enum] = list(ftype.enum)
        mentioned = [m for m in members if m in lits]
        others = [m for m in members if m not in lits]
        out = [*mentioned, *others[:1]]
    elif ftype.kind == "set":
        universe = sorted(lits, key=str)
        if len(universe) <= 4:
            subsets = [
                frozenset(c)
                for r in range(len(universe) + 1)
                for c in itertools.combinations(universe, r)
            ]
        else:
            full = frozenset(universe)
            subsets = [frozenset(), full, *(frozenset([u]) for u in universe)]
            subsets += [full - {u} for u in universe]
        out = subsets
    else:
        out = [*lits, "\x00other"]
    if known:
        return [*out, None]
    return out


def _has_fact_ref(cond: Cond) -> bool:
    return any(isinstance(t.value, FactRef) for t in tests_of(cond))


def _known_facts(cond: Cond) -> set[str]:
    return {leaf.fact for leaf in leaves_of(cond) if isinstance(leaf, Known)}


def _combos(
    facts: Sequence[str], conds: Sequence[Cond], types: Mapping[str, FactType], budget: int
) -> list[dict[str, Any]] | None:
    """Every combination of sample values of ``facts``; None when there are too many."""
    tests = [t for c in conds for t in tests_of(c)]
    known = set().union(*(_known_facts(c) for c in conds)) if conds else set()
    choices = [_candidates(f, types[f], tests, f in known) for f in facts]
    size = 1
    for ch in choices:
        size *= len(ch)
    if size > budget:
        return None
    return [dict(zip(facts, values, strict=True)) for values in itertools.product(*choices)]


def _unique_facts(conds: Iterable[Cond]) -> list[str]:
    out: list[str] = []
    for c in conds:
        for f in facts_of(c):
            if f not in out:
                out.append(f)
    return out


# --- checks ---------------------------------------------------------------------------------


_TREE_NAMES = MAIN_KEY


def _trees(rule: CompiledRule) -> Iterator[tuple[str, Cond]]:
    yield "when", rule.when
    if rule.kind in _TREE_NAMES:
        yield _TREE_NAMES[rule.kind], rule.main
    if rule.unless is not None:
        yield "unless", rule.unless


def _check_satisfiable(rule: CompiledRule, types: Mapping[str, FactType]) -> list[Problem]:
    out: list[Problem] = []
    for name, cond in _trees(rule):
        if isinstance(cond, TrueCond) or _has_fact_ref(cond):
            continue
        facts = _unique_facts([cond])
        combos = _combos(facts, [cond], types, _MAX_COMBOS)
        if combos is None:
            continue
        results = {interpret(cond, _Probe(c)) for c in combos}
        if results == {False}:
            out.append(
                _at(
                    rule,
                    "never-holds",
                    f"rule {rule.id!r}: its {name} can never hold ({cond_text(cond)}); "
                    "the rule can never fire",
                )
            )
        elif results == {True}:
            what = "the rule always fires" if name != "unless" else "the exception always applies"
            out.append(
                _at(
                    rule,
                    "always-holds",
                    f"rule {rule.id!r}: its {name} holds for every value of its facts "
                    f"({cond_text(cond)}); "
                    f"{what}",
                )
            )
    return out


def _band_fact(rules: Sequence[CompiledRule], types: Mapping[str, FactType]) -> str | None:
    counts: dict[str, int] = {}
    for r in rules:
        for t in tests_of(r.when):
            if (
                t.op in NUMERIC_OPS
                and types[t.fact].kind in ("number", "integer")
                and not isinstance(t.value, FactRef)
            ):
                counts[t.fact] = counts.get(t.fact, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda f: (counts[f], f == "total_investment"))


def _show(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, Enum):
        return str(v.value)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, frozenset):
        return "{" + ", ".join(sorted(_show(x) for x in v)) + "}"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else str(v)
    return str(v)


def _interval(points: Sequence[_Point], i: int, j: int) -> str:
    a, b = points[i], points[j]
    if a.kind == "below":
        left = "[0"
    elif a.kind == "at":
        left = f"[{_show(a.value)}"
    else:
        left = f"({_show(a.lo)}"
    if b.kind == "above":
        right = "∞)"
    elif b.kind == "at":
        right = f"{_show(b.value)}]"
    else:
        right = f"{_show(b.hi)})"
    return f"{left}, {right}"


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _check_routes(pack: CompiledPack, types: Mapping[str, FactType]) -> list[Problem]:
    groups: dict[str, list[CompiledRule]] = {}
    for r in pack.rules:
        if r.kind == "route" and r.route:
            groups.setdefault(r.route, []).append(r)
    out: list[Problem] = []
    for route, rules in groups.items():
        if len(rules) < 2 or any(_has_fact_ref(r.when) for r in rules):
            continue
        band = _band_fact(rules, types)
        whens = [r.when for r in rules]
        if band is None:
            points = [_Point(None, "at")]
        else:
            tests = [t for w in whens for t in tests_of(w)]
            points = _number_points(_literals(tests, band), types[band].kind == "integer")
        others = [f for f in _unique_facts(whens) if f != band]
        combos = _combos(others, whens, types, max(1, _MAX_COMBOS // len(points)))
        if combos is None:
            continue
        # (code, first, last, rule ids) -> the combinations of the other facts where it shows
        found: dict[tuple[str, int, int, tuple[str, ...]], list[dict[str, Any]]] = {}
        for combo in combos:
            fired: list[list[CompiledRule]] = []
            for pt in points:
                values = dict(combo)
                if band is not None:
                    values[band] = pt.value
                probe = _Probe(values)
                fired.append([r for r in rules if interpret(r.when, probe) is True])
            covered = [i for i, f in enumerate(fired) if f]
            if not covered:
                continue
            gaps = [i for i in range(covered[0], len(points)) if not fired[i]]
            for i, j in _runs(gaps):
                before = fired[i - 1] if i > 0 else []
                key = ("route-gap", i, j, tuple(r.id for r in before))
                found.setdefault(key, []).append(combo)
            multi = [i for i, f in enumerate(fired) if len(f) > 1]
            for i, j in _runs(multi):
                ids = tuple(r.id for r in fired[i])
                found.setdefault(("route-overlap", i, j, ids), []).append(combo)
        by_id = {r.id: r for r in rules}
        bands = "; ".join(f"{r.id}: {cond_text(r.when)}" for r in rules)
        for (code, i, j, ids), where in found.items():
            when = ""
            if len(where) < len(combos):
                shown = ", ".join(f"{k} = {_show(v)}" for k, v in where[0].items())
                when = f" when {shown}" + (
                    f" (and {len(where) - 1} more cases)" if len(where) > 1 else ""
                )
            span = f"{band} in {_interval(points, i, j)}" if band else "some projects"
            if code == "route-gap":
                anchor = by_id[ids[-1]] if ids else rules[0]
                msg = f"route {route!r}: {span} is not covered by any rule{when} (bands: {bands})"
            else:
                anchor = by_id[ids[-1]]
                msg = (
                    f"route {route!r}: {span} is covered by {len(ids)} rules "
                    f"({', '.join(ids)}){when}; alternatives must not overlap"
                )
            out.append(_at(anchor, code, msg))
    return out


def _case_projects(cases: Sequence[LoadedCase]) -> list[Project]:
    from .._engine.evaluate import validate_project

    out: list[Project] = []
    for c in cases:
        try:
            out.append(validate_project(c.project))
        except GovitRulesError:
            continue
    return out


def _check_tests(
    pack: CompiledPack, cases: Sequence[LoadedCase], projects: Sequence[Project]
) -> list[Problem]:
    out: list[Problem] = []
    cites = [c for c in (case_citation(case) for case in cases) if c is not None]
    reported: set[tuple[str, str]] = set()
    named: set[str] = set()
    for case in cases:
        e = case.case.expect
        named.update(e.findings, e.deadlines, e.interpretations)
        routes = set(e.final_approver) | set(e.route_steps)
        named.update(r.id for r in pack.rules if r.route in routes)
    for rule in pack.rules:
        if rule.id not in named:
            out.append(
                _at(
                    rule,
                    "untested-rule",
                    f"no test case names rule {rule.id!r}: pin its status with "
                    f"findings: {{{rule.id}: …}} (or its route's approver)",
                )
            )
        if not any(pins(c, rule) for c in cites) and (rule.id, "cite") not in reported:
            reported.add((rule.id, "cite"))
            c = rule.citation
            out.append(
                _at(
                    rule,
                    "untested-article",
                    f"rule {rule.id!r} cites {c.en()} ({c.zh()}), which no test case pins; "
                    f"add a case with article: {_short(c)}",
                )
            )
        seen: set[tuple[str, Any]] = set()
        for _name, cond in _trees(rule):
            for t in tests_of(cond):
                if t.op not in _ORDER_OPS or isinstance(t.value, FactRef):
                    continue
                key = (t.fact, t.value)
                if key in seen:
                    continue
                seen.add(key)
                if not any(getattr(p, t.fact) == t.value for p in projects):
                    out.append(
                        _at(
                            rule,
                            "untested-threshold",
                            f"rule {rule.id!r} tests {describe_test(t)} but no test case gives "
                            f"{t.fact} = {_show(t.value)}; pin the boundary with a case",
                        )
                    )
        anchor = rule.anchor if rule.kind == "deadline" else None
        if anchor and not any(getattr(p, anchor) is not None for p in projects):
            out.append(
                _at(
                    rule,
                    "untested-anchor",
                    f"deadline {rule.id!r} starts from {rule.anchor!r}, which no test case "
                    "gives: its date is never computed in a test",
                )
            )
    return out


def _short(c: Any) -> str:
    en: str = c.en()
    return en.removeprefix("Art. ")


def _check_damaged(pack: CompiledPack) -> list[Problem]:
    out: list[Problem] = []
    for rule in pack.rules:
        if rule.interpretation is not None:
            continue
        for c in (rule.citation, *rule.also):
            info = pack.articles.get(c.article)
            if info is not None and info.damaged:
                out.append(
                    _at(
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


def _check_text(pack: CompiledPack, text: str) -> list[Problem]:
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
                    _at(
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
# name them through pack.yaml sets, defined once with a note, never listed per rule.
_WORD_FACTS = ("project_nature", "delivery_mode")


def _check_words(pack: CompiledPack) -> list[Problem]:
    """``literal-words``: a rule listing kinds of work or delivery instead of a named set;
    ``set-differs``: a named set whose word another shipped pack defines otherwise, with no
    interpretation note saying why."""
    out: list[Problem] = []
    for rule in pack.rules:
        for _key, tree in _trees(rule):
            for t in tests_of(tree):
                if (
                    t.fact in _WORD_FACTS
                    and t.op in ("in", "not_in")
                    and t.named is None
                    and not isinstance(t.value, FactRef)
                ):
                    out.append(
                        _at(
                            rule,
                            "literal-words",
                            f"rule {rule.id!r} lists {t.fact} values "
                            f"({', '.join(sorted(_show(v) for v in t.value))}); name the "
                            "regulation's word as a set in pack.yaml sets and use "
                            f"{{{t.fact}: {{in: <set>}}}}",
                        )
                    )
    mine = pack.meta.sets
    if not mine:
        return out
    pack_yaml = pack.path / "pack.yaml"
    raw, _ = load_yaml(pack_yaml)
    for sibling in sorted(pack.path.parent.iterdir()):
        if sibling == pack.path or not (sibling / "pack.yaml").is_file():
            continue
        other, problems = load_yaml(sibling / "pack.yaml")
        if problems or not isinstance(other, dict) or not isinstance(other.get("sets"), dict):
            continue
        for name, spec in mine.items():
            for oname, ospec in other["sets"].items():
                if not isinstance(ospec, dict) or ospec.get("zh") != spec.zh:
                    continue
                if ospec.get("fact") != spec.fact:
                    continue
                if set(map(str, ospec.get("values") or [])) == set(spec.values):
                    continue
                if spec.interpretation is None:
                    line, col = locate(raw, ("sets", name))
                    out.append(
                        Problem(
                            _shown(pack_yaml),
                            line,
                            col,
                            "set-differs",
                            f"set {name!r} ({spec.zh}) holds {sorted(spec.values)}, but "
                            f"{sibling.name}'s {oname!r} ({spec.zh}) holds "
                            f"{sorted(map(str, ospec.get('values') or []))}; add an "
                            "interpretation saying why this regulation's word differs",
                        )
                    )
    return out


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def lint_pack(pack: CompiledPack, *, regulations: Path | str | None = None) -> list[Problem]:
    """Every lint problem of a loaded pack, sorted by place.

    With ``regulations`` (a folder holding the pack's ``document.source`` file), the
    index and the messages are also checked against the regulation's text.
    """
    types = fact_types()
    cases, problems = load_cases(pack)
    projects = _case_projects(cases)
    out: list[Problem] = list(problems)
    out += _check_routes(pack, types)
    for rule in pack.rules:
        out += _check_satisfiable(rule, types)
    out += _check_tests(pack, cases, projects)
    out += _check_damaged(pack)
    out += _check_words(pack)
    text = regulation_text(pack, regulations)
    if text is not None:
        out += _check_text(pack, text)
    pack_yaml = pack.path / "pack.yaml"
    try:
        shown = str(pack_yaml.relative_to(Path.cwd()))
    except ValueError:
        shown = str(pack_yaml)
    out += [Problem(shown, 1, 1, "pack-warning", w) for w in pack.warnings]
    out = [p for p in out if not _allowed(p)]
    return sorted(out, key=lambda p: (p.path, p.line, p.col, p.code))
