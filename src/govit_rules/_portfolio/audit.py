"""The audit of a portfolio: evaluate every project, then summarise what an auditor asks.

Owns :func:`audit` and the :class:`Audit` it returns: the per-project results, plus small
tables of outcomes by jurisdiction, the articles most often violated (counted by the
citations of the rules found violated, missed or too early), approvals by authority (the
final approver of each route), and deadlines by status and due day. The CLI and the HTML
report only render these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Unpack

import polars as pl

from .._packs.loader import CompiledPack
from .._vocab.verdict import Status
from .backend import PortfolioOptions, evaluate_portfolio

__all__ = ["BAD", "Audit", "audit"]

# Statuses that mean the project breaks the rule (a deadline missed, or acted on too early).
BAD = (Status.violated.value, Status.missed.value, Status.too_early.value)
MONEY = "total_investment"


@dataclass(frozen=True)
class Audit:
    """What a portfolio audit found, as tables."""

    as_of: date
    results: pl.DataFrame  # one row per project (input order), the output contract + jurisdiction
    money: pl.Series  # total_investment per project (null: unknown), for approval tiers
    packs: dict[str, CompiledPack]
    outcomes: pl.DataFrame  # jurisdiction, outcome, projects
    violated: pl.DataFrame  # jurisdiction, article_zh, article_en, rules, projects
    approvals: pl.DataFrame  # jurisdiction, route, authority, authority_zh, authority_en, projects
    deadlines: pl.DataFrame  # jurisdiction, rule_id, article_en, status, due (one per project)

    @property
    def projects(self) -> int:
        return self.results.height

    def missed(self) -> pl.DataFrame:
        """Deadlines missed, per rule: jurisdiction, rule_id, article_en, projects."""
        return (
            self.deadlines.filter(pl.col("status") == Status.missed.value)
            .group_by("jurisdiction", "rule_id", "article_en", maintain_order=True)
            .agg(pl.len().alias("projects"))
            .sort("projects", descending=True, maintain_order=True)
        )


def audit(frame: pl.DataFrame, as_of: date, **options: Unpack[PortfolioOptions]) -> Audit:
    """Evaluate a typed portfolio frame (options as :func:`evaluate_portfolio`), summarise it."""
    results, packs = evaluate_portfolio(frame, as_of, **options)
    money = (
        frame[MONEY].cast(pl.Float64)  # charts only; every decision used the exact Decimal
        if MONEY in frame.columns
        else pl.Series(MONEY, [None] * frame.height, dtype=pl.Float64)
    )
    return summarise(results, packs, as_of, money)


def summarise(
    results: pl.DataFrame, packs: dict[str, CompiledPack], as_of: date, money: pl.Series
) -> Audit:
    """The summary tables of a result frame."""
    outcomes = (
        results.group_by("jurisdiction", "outcome", maintain_order=True)
        .agg(pl.len().alias("projects"))
        .sort("jurisdiction", "projects", descending=[False, True], maintain_order=True)
    )
    violated: list[pl.DataFrame] = []
    approvals: list[pl.DataFrame] = []
    deadlines: list[pl.DataFrame] = []
    for j, pack in packs.items():
        rows = results.filter(pl.col("jurisdiction") == j)
        violated.append(_violated(j, pack, rows))
        approvals.append(_approvals(j, pack, rows))
        deadlines.append(_deadlines(j, pack, rows))
    return Audit(
        as_of=as_of,
        results=results,
        money=money.alias(MONEY),
        packs=packs,
        outcomes=outcomes,
        violated=_stack(violated, _VIOLATED).sort("projects", descending=True, maintain_order=True),
        approvals=_stack(approvals, _APPROVALS),
        deadlines=_stack(deadlines, _DEADLINES),
    )


_VIOLATED = {
    "jurisdiction": pl.Utf8(),
    "article_zh": pl.Utf8(),
    "article_en": pl.Utf8(),
    "rules": pl.Utf8(),
    "projects": pl.UInt32(),
}
_APPROVALS = {
    "jurisdiction": pl.Utf8(),
    "route": pl.Utf8(),
    "authority": pl.Utf8(),
    "authority_zh": pl.Utf8(),
    "authority_en": pl.Utf8(),
    "projects": pl.UInt32(),
}
_DEADLINES = {
    "jurisdiction": pl.Utf8(),
    "rule_id": pl.Utf8(),
    "article_en": pl.Utf8(),
    "status": pl.Utf8(),
    "due": pl.Date(),
}


def _stack(parts: list[pl.DataFrame], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    parts = [p.cast(schema) for p in parts if p.height]  # type: ignore[arg-type]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _violated(j: str, pack: CompiledPack, rows: pl.DataFrame) -> pl.DataFrame:
    by_article: dict[tuple[str, str], list[str]] = {}
    for rule in pack.rules:
        key = (rule.citation.zh(), rule.citation.en())
        by_article.setdefault(key, []).append(rule.id)
    counts = rows.select(
        pl.any_horizontal(pl.col(f"status:{r}").is_in(BAD) for r in ids)
        .fill_null(False)
        .sum()
        .alias(str(n))
        for n, ids in enumerate(by_article.values())
    )
    table = pl.DataFrame(
        {
            "jurisdiction": [j] * len(by_article),
            "article_zh": [zh for zh, _ in by_article],
            "article_en": [en for _, en in by_article],
            "rules": [", ".join(ids) for ids in by_article.values()],
            "projects": counts.row(0) if rows.height else [0] * len(by_article),
        }
    )
    return table.filter(pl.col("projects") > 0)


def _approvals(j: str, pack: CompiledPack, rows: pl.DataFrame) -> pl.DataFrame:
    parts = []
    for route in pack.routes:
        col = f"approver:{route}"
        parts.append(
            rows.group_by(pl.col(col).alias("authority"))
            .agg(pl.len().alias("projects"))
            .drop_nulls("authority")
            .with_columns(pl.lit(j).alias("jurisdiction"), pl.lit(route).alias("route"))
        )
    if not parts:
        return pl.DataFrame(schema=_APPROVALS)
    table = pl.concat(parts)
    names = pl.DataFrame(
        {
            "authority": list(pack.authorities),
            "authority_zh": [zh for zh, _ in pack.authorities.values()],
            "authority_en": [en for _, en in pack.authorities.values()],
        }
    )
    return (
        table.join(names, on="authority", how="left")
        .select(*_APPROVALS)
        .sort("route", "projects", descending=[False, True])
    )


def _deadlines(j: str, pack: CompiledPack, rows: pl.DataFrame) -> pl.DataFrame:
    parts = [
        rows.select(
            pl.lit(j).alias("jurisdiction"),
            pl.lit(rule.id).alias("rule_id"),
            pl.lit(rule.citation.en()).alias("article_en"),
            pl.col(f"status:{rule.id}").alias("status"),
            pl.col(f"due:{rule.id}").alias("due"),
        ).drop_nulls("status")
        for rule in pack.rules
        if rule.kind == "deadline"
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=_DEADLINES)
