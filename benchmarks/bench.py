"""Throughput of the compiled evaluator on a seeded, realistic portfolio of projects.

Prints pack load+compile time, full-verdict projects per second on one core, p50/p99
latency, and the cost of JSON output. Not a test: run it by hand and quote the figures.

    python benchmarks/bench.py [--jurisdiction dazhou] [--projects 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from govit_rules import Component, Project, load_pack
from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._packs.registry import shipped_packs_dir

BANDS = ["29.99", "30", "120", "199.99", "200", "350", "500", "780", "999.99", "1000", "2600"]


def portfolio(n: int, seed: int, examples: Path | None = None) -> list[Project]:
    """A municipal portfolio: the pack's example projects, varied the way real ones vary.

    Each project starts from one of the shipped examples (fully described projects at
    every stage) and gets a seeded investment amount in a random band (boundary values
    included), shifted dates, about 5% of its yes/no facts flipped and about 5% of its facts
    left out (unknown), so that every outcome and many rule paths occur.
    """
    rng = random.Random(seed)
    folder = examples or shipped_packs_dir() / "dazhou" / "examples"
    bases = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.yaml"))]
    out = []
    for i in range(n):
        facts: dict[str, Any] = dict(rng.choice(bases))
        facts["project_id"] = f"P{i:06d}"
        facts["total_investment"] = Decimal(rng.choice(BANDS)) + Decimal(rng.randint(0, 99)) / 100
        shift = timedelta(days=rng.randint(-400, 300))
        for key, value in list(facts.items()):
            if isinstance(value, date):
                facts[key] = value + shift
            elif isinstance(value, bool) and rng.random() < 0.05:
                facts[key] = not value
            if rng.random() < 0.05 and key not in ("project_id", "total_investment"):
                del facts[key]
        if rng.random() < 0.2:
            facts["components"] = rng.sample([c.value for c in Component], k=rng.randint(1, 3))
        out.append(Project.model_validate(facts))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jurisdiction", default="dazhou")
    ap.add_argument(
        "--pack", type=Path, default=None, help="a pack folder instead of a shipped one"
    )
    ap.add_argument("--projects", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)

    folder = args.pack or shipped_packs_dir() / args.jurisdiction
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        pack = load_pack(folder)
        loads.append((time.perf_counter() - t0) * 1000)
    print(f"pack {pack.id} {pack.version} ({len(pack.rules)} rules, {len(pack.articles)} articles)")
    print(f"load+compile: median {statistics.median(loads):.1f} ms (min {min(loads):.1f} ms)")

    projects = portfolio(args.projects, args.seed, folder / "examples")
    raw = [p.model_dump(mode="json", exclude_none=True) for p in projects]
    as_of = date(2026, 11, 25)
    for p in projects[:200]:  # warm up
        evaluate_pack(pack, p, as_of)

    def timed(label: str, fn: Any, items: list[Any]) -> None:
        rates = []
        lat: list[float] = []
        for _ in range(args.runs):
            lat = []
            t_all = time.perf_counter()
            for item in items:
                t0 = time.perf_counter_ns()
                fn(item)
                lat.append(time.perf_counter_ns() - t0)
            rates.append(len(items) / (time.perf_counter() - t_all))
        lat.sort()
        p50 = lat[len(lat) // 2] / 1000
        p99 = lat[int(len(lat) * 0.99)] / 1000
        print(
            f"{label:<44} {statistics.median(rates):>9,.0f} projects/s   p50 {p50:7.1f} µs   p99 {p99:7.1f} µs"
        )

    timed("full verdict (validated Project in)", lambda p: evaluate_pack(pack, p, as_of), projects)
    timed(
        "full verdict (dict in: validation included)", lambda d: evaluate_pack(pack, d, as_of), raw
    )
    timed(
        "full verdict + JSON out",
        lambda p: evaluate_pack(pack, p, as_of).to_json(),
        projects[: max(1, len(projects) // 4)],
    )
    outcomes: dict[str, int] = {}
    for p in projects:
        o = evaluate_pack(pack, p, as_of).outcome.value
        outcomes[o] = outcomes.get(o, 0) + 1
    print("outcomes:", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
