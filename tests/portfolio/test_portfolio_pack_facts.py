"""A portfolio reads each pack's own facts: the columns are the pack's project model.

``tests/fixtures/newcity`` declares ``uses_egov_network`` in its own ``facts.yaml``; its rule
``network.extranet`` (Art. 3(1)) requires it. Dazhou's own facts (``collectively_reviewed``,
Art. 10(2)) are in the shipped model.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from govit_rules import evaluate, get_pack, load_pack
from govit_rules._packs.loader import CompiledPack
from govit_rules._portfolio.audit import audit
from govit_rules._portfolio.columnar import evaluate_columns, verdict_for_row
from govit_rules._portfolio.files import read_portfolio, to_input_frame, write_portfolio
from govit_rules._portfolio.rowwise import evaluate_rows, verdict_row
from govit_rules.errors import PortfolioError, ProjectValidationError
from helpers import ROOT

NEWCITY = ROOT / "tests" / "fixtures" / "newcity"
AS_OF = date(2026, 6, 1)
CSV = (
    "project_id,funding_sources,is_secret,total_investment,stage,uses_egov_network\n"
    "N1,local_budget,false,100,construction,true\n"
    "N2,local_budget,false,100,construction,false\n"
    "N3,local_budget,false,100,construction,\n"
    "N4,local_budget,false,600.5,construction,false\n"
    "N5,local_budget,,20,approval,true\n"
    "N6,,false,,construction,false\n"
)

# Art. 3(1) turned around: a reform of the outside pack that changes its own fact's rule.
REFORM = (
    "reform: newcity-no-extranet\npack: newcity\nchanges:\n"
    "  - rule: network.extranet\n    set:\n      requires: {uses_egov_network: false}\n"
)


@pytest.fixture(scope="module")
def newcity() -> CompiledPack:
    return load_pack(NEWCITY)


def _write(tmp_path: Path, text: str, name: str = "p.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _in_format(tmp_path: Path, suffix: str, pack: CompiledPack) -> Path:
    """The CSV portfolio above, written as ``suffix`` (a .csv is kept as typed by hand)."""
    csv = _write(tmp_path, CSV)
    if suffix == ".csv":
        return csv
    out = tmp_path / f"p{suffix}"
    write_portfolio(read_portfolio(csv, pack=pack), out)
    return out


def _per_project(pack: CompiledPack, frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Each row evaluated by :func:`govit_rules.evaluate` as a project of its own."""
    rows = []
    for row in frame.drop("project_id").iter_rows(named=True):
        project = {k: v for k, v in row.items() if v is not None}
        rows.append(verdict_row(pack, evaluate(project, pack=pack, as_of=AS_OF)))
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_packs_own_fact_is_a_column_judged_alike_by_every_backend_and_evaluate(
    tmp_path: Path, newcity: CompiledPack, suffix: str
) -> None:
    frame = read_portfolio(_in_format(tmp_path, suffix, newcity), pack=newcity)
    assert frame["uses_egov_network"].to_list() == [True, False, None, False, True, False]
    columns = evaluate_columns(newcity, frame, AS_OF)
    rows = evaluate_rows(newcity, frame, AS_OF)
    assert columns.equals(rows)
    assert columns.drop("project_id").to_dicts() == _per_project(newcity, frame)
    # Art. 3(1): the extranet is required in construction; an empty cell is unknown.
    assert columns["status:network.extranet"].to_list()[:4] == [
        "satisfied",
        "violated",
        "unknown",
        "violated",
    ]


