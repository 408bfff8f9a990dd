"""Running a pack's YAML test cases, shared by the pytest plugin and ``govit-rules test``.

Owns the meaning of each ``expect`` key in ``tests/<topic>.yaml`` and turns a mismatch
into a readable failure: the case name, the article it pins, what was expected and what
the verdict said.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .._engine.evaluate import evaluate_pack, validate_project
from .._io.yaml import load_yaml, locate
from .._law.citation import Citation
from .._packs.loader import CompiledPack, load_pack
from .._packs.schema import TestCase, TestFile
from .._vocab.verdict import Verdict, rule_status
from ..errors import CitationSyntaxError, GovitRulesError, PackError, Problem

__all__ = [
    "CaseResult",
    "LoadedCase",
    "check_case",
    "iter_cases",
    "load_test_file",
    "run_pack_tests",
]


@dataclass(frozen=True)
class LoadedCase:
    """One test case, ready to run."""

    file: Path
    line: int
    case: TestCase
    project: dict[str, Any]
    as_of: date

    @property
    def name(self) -> str:
        return self.case.name


@dataclass(frozen=True)
class CaseResult:
    case: LoadedCase
    failures: tuple[str, ...]
    verdict: Verdict | None

    @property
    def passed(self) -> bool:
        return not self.failures


def load_test_file(path: Path, pack: CompiledPack) -> list[LoadedCase]:
    """The cases of one test file; raises PackError with located problems if it is malformed."""
    from pydantic import ValidationError

    raw, problems = load_yaml(str(path))
    if problems:
        raise PackError(f"test file {path} has {len(problems)} problem(s)", problems)
    try:
        tf = TestFile.model_validate(raw)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            line, col = locate(raw, tuple(err["loc"]))
            where = ".".join(str(p) for p in err["loc"])
            out.append(Problem(str(path), line, col, "bad-test", f"{where}: {err['msg']}"))
        raise PackError(f"test file {path} has {len(out)} problem(s)", out) from None
    base = dict(tf.defaults.project) if tf.defaults else {}
    default_as_of = (tf.defaults.as_of if tf.defaults else None) or pack.in_force_from
    cases = []
    for i, case in enumerate(tf.cases):
        line = locate(raw, ("cases", i))[0]
        project = {**base, **case.project}
        cases.append(LoadedCase(path, line, case, project, case.as_of or default_as_of))
    return cases


def iter_cases(pack: CompiledPack) -> Iterator[LoadedCase]:
    tests = pack.path / "tests"
    if tests.is_dir():
        for f in sorted(tests.glob("*.y*ml")):
            yield from load_test_file(f, pack)


def _cite(text: str) -> Citation:
    return Citation.parse(text)


def check_case(pack: CompiledPack, lc: LoadedCase) -> CaseResult:
    """Run one case; the failures say what differed."""
    fails: list[str] = []
    try:
        article = _cite(lc.case.article)
    except CitationSyntaxError as exc:
        return CaseResult(
            lc, (f"the case's article {lc.case.article!r} is not a citation: {exc}",), None
        )
    info = pack.articles.get(article.article)
    if info is None or not info.has(article):
        fails.append(f"the case pins {article.en()}, which is not in the pack's article index")
    try:
        project = validate_project(lc.project, pack.project_model)
    except GovitRulesError as exc:
        return CaseResult(lc, (f"invalid project: {exc}",), None)
    v = evaluate_pack(pack, project, lc.as_of)
    e = lc.case.expect
    given = e.model_fields_set
    if not given:
        fails.append("the case expects nothing; give at least one expectation")
    if e.outcome is not None and v.outcome.value != e.outcome:
        fails.append(f"outcome: expected {e.outcome}, got {v.outcome.value}{_why(v)}")
    if "applies" in given and v.applies != e.applies:
        fails.append(f"applies: expected {e.applies}, got {v.applies}")
    for text in e.cites:
        if not v.cites(_cite(text)):
            fails.append(
                f"cites: expected the verdict to cite {_cite(text).en()}; it cites {_active(v)}"
            )
    for text in e.not_cites:
        if v.cites(_cite(text)):
            fails.append(f"not_cites: the verdict cites {_cite(text).en()}, which it should not")
    for rule_id, status in e.findings.items():
        got = rule_status(v, rule_id)
        if got is None:
            known = rule_id in pack.by_id
            fails.append(
                f"findings: rule {rule_id!r} "
                + (
                    "was not evaluated (the regulation did not apply?)"
                    if known
                    else "does not exist in the pack"
                )
            )
        elif got != status:
            fails.append(f"findings: {rule_id} expected {status}, got {got}")
    for route, approver in e.final_approver.items():
        got_approver = v.final_approver(route)
        if got_approver != approver:
            fails.append(f"final_approver[{route}]: expected {approver}, got {got_approver}")
    for route, filed in e.filed_with.items():
        r = v.route(route)
        got_filed = r.filed_with if r else None
        if got_filed != filed:
            fails.append(f"filed_with[{route}]: expected {filed}, got {got_filed}")
    for route, steps in e.route_steps.items():
        r = v.route(route)
        got_steps = (
            [[s.authority, s.action, *([s.to] if s.to else [])] for s in r.steps] if r else None
        )
        if got_steps != steps:
            fails.append(f"route_steps[{route}]: expected {steps}, got {got_steps}")
    for rule_id, de in e.deadlines.items():
        try:
            d = v.deadline(rule_id)
        except KeyError:
            fails.append(f"deadlines: no deadline {rule_id!r} in the verdict")
            continue
        for key in de.model_fields_set:
            want = getattr(de, key)
            got_value = getattr(d, key)
            got_value = got_value.value if hasattr(got_value, "value") else got_value
            if got_value != want:
                fails.append(f"deadlines[{rule_id}].{key}: expected {want}, got {got_value}")
    required = {d.id for d in v.required_documents}
    for doc in e.required_documents:
        if doc not in required:
            fails.append(
                f"required_documents: {doc!r} is not required (required: {sorted(required)})"
            )
    for doc in e.not_required_documents:
        if doc in required:
            fails.append(f"not_required_documents: {doc!r} is required")
    missing = {m.fact for m in v.missing_facts}
    for fact in e.missing_facts:
        if fact not in missing:
            fails.append(f"missing_facts: {fact!r} is not listed (listed: {sorted(missing)})")
    used = {n.rule_id for n in v.interpretations}
    for rule_id in e.interpretations:
        if rule_id not in used:
            fails.append(
                f"interpretations: the note of {rule_id!r} is not used (used: {sorted(used)})"
            )
    return CaseResult(lc, tuple(fails), v)


def _active(v: Verdict) -> str:
    seen = []
    for c in v.citations():
        if c.en not in seen:
            seen.append(c.en)
    return ", ".join(seen[:25]) + (" …" if len(seen) > 25 else "")


def _why(v: Verdict) -> str:
    bad = [
        f"{f.rule_id}={f.status.value}"
        for f in v.findings
        if f.status.value in ("violated", "unknown", "out_of_scope")
    ]
    bad += [
        f"{d.rule_id}={d.status.value}"
        for d in v.deadlines
        if d.status.value in ("missed", "too_early", "unknown")
    ]
    return f" ({', '.join(bad[:12])})" if bad else ""


def run_pack_tests(path: Path | str) -> list[CaseResult]:
    pack = load_pack(path)
    return [check_case(pack, lc) for lc in iter_cases(pack)]
