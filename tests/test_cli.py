"""The govit-rules command line, run as a subprocess: check, explain, compare, schema, watch.

Uses the mini fixture pack so that the tests do not depend on the real packs' progress;
one smoke test runs over whatever shipped packs load.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import MINI, ROOT, run_cli

AS_OF = "2026-06-01"

# Decides every rule of the mini pack: in scope, no server room, declared in time.
COMPLIANT = """\
funding_sources: [local_budget]
is_secret: false
total_investment: 100
project_nature: renovation
components: []
stage: planning
plan_year: 2027
declared_on: 2026-09-01
"""


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, cwd=cwd)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check(
    path: Path | str, *extra: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run("check", str(path), "--pack", str(MINI), "--as-of", AS_OF, *extra, stdin=stdin)


# --- check: exit codes per outcome ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "outcome"),
    [
        ("", 0, "COMPLIANT"),
        ("declared_on: 2026-11-20\n", 1, "NON_COMPLIANT"),
        ("components: [server_room]\n", 2, "PROHIBITED"),
        ("components: null\n", 3, "NEEDS_INFORMATION"),
        ("total_investment: 10\n", 4, "NOT_APPLICABLE"),
    ],
)
def test_check_exit_code_is_the_outcome(
    tmp_path: Path, change: str, code: int, outcome: str
) -> None:
    lines = {line.split(":")[0]: line for line in COMPLIANT.splitlines()}
    for line in change.splitlines():
        lines[line.split(":")[0]] = line
    project = write(tmp_path, "p.yaml", "\n".join(lines.values()) + "\n")
    r = check(project)
    assert r.returncode == code, r.stdout + r.stderr
    assert f"Outcome: {outcome}" in r.stdout
    assert "Traceback" not in r.stderr


def test_check_not_in_force_exits_4(tmp_path: Path) -> None:
    project = write(tmp_path, "p.yaml", COMPLIANT)
    r = run("check", str(project), "--pack", str(MINI), "--as-of", "2023-01-01")
    assert r.returncode == 4
    assert "NOT_IN_FORCE" in r.stdout


def test_check_report_shows_citations_routes_deadlines(tmp_path: Path) -> None:
    project = write(
        tmp_path, "p.yaml", COMPLIANT.replace("total_investment: 100", "total_investment: 600")
    )
    r = check(project, "--all")
    out = r.stdout
    assert "示例办法" in out and "Mini Measures" in out
    assert "hash f5d95553b1f7eea8" in out or "hash " in out
    assert "第四条第一款第（二）项 / Art. 4(1)(ii)" in out
    assert "final approver: council" in out
    assert "Deadlines" in out and "declaration.by" in out
    assert "Not applicable" in out and "approval.small" in out


def test_check_reads_stdin_yaml_and_json() -> None:
    r = check("-", stdin=COMPLIANT)
    assert r.returncode == 0, r.stderr
    as_json = json.dumps({"funding_sources": ["local_budget"], "total_investment": 10})
    r = check("-", stdin=as_json)
    assert r.returncode == 4, r.stderr


def test_check_json_output_parses(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        "p.json",
        json.dumps(
            {
                "funding_sources": ["local_budget"],
                "total_investment": 600,
                "components": ["server_room"],
                "is_secret": False,
            }
        ),
    )
    r = check(project, "--format", "json")
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert data["outcome"] == "prohibited"
    assert data["pack"]["id"] == "mini"
    assert any(
        f["rule_id"] == "ban.server-room" and f["status"] == "violated" for f in data["findings"]
    )


def test_bad_project_lists_every_bad_field(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        "bad.yaml",
        "funding_sources: [local_budgt]\nis_secret: maybe\ntotal_investmnt: 600\nstage: approval\n",
    )
    r = check(project)
    assert r.returncode == 64
    assert "Traceback" not in r.stderr
    err = r.stderr
    assert f"{project}:1:19: bad-value: funding_sources.0" in err
    assert f"{project}:2:12: bad-value: is_secret" in err
    assert f"{project}:3:1: unknown-fact: total_investmnt" in err
    assert "did you mean 'total_investment'" in err
    assert r.stdout == ""


def test_bad_yaml_and_impossible_date_are_located(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.yaml", "total_investment: [1, 2\n")
    r = check(broken)
    assert r.returncode == 64 and "Traceback" not in r.stderr
    assert f"{broken}:" in r.stderr and "parse" in r.stderr
    date = write(tmp_path, "date.yaml", "approved_on: 2026-13-01\n")
    r = check(date)
    assert r.returncode == 64 and "Traceback" not in r.stderr
    assert f"{date}:1:14: " in r.stderr and "month must be in 1..12" in r.stderr


def test_missing_file_and_bad_options_exit_64(tmp_path: Path) -> None:
    r = check(tmp_path / "nope.yaml")
    assert r.returncode == 64 and "no such file" in r.stderr and "Traceback" not in r.stderr
    project = write(tmp_path, "p.yaml", COMPLIANT)
    r = run("check", str(project))
    assert r.returncode == 64 and "--jurisdiction" in r.stderr
    r = run("check", str(project), "-j", "atlantis")
    assert r.returncode == 64 and "atlantis" in r.stderr and "Traceback" not in r.stderr
    r = check(project, "--as-of", "yesterday")
    assert r.returncode == 64 and "YYYY-MM-DD" in r.stderr
    r = run("check")
    assert r.returncode == 64 and "Traceback" not in r.stderr
    r = run("frobnicate")
    assert r.returncode == 64


def _broken_copy(tmp_path: Path) -> Path:
    pack = tmp_path / "broken"
    shutil.copytree(MINI, pack)
    rules = pack / "rules" / "main.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace("{total_investment: {below: 500}}", "{total_investmnt: {below: 500}}"),
        encoding="utf-8",
    )
    return pack


def test_broken_pack_reports_located_problem(tmp_path: Path) -> None:
    pack = _broken_copy(tmp_path)
    project = write(tmp_path, "p.yaml", COMPLIANT)
    r = run("check", str(project), "--pack", str(pack))
    assert r.returncode == 64
    assert "Traceback" not in r.stderr
    line = next(x for x in r.stderr.splitlines() if "unknown-fact" in x)
    path, lineno, col, rest = line.split(":", 3)
    assert path.endswith("rules/main.yaml") and lineno == "23" and col.isdigit()
    assert "did you mean 'total_investment'" in rest


# --- explain ------------------------------------------------------------------------------------


def test_explain_rule_shows_values_thresholds_results(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        "p.yaml",
        "funding_sources: [local_budget]\ntotal_investment: 600\nis_secret: false\n",
    )
    r = run(
        "explain", str(project), "--pack", str(MINI), "--as-of", AS_OF, "--rule", "ban.server-room"
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "ban.server-room (prohibition) 第三条第二款第（一）项 / Art. 3(2)(i)" in out
    assert "components ∋ server_room   value unknown   threshold server_room   → unknown" in out
    assert "is_secret = false   value false   threshold false   → true" in out
    assert "status: unknown" in out
    assert "missing facts: components, exempted_by_law" in out


def test_explain_article_matches_every_rule_within(tmp_path: Path) -> None:
    project = write(tmp_path, "p.yaml", "funding_sources: [local_budget]\ntotal_investment: 600\n")
    r = run(
        "explain",
        str(project),
        "--pack",
        str(MINI),
        "--as-of",
        AS_OF,
        "--article",
        "第四条",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    by_id = {x["rule"]: x for x in data["rules"]}
    assert set(by_id) == {"approval.small", "approval.large"}
    assert by_id["approval.large"]["status"] == "required"
    assert by_id["approval.small"]["status"] == "not_applicable"
    leaf = by_id["approval.large"]["conditions"][0]["tree"]
    assert leaf["value"] == "600" and leaf["threshold"] == "500" and leaf["result"] == "true"


def test_explain_needs_exactly_one_selector(tmp_path: Path) -> None:
    project = write(tmp_path, "p.yaml", COMPLIANT)
    r = run("explain", str(project), "--pack", str(MINI))
    assert r.returncode == 64
    r = run("explain", str(project), "--pack", str(MINI), "--rule", "approval.smal")
    assert r.returncode == 64 and "did you mean 'approval.small'" in r.stderr


# --- compare ----------------------------------------------------------------------------------


def test_compare_shows_error_row_for_broken_pack(tmp_path: Path) -> None:
    project = write(
        tmp_path, "p.yaml", COMPLIANT.replace("total_investment: 100", "total_investment: 600")
    )
    broken = _broken_copy(tmp_path)
    r = run(
        "compare",
        str(project),
        "--pack",
        str(MINI),
        "--pack",
        str(broken),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert rows[0]["final_approver"] == "council" and rows[0]["outcome"] == "compliant"
    assert "unknown-fact" in rows[1]["error"]
    r = run("compare", str(project), "--pack", str(MINI), "--pack", str(broken), "--as-of", AS_OF)
    assert r.returncode == 0
    assert "council" in r.stdout and "error" in r.stdout


# --- schema, watch, help ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["project", "pack", "articles", "rules", "tests"])
def test_schema_is_json(kind: str) -> None:
    r = run("schema", kind)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert "properties" in data or "$defs" in data


def test_watch_without_monitor() -> None:
    if importlib.util.find_spec("govit_rules._engine.monitor") is not None:
        pytest.skip("the lifecycle monitor is installed")
    r = run("watch", "events.yaml")
    assert r.returncode == 64
    assert "the lifecycle monitor is not installed" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "command",
    ["check", "explain", "compare", "lint", "test", "coverage", "docs", "schema", "watch"],
)
def test_every_subcommand_has_help(command: str) -> None:
    r = run(command, "--help")
    assert r.returncode == 0, r.stderr
    assert "Usage" in r.stdout and "Example" in r.stdout


def test_main_help_lists_exit_codes() -> None:
    r = run("--help")
    assert r.returncode == 0
    assert "64 usage or input error" in " ".join(r.stdout.split())


# --- smoke test over the shipped packs ---------------------------------------------------------


def test_smoke_shipped_packs(tmp_path: Path) -> None:
    """Every shipped pack either loads and answers, or fails with located problems (64)."""
    project = write(tmp_path, "p.yaml", "funding_sources: [local_budget]\ntotal_investment: 600\n")
    r = run("compare", str(project), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert rows, "no shipped pack"
    for row in rows:
        if "error" in row:
            continue
        pack_dir = ROOT / "rulepacks" / row["jurisdiction"]
        for example in sorted((pack_dir / "examples").glob("*.yaml")):
            c = run("check", str(example), "-j", row["jurisdiction"], "--as-of", "2026-11-25")
            assert c.returncode in (0, 1, 2, 3, 4), c.stderr
            assert "Traceback" not in c.stderr
        lint = run("lint", str(pack_dir))
        assert lint.returncode in (0, 1), lint.stderr


def test_compare_judges_each_pack_on_the_documents_it_declares_and_says_which_were_left_out() -> (
    None
):
    r = run_cli(
        "compare",
        "rulepacks/wendeng/examples/compliant.yaml",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    )
    rows = (
        json.loads(r.stdout)["rows"]
        if isinstance(json.loads(r.stdout), dict)
        else json.loads(r.stdout)
    )
    assert all("error" not in row for row in rows), rows
    by = {row["jurisdiction"]: row for row in rows}
    assert by["wendeng"]["documents_not_in_pack"] == []
    assert by["dazhou"]["documents_not_in_pack"]