def test_the_cited_verdict_of_a_row_reads_the_packs_own_fact(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    frame = read_portfolio(_write(tmp_path, CSV), pack=newcity)
    verdict = verdict_for_row(newcity, frame, 1, AS_OF)
    assert verdict.finding("network.extranet").status.value == "violated"
    assert verdict.cites("3(1)")


@pytest.mark.parametrize("backend", ["columnar", "rows"])
def test_an_audit_of_an_outside_pack_counts_the_breaches_of_its_own_fact(
    tmp_path: Path, newcity: CompiledPack, backend: Any
) -> None:
    frame = read_portfolio(_write(tmp_path, CSV), pack=newcity)
    result = audit(frame, AS_OF, pack=newcity, backend=backend)
    assert (
        result.results["status:network.extranet"].to_list()
        == evaluate_columns(newcity, frame, AS_OF)["status:network.extranet"].to_list()
    )
    assert result.results["jurisdiction"].unique().to_list() == ["newcity"]


def _refusal(path: Path, pack: CompiledPack | list[CompiledPack]) -> tuple[str, int, int, str, str]:
    """The one problem reading ``path`` for ``pack`` finds."""
    with pytest.raises(PortfolioError) as e:
        read_portfolio(path, pack=pack)
    (problem,) = e.value.problems
    return problem.path, problem.line, problem.col, problem.code, problem.message


def test_a_misspelt_own_fact_is_an_unknown_column_with_a_suggestion(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    p = _write(tmp_path, "project_id,uses_egov_netwrk\nA,true\n")
    path, line, col, code, message = _refusal(p, newcity)
    assert (path, line, col, code) == (str(p), 1, 2, "unknown-column")
    assert "did you mean 'uses_egov_network'" in message


def test_read_for_another_pack_the_own_fact_is_an_unknown_column(tmp_path: Path) -> None:
    _, line, col, code, _ = _refusal(_write(tmp_path, CSV), get_pack("dazhou", AS_OF))
    assert (line, col, code) == (1, 6, "unknown-column")


def test_a_bad_cell_of_an_own_fact_is_located_like_any_other(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    p = _write(tmp_path, "project_id,uses_egov_network\nA,true\nB,maybe\n")
    assert _refusal(p, newcity)[1:4] == (3, 2, "bad-value")


def test_a_shipped_packs_own_fact_is_a_column_that_decides_the_dazhou_approver(
    tmp_path: Path,
) -> None:
    # Dazhou Art. 10(1): a collectively reviewed project is decided by the standing
    # committee; Art. 10(2)(ii): otherwise 200-500万 goes to the mayor; unknown: no route.
    # collectively_reviewed is declared in rulepacks/dazhou/facts.yaml.
    dazhou = get_pack("dazhou", AS_OF)
    p = _write(
        tmp_path,
        "project_id,total_investment,collectively_reviewed\nA,250,true\nB,250,false\nC,250,\n",
    )
    frame = read_portfolio(p, pack=dazhou)
    columns = evaluate_columns(dazhou, frame, AS_OF)
    assert columns.equals(evaluate_rows(dazhou, frame, AS_OF))
    assert columns.drop("project_id").to_dicts() == _per_project(dazhou, frame)
    assert columns["approver:project_approval"].to_list() == [
        "municipal_party_standing_committee",
        "mayor",
        None,
    ]


MIXED = (
    "project_id,jurisdiction,total_investment,stage,uses_egov_network,collectively_reviewed\n"
    "A,newcity,100,construction,false,\n"
    "B,dazhou,100,construction,,true\n"
    "C,hailing,100,construction,,true\n"
)


def test_a_file_of_several_packs_takes_the_union_of_their_facts_and_each_reads_its_own(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    frame = read_portfolio(_write(tmp_path, MIXED), pack=newcity)
    for backend in ("columnar", "rows"):
        result = audit(frame, AS_OF, pack=newcity, backend=backend).results  # type: ignore[arg-type]
        assert result["status:network.extranet"].to_list() == ["violated", None, None]
        for i, row in enumerate(frame.iter_rows(named=True)):
            pack = newcity if row["jurisdiction"] == "newcity" else get_pack(row["jurisdiction"])
            project = {
                k: v
                for k, v in row.items()
                if v is not None and k not in ("project_id", "jurisdiction")
            }
            want = verdict_row(pack, evaluate(project, pack=pack, as_of=AS_OF))
            assert {k: result[k][i] for k in want} == want


def test_another_pack_refuses_a_value_of_a_fact_it_does_not_know_at_its_cell(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    # evaluate() refuses uses_egov_network in a Dazhou project (unknown-fact): so does a
    # Dazhou row of a portfolio, at its line and column.
    p = _write(
        tmp_path, MIXED.replace("B,dazhou,100,construction,,", "B,dazhou,100,construction,true,")
    )
    _, line, col, code, message = _refusal(p, newcity)
    assert (line, col, code) == (3, 5, "unknown-fact")
    assert "'uses_egov_network' in the project model of the dazhou pack" in message


@pytest.mark.parametrize("backend", [evaluate_columns, evaluate_rows])
def test_a_frame_built_in_python_gets_the_same_refusal_from_either_backend(
    newcity: CompiledPack, backend: Any
) -> None:
    frame = to_input_frame(pl.DataFrame({"uses_egov_network": ["true", None]}), pack=newcity)
    with pytest.raises(ProjectValidationError) as e:
        backend(get_pack("dazhou", AS_OF), frame, AS_OF)
    (problem,) = e.value.problems
    assert (problem.path, problem.code) == ("row 1", "unknown-fact")
    assert "uses_egov_network" in problem.message
    backend(get_pack("dazhou", AS_OF), frame.slice(1), AS_OF)  # an empty cell: no fact at all


def test_a_reform_of_an_outside_pack_is_simulated_over_its_own_fact(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    from govit_rules._portfolio.simulate import simulate

    reform = _write(tmp_path, REFORM, "reform.yaml")
    frame = read_portfolio(_write(tmp_path, CSV), pack=newcity)
    for backend in ("columnar", "rows"):
        sim = simulate(frame, AS_OF, newcity, str(reform), backend=backend)  # type: ignore[arg-type]
        before, after = sim.results
        assert before["status:network.extranet"].to_list()[:2] == ["satisfied", "violated"]
        assert after["status:network.extranet"].to_list()[:2] == ["violated", "satisfied"]
        assert sim.changes["project_id"].to_list() == ["N1", "N2", "N4", "N6"]


def test_the_audit_command_reads_an_outside_packs_portfolio_with_pack(tmp_path: Path) -> None:
    import json

    from helpers import run_cli

    p = _write(tmp_path, CSV)
    out = tmp_path / "results.csv"
    r = run_cli(
        "audit", str(p), "--pack", str(NEWCITY), "--as-of", "2026-06-01", "-f", "json",
        "--out", str(out),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["packs"] == {"newcity": "newcity 1"}
    statuses = pl.read_csv(out)["status:network.extranet"].to_list()
    assert statuses[:3] == ["satisfied", "violated", "unknown"]
    # Without the pack its own fact is no column: a located error, no traceback.
    r = run_cli("audit", str(p), "-j", "dazhou", "--as-of", "2026-06-01")
    assert r.returncode == 64
    assert f"{p}:1:6: unknown-column:" in r.stderr and "Traceback" not in r.stderr


def test_pack_and_a_different_jurisdiction_together_are_a_usage_error(tmp_path: Path) -> None:
    from helpers import run_cli

    r = run_cli("audit", str(_write(tmp_path, CSV)), "--pack", str(NEWCITY), "-j", "dazhou")
    assert r.returncode == 64 and "--pack" in r.stderr and "Traceback" not in r.stderr


def test_the_simulate_command_reforms_an_outside_pack_given_with_pack(tmp_path: Path) -> None:
    import json

    from helpers import run_cli

    reform = _write(tmp_path, REFORM, "reform.yaml")
    r = run_cli(
        "simulate", str(_write(tmp_path, CSV)), "--reform", str(reform), "--pack", str(NEWCITY),
        "--as-of", "2026-06-01", "-f", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["changed"]["outcome"] == 4  # every row with the fact known


def test_dask_partitions_read_the_outside_packs_own_fact_like_one_process(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    dd = pytest.importorskip("dask.dataframe")
    from govit_rules._portfolio.distributed import evaluate_dask

    frame = read_portfolio(_write(tmp_path, CSV), pack=newcity)
    path = tmp_path / "p.parquet"
    frame.write_parquet(path)
    parts = dd.read_parquet(path, dtype_backend="pyarrow").repartition(npartitions=3)
    got = evaluate_dask(newcity, parts, AS_OF).compute(scheduler="synchronous")
    expected = evaluate_columns(newcity, frame, AS_OF)
    assert pl.from_pandas(got, include_index=False).equals(expected)


def _other_city(tmp_path: Path, fact_type: str = "bool") -> CompiledPack:
    """A second pack outside the library (jurisdiction ``oldtown``): New City's rules, plus a
    fact of its own, ``has_city_cloud``, and ``uses_egov_network`` declared as
    ``fact_type`` (with a type other than bool the rule reading it is dropped)."""
    from helpers import copy_fixture

    root = copy_fixture(NEWCITY, tmp_path / "oldtown")
    meta = root / "pack.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("id: newcity", "id: oldtown"), encoding="utf-8"
    )
    facts = root / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("type: bool", f"type: {fact_type}")
        + "  - name: has_city_cloud\n    type: bool\n    zh: 有城市云\n    en: A city cloud.\n",
        encoding="utf-8",
    )
    if fact_type != "bool":
        rules = root / "rules" / "main.yaml"
        text = rules.read_text(encoding="utf-8")
        rules.write_text(text[: text.index("  - id: network.extranet")], encoding="utf-8")
        shutil.rmtree(root / "tests")
    return load_pack(root)


def test_a_file_of_two_outside_packs_reads_each_ones_own_facts(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    oldtown = _other_city(tmp_path)
    text = (
        "project_id,jurisdiction,stage,uses_egov_network,has_city_cloud\n"
        "A,newcity,construction,false,\n"
        "B,oldtown,construction,true,true\n"
        "C,dazhou,construction,,\n"
    )
    p = _write(tmp_path, text)
    frame = read_portfolio(p, pack=[newcity, oldtown])
    done = audit(frame, AS_OF, pack=[newcity, oldtown])
    assert done.results["status:network.extranet"].to_list() == ["violated", "satisfied", None]
    assert sorted(done.packs) == ["dazhou", "newcity", "oldtown"]
    # New City does not know Old Town's fact: refused at its cell.
    refused = _write(tmp_path, text.replace("A,newcity,construction,false,", "A,newcity,,,true"))
    _, line, col, code, message = _refusal(refused, [newcity, oldtown])
    assert (line, col, code) == (2, 5, "unknown-fact")
    assert "newcity pack" in message


def test_two_packs_declaring_one_fact_differently_cannot_share_its_column(
    tmp_path: Path, newcity: CompiledPack
) -> None:
    oldtown = _other_city(tmp_path, "text")
    p = _write(tmp_path, "jurisdiction,uses_egov_network\nnewcity,true\n")
    _, line, col, code, message = _refusal(p, [newcity, oldtown])
    assert (line, col, code) == (1, 2, "bad-column")
    assert "bool or string" in message and "its own file" in message


def test_an_audit_refuses_another_packs_fact_at_its_row_of_the_whole_portfolio(
    newcity: CompiledPack,
) -> None:
    # A frame made in Python, not read from a file: the audit itself refuses the value.
    frame = pl.DataFrame(
        {
            "jurisdiction": ["newcity", "newcity", "dazhou"],
            "uses_egov_network": [True, None, True],
        }
    )
    with pytest.raises(ProjectValidationError) as e:
        audit(frame, AS_OF, pack=newcity, source="frame")
    (problem,) = e.value.problems
    assert (problem.path, problem.line, problem.code) == ("frame", 3, "unknown-fact")
    assert problem.message.startswith("row 3: no fact 'uses_egov_network'")


def test_the_audit_command_takes_pack_once_per_outside_pack(tmp_path: Path) -> None:
    import json

    from helpers import run_cli

    oldtown = _other_city(tmp_path)
    p = _write(
        tmp_path,
        "project_id,jurisdiction,stage,uses_egov_network,has_city_cloud\n"
        "A,newcity,construction,false,\nB,oldtown,construction,true,true\n",
    )
    r = run_cli(
        "audit", str(p), "--pack", str(NEWCITY), "--pack", str(oldtown.path),
        "--as-of", "2026-06-01", "-f", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert sorted(json.loads(r.stdout)["packs"]) == ["newcity", "oldtown"]
