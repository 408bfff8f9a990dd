"""Portfolio files: the documented column layout, read exactly; bad input located."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from govit_rules._portfolio.files import read_portfolio, write_portfolio, write_results
from govit_rules.errors import PortfolioError


def _csv(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "p.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_cells_become_typed_facts_and_money_stays_exact(tmp_path: Path) -> None:
    p = _csv(
        tmp_path,
        "project_id,total_investment,collectively_reviewed,funding_sources,components,"
        "declared_on,plan_year,unit_type\n"
        "A,199.999,true,local_budget|national_bonds,[],2025-10-31,2026,government_organ\n"
        'B,,FALSE,"[""local_budget""]",,,,\n',
    )
    f = read_portfolio(p)
    assert f["total_investment"].to_list() == [Decimal("199.999"), None]
    assert f["collectively_reviewed"].to_list() == [True, False]
    assert f["funding_sources"].to_list() == [["local_budget", "national_bonds"], ["local_budget"]]
    assert f["components"].to_list() == [[], None]  # [] is the empty set; a blank is unknown
    assert f["declared_on"].to_list() == [date(2025, 10, 31), None]
    assert f.schema["plan_year"] == pl.Int64
    assert f["unit_type"].to_list() == ["government_organ", None]


def test_an_unknown_column_is_located_with_a_suggestion(tmp_path: Path) -> None:
    p = _csv(tmp_path, "project_id,total_investmnt\nA,1\n")
    with pytest.raises(PortfolioError) as e:
        read_portfolio(p)
    (problem,) = e.value.problems
    assert (problem.line, problem.col, problem.code) == (1, 2, "unknown-column")
    assert "did you mean 'total_investment'" in problem.message


def test_bad_cells_are_reported_by_line_and_column_and_none_is_dropped(tmp_path: Path) -> None:
    p = _csv(
        tmp_path,
        "total_investment,is_secret,unit_type,declared_on,components\n"
        "1.5,true,government_organ,2025-01-01,servers\n"
        "1e3,maybe,goverment_organ,2025-02-30,servrs\n"
        "-4,,,,\n",
    )
    with pytest.raises(PortfolioError) as e:
        read_portfolio(p)
    found = {(pr.line, pr.col) for pr in e.value.problems}
    assert found == {(3, 1), (3, 2), (3, 3), (3, 4), (3, 5), (4, 1)}
    text = str(e.value)
    assert "did you mean 'government_organ'" in text and "did you mean 'servers'" in text


def test_jsonl_numbers_are_parsed_as_decimals_never_floats(tmp_path: Path) -> None:
    p = tmp_path / "p.jsonl"
    p.write_text(
        '{"project_id": "A", "total_investment": 200.00000000000001, "is_secret": false}\n'
        "\n"
        '{"project_id": "B", "components": ["servers"], "jurisdiction": "dazhou"}\n',
        encoding="utf-8",
    )
    f = read_portfolio(p)
    assert f["total_investment"].to_list() == [Decimal("200.00000000000001"), None]
    assert f["components"].to_list() == [None, ["servers"]]
    assert f["jurisdiction"].to_list() == [None, "dazhou"]


def test_a_bad_jsonl_line_is_located_by_its_line_number(tmp_path: Path) -> None:
    p = tmp_path / "p.jsonl"
    p.write_text('{"is_secret": true}\n\n{"is_secret": "yes"}\n', encoding="utf-8")
    with pytest.raises(PortfolioError) as e:
        read_portfolio(p)
    assert [pr.line for pr in e.value.problems] == [3]


def test_a_float_money_column_in_parquet_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "p.parquet"
    pl.DataFrame({"total_investment": [199.99]}).write_parquet(p)
    with pytest.raises(PortfolioError, match="inexact-money"):
        read_portfolio(p)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_generated_portfolio_survives_a_round_trip_through_every_format(
    tmp_path: Path, generated: pl.DataFrame, suffix: str
) -> None:
    p = tmp_path / f"p{suffix}"
    write_portfolio(generated, p)
    back = read_portfolio(p)
    assert back.columns == generated.columns
    for c in generated.columns:
        assert back[c].to_list() == generated[c].to_list(), c


def test_an_unknown_file_suffix_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError, match="unknown-format"):
        read_portfolio(tmp_path / "p.xlsx")
    with pytest.raises(PortfolioError, match="unknown-format"):
        write_results(pl.DataFrame({"a": [1]}), tmp_path / "r.txt")


def test_typed_parquet_amounts_are_kept_exact_and_still_checked(tmp_path: Path) -> None:
    from decimal import Decimal as D

    p = tmp_path / "p.parquet"
    pl.DataFrame(
        {
            "total_investment": pl.Series([D("199.999"), D("-1")], dtype=pl.Decimal(38, 3)),
            "it_share_of_estimate_percent": pl.Series([50, 101], dtype=pl.Int32),
        }
    ).write_parquet(p)
    with pytest.raises(PortfolioError) as e:
        read_portfolio(p)
    assert [(pr.line, pr.col) for pr in e.value.problems] == [(2, 1), (2, 2)]
    pl.DataFrame(
        {"total_investment": pl.Series([D("199.999")], dtype=pl.Decimal(38, 3))}
    ).write_parquet(p)
    assert read_portfolio(p)["total_investment"].to_list() == [D("199.999")]
