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

from govit_rules import Component, FundingSource, Project, SystemType, load_pack
from govit_rules._evaluate import evaluate_pack
from govit_rules._registry import shipped_packs_dir

BANDS = ["29.99", "30", "120", "199.99", "200", "350", "500", "780", "999.99", "1000", "2600"]


def portfolio(n: int, seed: int) -> list[Project]:
    """Projects as a municipal portfolio looks: mostly small, a few large, facts partly known."""
    rng = random.Random(seed)
    out = []
    start = date(2026, 1, 5)
    for i in range(n):
        facts: dict[str, Any] = {
            "project_id": f"P{i:06d}",
            "unit_type": rng.choice(
                ["government_organ", "public_institution", "state_owned_enterprise"]
            ),
            "unit_level": "own_level",
            "funding_sources": rng.sample(
                [f.value for f in FundingSource][:6], k=rng.randint(1, 2)
            ),
            "delivery_mode": rng.choice(["self_build", "self_build", "purchase_of_service"]),
            "project_nature": rng.choice(
                ["new", "new", "upgrade", "renovation", "operation_maintenance"]
            ),
            "is_secret": rng.random() < 0.03,
            "total_investment": Decimal(rng.choice(BANDS)) + Decimal(rng.randint(0, 99)) / 100,
            "stage": rng.choice(
                ["declaration", "approval", "design_review", "construction", "acceptance"]
            ),
            "plan_year": 2027,
            "collectively_reviewed": rng.random() < 0.4,
            "deployed_on_gov_cloud": rng.random() < 0.9,
            "in_project_library": rng.random() < 0.95,
            "in_annual_plan": rng.random() < 0.9,
            "system_types": rng.sample([s.value for s in SystemType], k=rng.randint(1, 2)),
        }
        if rng.random() < 0.2:
            facts["components"] = rng.sample([c.value for c in Component], k=rng.randint(1, 3))
        d0 = start + timedelta(days=rng.randint(0, 300))
        if rng.random() < 0.7:
            facts["declared_on"] = d0
            facts["budget_review_submitted_on"] = d0 + timedelta(days=rng.randint(20, 120))
        if rng.random() < 0.4:
            facts["budget_review_completed_on"] = facts.get(
                "budget_review_submitted_on", d0
            ) + timedelta(days=rng.randint(10, 60))
        if rng.random() < 0.5:
            facts["publicity_started_on"] = d0 + timedelta(days=10)
            facts["publicity_ended_on"] = d0 + timedelta(days=10 + rng.randint(5, 9))
        if rng.random() < 0.3:
            facts["trial_run_started_on"] = d0 + timedelta(days=200)
            facts["trial_run_ended_on"] = d0 + timedelta(days=200 + rng.randint(20, 40))
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

    projects = portfolio(args.projects, args.seed)
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
