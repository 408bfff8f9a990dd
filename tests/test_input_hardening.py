"""The input layer keeps every fact exactly as written, or says where and why it cannot.

Regression tests for the project-file, JSON, YAML, event and API side of issue 11: money
through a binary float, duplicate JSON keys, YAML 1.1 readings, integer dates, unknown
document ids, unbounded years, future facts, hash-ordered JSON, calendar overflow, deep
nesting and long numbers, API misuse, alias bombs, size limits and misleading messages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govit_rules import evaluate, get_pack
from govit_rules._cli.watch import watch_cli
from govit_rules._engine.monitor import Monitor
from govit_rules._io.project_files import (
    MAX_PROJECT_BYTES,
    MAX_REPORTED,
    load_project_file,
    parse_json,
    validate_project,
)
from govit_rules._io.yaml import load_yaml, read_source
from govit_rules.errors import (
    GovitRulesError,
    InvalidArgumentError,
    ProjectValidationError,
    UnknownJurisdictionError,
)
from helpers import ROOT, run_cli

# Dazhou Art. 10(2): 1,000万 and above goes to the Party standing committee (tier iv);
# below it, up to tier (iii), the executive meeting decides.
BASE: dict[str, Any] = {
    "unit_type": "government_organ",
    "unit_level": "own_level",
    "funding_sources": ["local_budget"],
    "is_secret": False,
    "delivery_mode": "self_build",
    "collectively_reviewed": False,
}
AS_OF = date(2026, 11, 25)
JUST_BELOW = "999.99999999999999999"  # a binary float rounds it to 1000.0


def _problems(exc: pytest.ExceptionInfo[ProjectValidationError]) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def _approver_of_file(path: Path) -> str | None:
    return evaluate(load_project_file(str(path)), "dazhou", as_of=AS_OF).final_approver()


def _yaml_project(extra: str) -> str:
    lines = [f"{k}: {json.dumps(v)}" for k, v in BASE.items()]
    return "\n".join([*lines, extra]) + "\n"


# --- 1. money is exact on every input path ---------------------------------------------------


def test_an_amount_just_below_1000_in_a_yaml_file_stays_in_tier_iii_art_10_2(
    tmp_path: Path,
) -> None:
    below, at = tmp_path / "below.yaml", tmp_path / "at.yaml"
    below.write_text(_yaml_project(f"total_investment: {JUST_BELOW}"), encoding="utf-8")
    at.write_text(_yaml_project("total_investment: 1000"), encoding="utf-8")
    assert _approver_of_file(at) == "municipal_party_standing_committee"
    assert _approver_of_file(below) != "municipal_party_standing_committee"
    assert load_project_file(str(below)).total_investment == Decimal(JUST_BELOW)


def test_an_amount_just_below_1000_in_a_json_file_stays_in_tier_iii_art_10_2(
    tmp_path: Path,
) -> None:
    below, at = tmp_path / "below.json", tmp_path / "at.json"
    body = json.dumps(BASE)[:-1]
    below.write_text(body + f', "total_investment": {JUST_BELOW}}}', encoding="utf-8")
    at.write_text(body + ', "total_investment": 1000}', encoding="utf-8")
    assert _approver_of_file(at) == "municipal_party_standing_committee"
    assert _approver_of_file(below) != "municipal_party_standing_committee"


def test_an_amount_just_below_1000_in_json_text_stays_in_tier_iii_art_10_2() -> None:
    body = json.dumps(BASE)[:-1]
    below = evaluate(body + f', "total_investment": {JUST_BELOW}}}', "dazhou", as_of=AS_OF)
    at = evaluate(body + ', "total_investment": 1000}', "dazhou", as_of=AS_OF)
    assert at.final_approver() == "municipal_party_standing_committee"
    assert below.final_approver() != "municipal_party_standing_committee"


def test_an_amount_in_a_monitor_event_is_kept_exactly() -> None:
    monitor = Monitor()
    line = (
        '{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": "2026-09-01", '
        f'"payload": {{"total_investment": {JUST_BELOW}}}}}'
    )
    assert [a for a in monitor.feed_line(line) if a.kind == "rejected"] == []
    assert monitor.projects["P"].project.total_investment == Decimal(JUST_BELOW)


def test_a_binary_float_amount_from_python_is_refused_not_rounded() -> None:
    with pytest.raises(ProjectValidationError, match="binary float"):
        validate_project({"total_investment": 999.5})
    assert validate_project({"total_investment": "999.5"}).total_investment == Decimal("999.5")


# --- 2. duplicate JSON keys ------------------------------------------------------------------


def test_a_duplicate_key_in_a_json_project_file_is_refused_with_its_line_and_column(
    tmp_path: Path,
) -> None:
    f = tmp_path / "p.json"
    f.write_text('{\n  "total_investment": 10,\n  "total_investment": 2000\n}\n', "utf-8")
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    assert f"{f}:3:3: duplicate-key: key 'total_investment'" in _problems(exc)


def test_a_duplicate_key_in_json_text_is_refused() -> None:
    with pytest.raises(ProjectValidationError, match="duplicate-key"):
        evaluate('{"is_secret": true, "is_secret": false}', "dazhou", as_of=AS_OF)


def test_a_duplicate_key_in_a_monitor_event_rejects_the_event() -> None:
    line = (
        '{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": "2026-09-01", '
        '"date": "2026-09-02"}'
    )
    (alert,) = Monitor().feed_line(line)
    assert alert.kind == "rejected" and "appears twice" in (alert.reason or "")


# --- 3. YAML 1.1 readings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("total_investment: 01000", "plain decimal"),
        ("total_investment: 0x3E8", "plain decimal"),
        ("total_investment: 1_000", "plain decimal"),
        ("total_investment: 16:40", "plain decimal"),
        ("is_secret: yes", "true or false"),
        ("is_secret: off", "true or false"),
    ],
)
def test_yaml_1_1_numbers_and_booleans_are_located_errors_saying_how_to_write_them(
    tmp_path: Path, written: str, hint: str
) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(f"name: x\n{written}\n", encoding="utf-8")
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    text = _problems(exc)
    assert f"{f}:2:" in text and hint in text


def test_plain_yaml_numbers_and_booleans_are_read_as_written(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("total_investment: 1000\nis_secret: true\nplan_year: 2026\n", "utf-8")
    p = load_project_file(str(f))
    assert (p.total_investment, p.is_secret, p.plan_year) == (Decimal(1000), True, 2026)


# --- 4. dates are YYYY-MM-DD only ------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1758758400, True, "2026-09-25T00:00:00"])
def test_a_date_fact_that_is_not_yyyy_mm_dd_is_refused(value: object) -> None:
    with pytest.raises(ProjectValidationError, match="YYYY-MM-DD"):
        validate_project({"declared_on": value})


def test_a_compact_date_is_told_how_to_write_it() -> None:
    with pytest.raises(ProjectValidationError, match="2026-10-01"):
        validate_project({"declared_on": 20261001})


def test_an_impossible_date_in_a_yaml_file_is_located(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: x\ndeclared_on: 2026-02-30\n", encoding="utf-8")
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    assert f"{f}:2:14: bad-value" in _problems(exc)


# --- 5. unknown document ids -----------------------------------------------------------------


def test_a_misspelt_document_id_is_an_error_with_a_did_you_mean() -> None:
    with pytest.raises(ProjectValidationError) as exc:
        evaluate({"submitted_documents": ["technical_plann"]}, "dazhou", as_of=AS_OF)
    assert "unknown-document" in _problems(exc)
    assert "did you mean 'technical_plan'?" in _problems(exc)


def test_known_document_ids_are_accepted() -> None:
    v = evaluate({"submitted_documents": ["technical_plan"]}, "dazhou", as_of=AS_OF)
    assert v.outcome is not None


# --- 6. years --------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "ok"), [(1989, False), (1990, True), (2100, True), (2101, False)])
def test_plan_years_are_bounded_to_1990_through_2100_inclusive(year: int, ok: bool) -> None:
    if ok:
        assert validate_project({"plan_year": year}).plan_year == year
    else:
        with pytest.raises(ProjectValidationError, match="plan_year"):
            validate_project({"plan_year": year})


@pytest.mark.parametrize("value", [True, "2026", 2026.0])
def test_a_year_must_be_a_whole_number_not_a_boolean_or_text(value: object) -> None:
    with pytest.raises(ProjectValidationError, match="evaluation_year"):
        validate_project({"evaluation_year": value})


# --- 7. facts dated after as_of ----------------------------------------------------------------


def test_facts_dated_after_the_day_judged_at_are_named_in_a_warning() -> None:
    p = load_project_file(str(ROOT / "rulepacks/dazhou/examples/compliant.yaml"))
    v = evaluate(p, "dazhou", as_of=date(2023, 6, 6))
    future = [w for w in v.warnings if "after the date judged at" in w]
    assert any(w.startswith("accepted_on is 2026-05-20") for w in future)
    later = evaluate(p, "dazhou", as_of=date(2026, 11, 25))
    assert not [w for w in later.warnings if "after the date judged at" in w]


def test_a_list_of_report_dates_reaching_past_the_day_judged_at_is_named_in_a_warning() -> None:
    reports = {"monitoring_reports_submitted_on": ["2025-12-20", "2026-12-18"]}
    v = evaluate(reports, "dazhou", as_of=date(2026, 6, 1))
    assert [w for w in v.warnings if "after the date judged at" in w] == [
        "monitoring_reports_submitted_on is [2025-12-20, 2026-12-18], after the date judged at "
        "(2026-06-01): a verdict as of 2026-06-01 cannot know it; check the fact or the as-of date"
    ]
    assert not [
        w for w in evaluate(reports, "dazhou", as_of=date(2026, 12, 18)).warnings if "after" in w
    ]


# --- 8. byte-stable JSON ---------------------------------------------------------------------

_DIGEST = """
import glob, hashlib, sys
from datetime import date
from govit_rules import evaluate
from govit_rules._io.project_files import load_project_file
for f in sorted(glob.glob("rulepacks/*/examples/*.yaml")):
    v = evaluate(load_project_file(f), f.split("/")[1], as_of=date(2026, 11, 25))
    print(f, hashlib.sha256(v.to_json().encode()).hexdigest())
