"""Write a generated example portfolio: python examples/portfolio/generate.py OUT [ROWS].

OUT ends in .csv, .jsonl or .parquet. Half the rows are Dazhou projects, half Hailing
ones (a ``jurisdiction`` column tells them apart); needs the ``portfolio`` extra.
"""

import sys

import polars as pl

from govit_rules._portfolio.files import write_portfolio
from govit_rules._portfolio.generate import generate_portfolio

out = sys.argv[1] if len(sys.argv) > 1 else "examples/portfolio/projects.csv"
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 240
parts = [
    generate_portfolio(
        rows - rows // 2, pack_dir="rulepacks/dazhou", seed=1, jurisdiction="dazhou"
    ),
    generate_portfolio(rows // 2, pack_dir="rulepacks/hailing", seed=2, jurisdiction="hailing"),
]
write_portfolio(pl.concat(parts, how="diagonal_relaxed"), out)
print(f"wrote {rows} projects to {out}")
