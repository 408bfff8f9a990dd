"""Fuzzing the input side: random and mutated project files and event streams.

Starting from the shipped examples (``rulepacks/*/examples``, ``examples/events``), the
inputs are mutated as bytes and as structure, written as YAML or JSON, and run through the
same path as ``govit-rules check`` and ``watch``. The only allowed outcomes are a verdict
(or alerts) or the library's own typed errors whose problems name the file; never another
exception, never more than 2 s for one input, never 500 MB more memory.

The CI budget is small; a long campaign runs with ``GOVIT_FUZZ_EXAMPLES=N`` (docs/fuzzing.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govit_rules import evaluate
from govit_rules._engine.monitor import ALERT_KINDS, Monitor
from govit_rules._io.project_files import load_project_file
from govit_rules.errors import GovitRulesError, ProjectValidationError
from helpers import ROOT

LONG = int(os.environ.get("GOVIT_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG or 40,
    deadline=2000,  # ms: an input that takes longer than 2 s is a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not LONG,  # CI runs the same inputs every time; the long campaign explores
    database=None,
)
MEMORY_LIMIT_KB = 500 * 1024  # ru_maxrss is in KiB on Linux
AS_OF = date(2026, 11, 25)

EXAMPLES = sorted(ROOT.glob("rulepacks/*/examples/*.yaml"))
EVENT_LINES = [
    line
    for f in sorted((ROOT / "examples" / "events").glob("*.jsonl"))
    for line in f.read_text(encoding="utf-8").splitlines()
    if line.strip()
]
_TMP = Path(tempfile.mkdtemp(prefix="govit-fuzz-"))


def _peak_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


_BASELINE_KB = _peak_kb()


def _within_memory() -> None:
    if sys.platform.startswith("linux"):
        assert _peak_kb() - _BASELINE_KB < MEMORY_LIMIT_KB, "an input took more than 500 MB"


def _check_file(name: str, content: bytes, jurisdiction: str) -> None:
    """Load and evaluate one project file; only a verdict or located, typed errors."""
    path = _TMP / name
    path.write_bytes(content)
    try:
        project = load_project_file(str(path))
    except ProjectValidationError as exc:
        assert exc.problems, "an error without problems"
        for p in exc.problems:
            assert p.path == str(path), f"problem not in the file: {p}"
            assert p.code and p.message
        return
    try:
        evaluate(project, jurisdiction, as_of=AS_OF)
    except ProjectValidationError as exc:  # document ids the pack does not declare
        assert {p.code for p in exc.problems} == {"unknown-document"}
    _within_memory()


# --- mutations ---------------------------------------------------------------------------------


@st.composite
def _byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "splice"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if op == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif op == "insert":
            out[at:at] = draw(
                st.one_of(
                    st.binary(max_size=8),
                    st.sampled_from(
                        [
                            b"&a ",
                            b"*a",
                            b"!!python/name:os.system ",
                            b"0x",
                            b"_",
                            b"\xef\xbb\xbf",
                            b"{",
                            b"[",
                            b": ",
                            b"\n  ",
                            b"9" * 50,
                            b"yes",
                            b"-",
                            b"2026-02-30",
                        ]
                    ),
                )
            )
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 20))]
        elif op == "repeat":
            chunk = out[at : at + draw(st.integers(1, 40))]
            out[at:at] = chunk * draw(st.integers(1, 5))
        elif op == "splice":
            other = draw(st.sampled_from(EXAMPLES)).read_bytes()
            j = draw(st.integers(0, max(0, len(other) - 1)))
            out[at:at] = other[j : j + draw(st.integers(1, 80))]
    return bytes(out)


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.text(max_size=12),
    st.sampled_from(
        [
            "2026-09-25",
            "2026-02-30",
            "20260925",
            "9999-12-31",
            "0001-01-01",
            "local_budget",
            "approval",
            "technical_plan",
            "1e999999",
            "-0",
            "NaN",
            "",
        ]
    ),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _example(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@st.composite
def _structural(draw: st.DrawFn) -> tuple[str, bytes, str]:
    source = draw(st.sampled_from(EXAMPLES))
    data = _example(source)
    keys = sorted(data)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["replace", "delete", "add", "rename"]))
        key = draw(st.sampled_from(keys))
        if op == "replace":
            data[key] = draw(_VALUES)
        elif op == "delete":
            data.pop(key, None)
        elif op == "add":
            data[draw(st.text(min_size=1, max_size=30))] = draw(_VALUES)
        elif op == "rename" and key in data:
            data[key + draw(st.sampled_from(["s", "_", "x"]))] = data.pop(key)
    as_json = draw(st.booleans())
    if as_json:
        text = json.dumps(data, default=str, ensure_ascii=draw(st.booleans()))
    else:
        text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=draw(st.booleans()))
    return ("p.json" if as_json else "p.yaml"), text.encode("utf-8"), source.parent.parent.name


# --- project files -----------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_byte_mutated_project_files_give_a_verdict_or_located_errors(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(EXAMPLES))
    raw = source.read_bytes()
    as_json = data.draw(st.booleans())
    if as_json:
        raw = json.dumps(_example(source), default=str, ensure_ascii=False).encode("utf-8")
    mutated = data.draw(_byte_mutations(raw))
    _check_file("p.json" if as_json else "p.yaml", mutated, source.parent.parent.name)


@FUZZ
@given(case=_structural())
def test_structurally_mutated_project_files_give_a_verdict_or_located_errors(
    case: tuple[str, bytes, str],
) -> None:
    name, content, jurisdiction = case
    _check_file(name, content, jurisdiction)


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_random_bytes_as_a_project_file_give_a_verdict_or_located_errors(content: bytes) -> None:
    for name in ("p.yaml", "p.json", "p.txt"):
        _check_file(name, content, "dazhou")


@FUZZ
@given(project=st.dictionaries(st.text(max_size=30), _VALUES, max_size=6))
def test_random_mappings_given_to_evaluate_give_a_verdict_or_typed_errors(
    project: dict[str, Any],
) -> None:
    with contextlib.suppress(GovitRulesError):
        evaluate(project, "dazhou", as_of=AS_OF)
    _within_memory()


# --- event streams -----------------------------------------------------------------------------


def _replay(lines: list[str]) -> None:
    alerts = list(Monitor(due_within=14).replay(lines))
    for a in alerts:
        assert a.kind in ALERT_KINDS
        a.to_text()
        json.dumps(a.to_dict(), ensure_ascii=False)
    _within_memory()


@st.composite
def _event_mutation(draw: st.DrawFn) -> list[str]:
    lines = list(EVENT_LINES)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["bytes", "payload", "field", "drop", "swap"]))
        if op == "bytes":
            raw = draw(_byte_mutations(lines[i].encode("utf-8")))
            lines[i] = raw.decode("utf-8", errors="replace")
        elif op in ("payload", "field"):
            try:
                event = json.loads(lines[i])
            except json.JSONDecodeError:
                continue
            if not isinstance(event, dict):
                continue
            if op == "payload":
                payload = event.setdefault("payload", {})
                if isinstance(payload, dict):
                    payload[
                        draw(
                            st.sampled_from(
                                [
                                    "total_investment",
                                    "stage",
                                    "plan_year",
                                    "submitted_documents",
                                    "declared_on",
                                    "x",
                                ]
                            )
                        )
                    ] = draw(_VALUES)
            else:
                event[draw(st.sampled_from(["date", "type", "project", "jurisdiction", "w"]))] = (
                    draw(_VALUES)
                )
            lines[i] = json.dumps(event, default=str)
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return lines


@FUZZ
@given(lines=_event_mutation())
def test_mutated_event_streams_give_alerts_and_never_an_exception(lines: list[str]) -> None:
    _replay(lines)


@pytest.mark.parametrize(
    "make",
    [
        lambda: "[" * 10_000 + "]" * 10_000,
        lambda: (
            '{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": '
            + "9" * 5000
            + "}"
        ),
        lambda: "\ufeff" + EVENT_LINES[0],
    ],
)
def test_hostile_event_lines_are_rejected_not_fatal(make: Callable[[], str]) -> None:
    _replay([make(), *EVENT_LINES[:2]])
