"""Throughput of counterfactuals on the seeded portfolio of ``bench.py``.

Prints, per pack, projects per second for a full verdict with its counterfactuals, the
number of counterfactuals per project,
against the plain verdict rate measured in the same minute. Not a test: run it by hand.

    python benchmarks/bench_counterfactuals.py [--jurisdiction dazhou] [--projects 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date

from bench import portfolio  # type: ignore[import-not-found]

from govit_rules import get_pack
from govit_rules._engine.counterfactual import counterfactuals
from govit_rules._engine.evaluate import evaluate_pack


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jurisdiction", default="dazhou")
    ap.add_argument("--projects", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    pack = get_pack(args.jurisdiction)
    examples = pack.path / "examples"
    projects = portfolio(args.projects, args.seed, examples if examples.is_dir() else None)
    on = date(2026, 11, 25)

    t0 = time.perf_counter()
    verdicts = [evaluate_pack(pack, p, on) for p in projects]
    plain = len(projects) / (time.perf_counter() - t0)

    counts = []
    t0 = time.perf_counter()
    for p, v in zip(projects, verdicts, strict=True):
        counts.append(len(counterfactuals(pack, p, v)))
    with_cf = len(projects) / (time.perf_counter() - t0)

    print(f"pack {pack.id}: {len(projects)} projects")
    print(f"  verdicts only:           {plain:10.0f} projects/s")
    print(f"  with counterfactuals:    {with_cf:10.1f} projects/s ({plain / with_cf:.0f}x slower)")
    print(f"  counterfactuals/project: median {statistics.median(counts):.0f}, max {max(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
