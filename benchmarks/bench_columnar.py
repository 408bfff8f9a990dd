"""Throughput of the columnar evaluator over a generated portfolio, streamed in batches.

Prints projects per CPU second (one core) for ``evaluate_columns`` (outcome, every rule's status, every
route's approver, every deadline's due day) over ``--projects`` generated projects, batch
by batch so that memory stays bounded, and beside it the per-project engine's figure on a
sample of the same projects in the same run. Not a test: run it by hand, quote figures.

    python benchmarks/bench_columnar.py [--jurisdiction dazhou] [--projects 1000000]
        [--batch 50000] [--engine-sample 20000] [--threads 1]

``--threads 1`` (the default) pins Polars to one core; it must be set before Polars is
imported, so this script sets ``POLARS_MAX_THREADS`` itself.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

BANDS = ["29.99", "30", "120", "199.99", "200", "350", "500", "780", "999.99", "1000", "2600"]


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--jurisdiction", default="dazhou")
    ap.add_argument("--projects", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--engine-sample", type=int, default=20_000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    return ap.parse_args(argv)


def base_frame(pack: Any) -> Any:
    """The pack's example projects (fully described, at every stage) as a table."""
    import polars as pl
    import yaml

    from govit_rules._engine.evaluate import validate_project
    from govit_rules._lang.conditions import fact_types
    from govit_rules._portfolio.exprs import fact_dtype

    types = fact_types()
    rows = []
    for f in sorted((Path(pack.path) / "examples").glob("*.yaml")):
        raw = yaml.safe_load(f.read_text(encoding="utf-8"))
        p = validate_project(raw.get("project", raw))
        row: dict[str, Any] = {}
        for k, v in p.__dict__.items():
            if isinstance(v, frozenset):
                row[k] = sorted(str(x) for x in v)
            elif v is not None:
                row[k] = str(v) if types[k].kind in ("enum", "string") else v
        rows.append(row)
    schema = {k: fact_dtype(t) for k, t in types.items()}
    return pl.DataFrame(rows, schema=schema)


def batch(base: Any, n: int, seed: int, offset: int) -> Any:
    """``n`` projects varied from the examples, as bench.py varies them, in columns.

    Each row copies one example, gets an investment amount in a random band (boundary
    values included, cents added), its dates shifted by -400..300 days, about 5% of its
    yes/no facts flipped and about 5% of its facts left unknown. Seeded and vectorised.
    """
    import polars as pl

    idx = pl.int_range(offset, offset + n, eager=True, dtype=pl.UInt64)

    def rnd(salt: int, k: int) -> pl.Series:
        return (idx.hash(seed * 1_000_003 + salt) % k).cast(pl.Int64)

    frame = base[rnd(0, base.height)]
    bands = pl.Series([Decimal(b) for b in BANDS], dtype=pl.Decimal(38, 2))
    cents = rnd(1, 100).cast(pl.Decimal(38, 0)) * pl.Series([Decimal("0.01")]).cast(
        pl.Decimal(38, 2)
    )
    shift = (rnd(2, 701) - 400).cast(pl.Int32)
    exprs = []
    for salt, (name, dtype) in enumerate(frame.schema.items(), start=10):
        col = pl.col(name)
        if name == "total_investment":
            col = pl.lit(bands[rnd(3, len(BANDS))] + cents)
        elif dtype == pl.Date:
            col = (col.cast(pl.Int32) + pl.lit(shift)).cast(pl.Date)
        elif dtype == pl.Boolean:
            col = pl.when(pl.lit(rnd(salt, 20) == 0)).then(~col).otherwise(col)
        if name != "total_investment":
            col = pl.when(pl.lit(rnd(salt + 500, 20) == 0)).then(None).otherwise(col)
        exprs.append(col.alias(name))
    return frame.select(exprs).with_columns(pl.format("P{}", pl.lit(idx)).alias("project_id"))


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    os.environ["POLARS_MAX_THREADS"] = str(args.threads)
    import polars as pl

    from govit_rules import get_pack
    from govit_rules._engine.evaluate import evaluate_pack
    from govit_rules._portfolio.columnar import evaluate_columns
    from govit_rules._portfolio.rowwise import project_of_row

    pack = get_pack(args.jurisdiction)
    as_of = date(2026, 11, 25)
    base = base_frame(pack)
    print(
        f"pack {pack.id} {pack.version}: {len(pack.rules)} rules; polars {pl.__version__}, "
        f"{pl.thread_pool_size()} thread(s); {args.projects:,} projects in batches of {args.batch:,}"
    )
    evaluate_columns(pack, batch(base, 1000, args.seed + 1, 0), as_of)  # warm up

    done = 0
    spent = 0.0  # CPU seconds of this process: on a shared machine, wall time is not ours
    wall = 0.0
    generating = 0.0
    outcomes: dict[str, int] = {}
    sample = None
    while done < args.projects:
        n = min(args.batch, args.projects - done)
        t0 = time.process_time()
        frame = batch(base, n, args.seed, done)
        t1, w1 = time.process_time(), time.perf_counter()
        out = evaluate_columns(pack, frame, as_of)
        t2, w2 = time.process_time(), time.perf_counter()
        generating += t1 - t0
        spent += t2 - t1
        wall += w2 - w1
        for value, count in out["outcome"].value_counts().iter_rows():
            outcomes[value] = outcomes.get(value, 0) + count
        if sample is None:
            sample = frame.head(args.engine_sample)
        done += n
        del frame, out
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    columnar_rate = done / spent
    print(f"columnar (statuses, approvers, due days): {columnar_rate:>12,.0f} projects/s")
    print(
        f"  evaluation {spent:.2f} CPU s ({wall:.2f} s wall); "
        f"generating the batches {generating:.2f} CPU s (not counted)"
    )
    print(f"  peak RSS {rss:,.0f} MiB")
    print("  outcomes:", ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))

    assert sample is not None
    projects = [project_of_row(sample, i) for i in range(sample.height)]
    for p in projects[:200]:
        evaluate_pack(pack, p, as_of)
    t0 = time.process_time()
    for p in projects:
        evaluate_pack(pack, p, as_of)
    engine_rate = len(projects) / (time.process_time() - t0)
    print(
        f"per-project engine (full verdict, dict in), {len(projects):,} of the same projects: "
        f"{engine_rate:>8,.0f} projects/s"
    )
    print(f"ratio columnar / engine: {columnar_rate / engine_rate:,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