"""


def test_verdict_json_is_byte_identical_across_hash_seeds_for_every_shipped_example() -> None:
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout)
    assert outs[0] == outs[1]
    assert outs[0].count("\n") == len(list(ROOT.glob("rulepacks/*/examples/*.yaml")))


# --- 9. no crash on extreme values -------------------------------------------------------------


def test_a_deadline_beyond_9999_12_31_is_reported_out_of_range_not_a_crash() -> None:
    v = evaluate({"budget_review_submitted_on": "9999-12-31"}, "dazhou", as_of=AS_OF)
    assert any("out of range" in w for w in v.warnings)


def test_the_cli_checks_a_project_whose_deadline_runs_past_9999(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("budget_review_submitted_on: 9999-12-31\n", encoding="utf-8")
    done = run_cli("check", str(f), "-j", "dazhou", "--as-of", "2026-11-25")
    assert done.returncode not in (64, 70), done.stderr


def _located(tmp_path: Path, name: str, content: str) -> str:
    """The problems of a project file that must fail, one ``file:line:col: ...`` a line."""
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    return _problems(exc).replace(str(f), name)


def test_a_5000_digit_integer_in_a_json_project_file_is_a_located_error(tmp_path: Path) -> None:
    text = _located(tmp_path, "p.json", '{"name": "x",\n "total_investment": ' + "9" * 5000 + "}")
    assert "p.json:2:22: bad-value: an integer of 5000 digits" in text


def test_a_5000_digit_integer_in_an_event_rejects_the_event() -> None:
    line = (
        '{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": "2026-09-01", '
        '"payload": {"total_investment": ' + "9" * 5000 + "}}"
    )
    (alert,) = Monitor().feed_line(line)
    assert alert.kind == "rejected" and "5000 digits" in (alert.reason or "")


def test_json_nested_10000_deep_is_a_typed_error_in_a_file_an_event_and_a_dict(
    tmp_path: Path,
) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    f = tmp_path / "p.json"
    f.write_text('{"name": ' + deep + "}", encoding="utf-8")
    with pytest.raises(ProjectValidationError, match="nested too deeply"):
        load_project_file(str(f))
    (alert,) = Monitor().feed_line(deep)
    assert alert.kind == "rejected"
    nested: dict[str, Any] = {}
    cur = nested
    for _ in range(10_000):
        cur["a"] = {}
        cur = cur["a"]
    with pytest.raises(ProjectValidationError):
        evaluate({"name": nested}, "dazhou", as_of=AS_OF)


# --- 10. API misuse ----------------------------------------------------------------------------


def test_as_of_may_be_an_iso_date_string() -> None:
    v = evaluate(dict(BASE, total_investment=1), "dazhou", as_of="2026-11-25")  # type: ignore[arg-type]
    assert v.as_of == AS_OF


@pytest.mark.parametrize(
    "kwargs",
    [
        {"jurisdiction": "dazhou", "as_of": datetime(2026, 11, 25, 9, 0)},
        {"jurisdiction": "dazhou", "as_of": "25/11/2026"},
        {"jurisdiction": "dazhou", "as_of": 20261125},
        {"jurisdiction": 123},
        {"jurisdiction": "dazhou", "engine": "Rete"},
        {"jurisdiction": None},
        {"jurisdiction": "dazhou", "pack": 3.5},
    ],
)
def test_api_misuse_gives_a_typed_error_that_says_what_to_pass(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError):
        evaluate({}, **kwargs)


def test_a_project_of_the_wrong_type_is_a_typed_error() -> None:
    with pytest.raises(InvalidArgumentError, match="project must be"):
        evaluate(42, "dazhou", as_of=AS_OF)  # type: ignore[arg-type]


@pytest.mark.parametrize("jurisdiction", ["../../etc", "/etc/passwd", "dazhou/../hailing", ""])
def test_a_jurisdiction_lookup_never_opens_a_path(jurisdiction: str) -> None:
    with pytest.raises(UnknownJurisdictionError):
        get_pack(jurisdiction)


# --- 11. hangs and memory ----------------------------------------------------------------------


def _bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_project_whose_name_is_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(_bomb() + "name: *a8\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ProjectValidationError, match="too-large"):
        load_project_file(str(f))
    assert time.perf_counter() - start < 2


def test_an_alias_bomb_in_a_pack_define_is_a_located_error_even_unused() -> None:
    text = "define:\n" + "".join(f"  {line}\n" for line in _bomb().splitlines())
    start = time.perf_counter()
    data, problems = load_yaml("rules/x.yaml", text)
    assert data is None and problems[0].code == "too-large" and problems[0].line > 1
    assert time.perf_counter() - start < 2


def test_thousands_of_unknown_keys_report_the_first_few_fully_then_a_count(
    tmp_path: Path,
) -> None:
    f = tmp_path / "p.json"
    f.write_text(json.dumps({f"fact_{i}": i for i in range(5000)}), encoding="utf-8")
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    problems = exc.value.problems
    assert len(problems) == MAX_REPORTED + 1
    assert problems[-1].message == f"and {5000 - MAX_REPORTED} more problem(s) not listed"


def test_a_valid_json_project_is_read_once_and_never_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govit_rules._io.project_files as inp

    def fail(*_: object) -> Any:
        raise AssertionError("located although nothing was wrong")

    monkeypatch.setattr(inp, "json_positions", fail)
    f = tmp_path / "p.json"
    f.write_text(json.dumps(BASE), encoding="utf-8")
    assert load_project_file(str(f)).is_secret is False


def test_a_project_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: " + "x" * MAX_PROJECT_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ProjectValidationError, match="too-large"):
        load_project_file(str(f))


def test_a_pack_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "rules.yaml"
    f.write_text("x" * 100, encoding="utf-8")
    text, problems = read_source(f, limit=99, what="pack file")
    assert text is None and problems[0].code == "too-large"


# --- 12. messages that do not mislead ---------------------------------------------------------


def test_a_tag_in_a_project_file_is_refused_as_a_project_file(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    assert "not allowed in a project file" in _problems(exc)


def test_a_flow_style_yaml_project_file_is_read_as_yaml(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("{total_investment: 1000, is_secret: false}\n", encoding="utf-8")
    assert load_project_file(str(f)).total_investment == Decimal(1000)


def test_a_gbk_encoded_project_file_is_located_at_its_first_bad_byte(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_bytes("is_secret: false\nname: 达州\n".encode("gbk"))
    with pytest.raises(ProjectValidationError) as exc:
        load_project_file(str(f))
    assert f"{f}:2:7: encoding" in _problems(exc)


def test_a_huge_integer_in_yaml_is_located(tmp_path: Path) -> None:
    text = _located(tmp_path, "p.yaml", "name: x\ntotal_investment: " + "9" * 5000 + "\n")
    assert "p.yaml:2:19: bad-value" in text


def _watch(tmp_path: Path, lines: list[str], prefix: bytes = b"") -> str:
    import io

    f = tmp_path / "events.jsonl"
    f.write_bytes(prefix + "\n".join(lines).encode("utf-8") + b"\n")
    out, err = io.StringIO(), io.StringIO()
    watch_cli(str(f), out=out, err=err)
    return out.getvalue() + err.getvalue()


def test_watch_says_an_integer_date_must_be_yyyy_mm_dd(tmp_path: Path) -> None:
    out = _watch(
        tmp_path, ['{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": 20260925}']
    )
    assert "'date' must be YYYY-MM-DD" in out and "is required" not in out


def test_watch_gives_a_did_you_mean_once(tmp_path: Path) -> None:
    out = _watch(
        tmp_path,
        ['{"project": "P", "jurisdiction": "dazhu", "type": "facts", "date": "2026-09-25"}'],
    )
    assert out.count("did you mean") == 1


def test_watch_reads_a_file_that_starts_with_a_utf8_bom(tmp_path: Path) -> None:
    line = '{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": "2026-09-25"}'
    out = _watch(tmp_path, [line], prefix=b"\xef\xbb\xbf")
    assert "REJECTED" not in out


def test_watch_says_when_events_come_before_the_pack_is_in_force(tmp_path: Path) -> None:
    line = '{"project": "P", "jurisdiction": "dazhou", "type": "facts", "date": "2010-01-04"}'
    out = _watch(tmp_path, [line, line.replace("01-04", "01-05")])
    assert out.count("NOT_IN_FORCE") == 1 and "in force from 2023-06-06" in out


def test_parse_json_refuses_nan_and_infinity() -> None:
    data, problems = parse_json('{"total_investment": NaN}', "x")
    assert data is None and problems


def test_every_error_of_the_input_layer_is_a_govit_rules_error() -> None:
    assert issubclass(ProjectValidationError, GovitRulesError)
    assert issubclass(InvalidArgumentError, GovitRulesError)
