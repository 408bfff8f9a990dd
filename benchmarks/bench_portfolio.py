"""Portfolio benchmarks (issue 17): a reform over many projects, and Dask 2 workers vs 1.

    python benchmarks/bench_portfolio.py reform [--rows 1000000] [--backend columnar|rows]
    python benchmarks/bench_portfolio.py dask [--rows 10000000] [--backend columnar|rows]

Prints projects per second. ``reform`` generates a Dazhou portfolio and simulates the
shipped example reform (Dazhou's mayor band 200万 → 300万) over it: two full evaluations
plus the comparison. ``dask`` writes a generated Parquet portfolio (to --dir) and times the
evaluation of every partition on a LocalCluster of 1, then 2, worker processes. The rows
backend (the per-project engine) is far slower: give it a few thousand rows and read the
figure as projects per second. Needs the ``portfolio`` extra.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 25)
REFORM = ROOT / "examples" / "portfolio" / "mayor-band-300.yaml"


def _portfolio(rows: int, seed: int = 0):  # type: ignore[no-untyped-def]
    from govit_rules._portfolio.generate import generate_portfolio

    return generate_portfolio(rows, pack_dir=ROOT / "rulepacks" / "dazhou", seed=seed)


def bench_reform(rows: int, backend: str | None) -> None:
    from govit_rules import get_pack
    from govit_rules._portfolio.backend import default_backend
    from govit_rules._portfolio.simulate import simulate

    chosen = backend or default_backend()
    pack = get_pack("dazhou", AS_OF)
    t0 = time.perf_counter()
    frame = _portfolio(rows)
    t1 = time.perf_counter()
    sim = simulate(frame, AS_OF, pack, str(REFORM), backend=chosen)  # type: ignore[arg-type]
    t2 = time.perf_counter()
    secs = t2 - t1
    print(f"generate  {rows:>10,} projects in {t1 - t0:7.2f} s")
    print(
        f"reform    {rows:>10,} projects in {secs:7.2f} s  ({rows / secs:>12,.0f} projects/s, "
        f"backend {chosen}; {sim.count('approver'):,} change approver)"
    )


def _dask_run(path: Path, workers: int, backend: str | None) -> float:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from govit_rules import get_pack
    from govit_rules._portfolio.distributed import evaluate_dask

    pack = get_pack("dazhou", AS_OF)
    with (
        LocalCluster(
            n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        frame = dd.read_parquet(path, dtype_backend="pyarrow")
        out = evaluate_dask(pack, frame, AS_OF, backend=backend, client=client)  # type: ignore[arg-type]
        client.run(lambda: None)  # workers up before the clock starts
        t0 = time.perf_counter()
        # Count rows per partition: every partition is evaluated, nothing is shuffled.
        rows = int(out.map_partitions(len).compute().sum())
        secs = time.perf_counter() - t0
    assert rows > 0
    return secs


def bench_dask(rows: int, backend: str | None, folder: Path, partitions: int) -> None:
    from govit_rules._portfolio.files import write_portfolio

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"portfolio-{rows}.parquet"
    if not path.exists():
        step = max(1, rows // partitions)
        parts = [
            _portfolio(min(step, rows - s), seed=n) for n, s in enumerate(range(0, rows, step))
        ]
        path.mkdir()
        for n, part in enumerate(parts):
            write_portfolio(part, path / f"part-{n:04d}.parquet")
    one = _dask_run(path, 1, backend)
    two = _dask_run(path, 2, backend)
    print(
        f"dask 1 worker   {rows:>10,} projects in {one:7.2f} s  ({rows / one:>12,.0f} projects/s)"
    )
    print(
        f"dask 2 workers  {rows:>10,} projects in {two:7.2f} s  ({rows / two:>12,.0f} projects/s)"
    )
    print(f"speed-up 2 vs 1: {one / two:.2f}x")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("what", choices=["reform", "dask"])
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--backend", choices=["columnar", "rows"], default=None)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "govit-bench")
    ap.add_argument("--partitions", type=int, default=8)
    args = ap.parse_args(argv)
    if args.what == "reform":
        bench_reform(args.rows or 1_000_000, args.backend)
    else:
        bench_dask(args.rows or 10_000_000, args.backend, args.dir, args.partitions)


if __name__ == "__main__":
    main(sys.argv[1:])
