"""Evaluating portfolios: the row-wise reference, batches, several jurisdictions."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from conftest import AS_OF

from govit_rules import evaluate
from govit_rules._portfolio.backend import default_backend, evaluate_frame, evaluate_portfolio
from govit_rules._portfolio.rowwise import evaluate_rows
from govit_rules.errors import PortfolioError


def test_each_row_reads_what_the_per_project_engine_says(dazhou, generated) -> None:  # type: ignore[no-untyped-def]
    out = evaluate_rows(dazhou, generated.head(12), AS_OF)
    assert out.columns == [  # the output contract, in order
        "project_id",
        "outcome",
        *(f"status:{r.id}" for r in dazhou.rules),
        *(f"approver:{route}" for route in dazhou.routes),
        *(f"due:{r.id}" for r in dazhou.rules if r.kind == "deadline"),
    ]
    assert {str(t) for n, t in out.schema.items() if n.startswith("due:")} == {"Date"}
    for i, row in enumerate(out.iter_rows(named=True)):
        project = {k: v for k, v in generated.row(i, named=True).items() if v is not None}
        project.pop("project_id")
        v = evaluate(project, pack=dazhou, as_of=AS_OF)
        assert row["project_id"] == generated["project_id"][i]
        assert row["outcome"] == v.outcome.value
        assert row["approver:project_approval"] == v.final_approver()
        for d in v.deadlines:
            assert row[f"due:{d.rule_id}"] == d.due
            assert row[f"status:{d.rule_id}"] == d.status.value
        for f in v.findings:
            assert row[f"status:{f.rule_id}"] == f.status.value


def test_art_10_2_tiers_pin_the_200_band_on_both_sides(dazhou) -> None:  # type: ignore[no-untyped-def]
    # Art. 10(2)(i)-(ii) with Art. 62: 200万 itself is in the mayor's band ("以上" includes it).
    money = ["199.99", "200", "200.01"]
    frame = pl.DataFrame(
        {
            "total_investment": pl.Series([Decimal(m) for m in money], dtype=pl.Decimal(38, 2)),
            "collectively_reviewed": [False] * 3,
        }
    )
    out = evaluate_rows(dazhou, frame, AS_OF)
    assert out["approver:project_approval"].to_list() == [
        "vice_mayor_for_finance",
        "mayor",
        "mayor",
    ]


def test_batches_do_not_change_the_answer(dazhou, generated) -> None:  # type: ignore[no-untyped-def]
    small = evaluate_frame(dazhou, generated, AS_OF, backend="rows", batch_size=7)
    whole = evaluate_frame(dazhou, generated, AS_OF, backend="rows", batch_size=1000)
    assert small.equals(whole)


def test_progress_is_reported_once_per_batch_and_adds_up(dazhou, generated) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    evaluate_frame(dazhou, generated, AS_OF, backend="rows", batch_size=25, progress=seen.append)
    assert seen == [25, 25, 10]


def test_a_jurisdiction_column_picks_each_rows_pack_and_keeps_the_order(generated) -> None:  # type: ignore[no-untyped-def]
    # Document ids belong to one pack: a portfolio mixing packs names none of Dazhou's.
    frame = (
        generated.head(6)
        .drop("submitted_documents", strict=False)
        .with_columns(
            pl.Series("jurisdiction", ["dazhou", "hailing", None, "hailing", "dazhou", None])
        )
    )
    out, packs = evaluate_portfolio(frame, AS_OF, jurisdiction="dazhou", backend="rows")
    assert sorted(packs) == ["dazhou", "hailing"]
    assert out["project_id"].to_list() == frame["project_id"].to_list()
    assert out["jurisdiction"].to_list() == [
        "dazhou",
        "hailing",
        "dazhou",
        "hailing",
        "dazhou",
        "dazhou",
    ]
    assert (
        out.filter(pl.col("jurisdiction") == "hailing")["status:approval.tier-1"].null_count() == 2
    )


def test_an_unknown_jurisdiction_is_located_with_a_suggestion(generated) -> None:  # type: ignore[no-untyped-def]
    frame = generated.head(3).with_columns(pl.Series("jurisdiction", ["dazhou", "dazou", None]))
    with pytest.raises(PortfolioError) as e:
        evaluate_portfolio(frame, AS_OF, backend="rows", source="p.csv")
    text = str(e.value)
    assert "row 2" in text and "did you mean 'dazhou'" in text
    assert "row 3 has no jurisdiction" in text


@pytest.mark.skipif(default_backend() != "columnar", reason="the columnar backend is not installed")
def test_the_columnar_backend_agrees_with_the_rows_backend(dazhou, generated) -> None:  # type: ignore[no-untyped-def]
    rows = evaluate_frame(dazhou, generated, AS_OF, backend="rows")
    cols = evaluate_frame(dazhou, generated, AS_OF, backend="columnar")
    assert cols.equals(rows)
