"""Generated portfolios: plausible tables of projects for examples, tests and benchmarks.

Owns :func:`generate_portfolio`. Each row starts from one of a pack's shipped example
projects (``rulepacks/<pack>/examples/*.yaml``), then its amounts, its review path and
its calendar are varied: total investment drawn over the approval bands with the band
limits themselves (a threshold and both its sides) over-represented, every date of the
project shifted by the same number of days (so its intervals, and holidays met on the
way, change), and some facts blanked (unknown). Seeded, hence reproducible.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

from .._io.yaml import load_yaml
from .._packs.loader import load_pack
from .files import to_input_frame

__all__ = ["generate_portfolio"]

# Band limits of the shipped approval routes (万元), and amounts just either side.
_EDGES = ("50", "100", "200", "300", "500", "1000", "2000")


def _templates(pack_dir: Path) -> pl.DataFrame:
    pack = load_pack(pack_dir)  # its project model reads the examples' own facts
    rows = []
    for p in sorted((pack_dir / "examples").glob("*.yaml")):
        data, _ = load_yaml(p)
        project = pack.project_model.model_validate(dict(data))
        rows.append(project.model_dump(mode="json", exclude_none=True))
    text = pl.DataFrame(
        [{k: _text(v) for k, v in r.items()} for r in rows], infer_schema_length=None
    )
    return to_input_frame(text.cast(pl.Utf8), pack=pack)


def _text(value: object) -> str | None:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(sorted(value))
    return None if value is None else str(value)


def generate_portfolio(
    rows: int,
    *,
    pack_dir: str | Path,
    seed: int = 0,
    unknown_share: float = 0.05,
    jurisdiction: str | None = None,
) -> pl.DataFrame:
    """``rows`` generated projects in the portfolio input layout, with ``project_id``."""
    rng = np.random.default_rng(seed)
    base = _templates(Path(pack_dir))
    pick = pl.Series(rng.integers(0, base.height, rows))
    frame = base[pick]

    # Money: log-uniform over 10-3000万 in cents of 万元, a fifth of rows on a band edge ± 0.01.
    cents = np.exp(rng.uniform(np.log(1_000), np.log(300_000), rows)).astype(np.int64)
    edges = np.array([int(Decimal(e) * 100) for e in _EDGES])
    on_edge = rng.random(rows) < 0.2
    edge_cents = edges[rng.integers(0, len(edges), rows)] + rng.integers(-1, 2, rows)
    cents = np.where(on_edge, edge_cents, cents)
    money = pl.Series("total_investment", cents).cast(pl.Decimal(38, 2)) / 100
    # Whole years keep a project's calendar plausible; a few weeks' jitter moves it across
    # month ends and holidays.
    years = rng.integers(-2, 1, rows)
    shift = pl.Series("__shift", years * 365 + rng.integers(-20, 21, rows)).cast(pl.Int32)

    updates = [money.cast(pl.Decimal(38, 2))]
    if "collectively_reviewed" in frame.columns:
        updates.append(pl.Series("collectively_reviewed", rng.random(rows) < 0.3))
    frame = frame.with_columns(updates).with_columns(shift)
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    frame = frame.with_columns(
        (pl.col(c) + pl.duration(days=pl.col("__shift"))).alias(c) for c in dates
    )
    # Lists of dates (each year's report) move with the project's other dates.
    for c in [c for c, t in frame.schema.items() if t == pl.List(pl.Date)]:
        moved = [
            None if days is None else [d + timedelta(days=n) for d in days]
            for days, n in zip(frame[c].to_list(), frame["__shift"].to_list(), strict=True)
        ]
        frame = frame.with_columns(pl.Series(c, moved, dtype=pl.List(pl.Date)))
    frame = frame.drop("__shift")
    if "plan_year" in frame.columns:
        frame = frame.with_columns((pl.col("plan_year") + pl.Series(years)).alias("plan_year"))

    blanks = [
        pl.when(pl.Series(rng.random(rows) < unknown_share))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in frame.columns
    ]
    frame = frame.with_columns(blanks)
    ids = pl.Series("project_id", [f"P{seed:02d}-{i:07d}" for i in range(rows)])
    frame = frame.insert_column(0, ids)
    if jurisdiction is not None:
        frame = frame.insert_column(1, pl.Series("jurisdiction", [jurisdiction] * rows))
    return frame
