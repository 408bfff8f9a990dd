"""Throughput of the two engines on one seeded portfolio, and of the lifecycle monitor.

    python benchmarks/bench_engines.py [--projects N] [--pack dazhou|PATH] [--seed S]

Projects are drawn with a fixed seed from the facts the pack reads (thresholds ± 0.01,
missing facts, every enum value, sets, dates around the deadlines), validated once, then
evaluated by the compiled engine and by the Rete engine (durable-rules). Both must agree on
every project before anything is timed. The monitor is fed one event stream per project
(a facts event, then the anchor and closing date of every deadline) and timed per event.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from govit_rules._engine.evaluate import evaluate_pack, validate_project
from govit_rules._engine.monitor import Monitor
from govit_rules._lang.conditions import FactRef, fact_types, tests_of
from govit_rules._packs.loader import CompiledPack, load_pack
from govit_rules._packs.registry import default_registry
from govit_rules._vocab.project import Project

TYPES = fact_types()
AS_OF = date(2026, 10, 15)


def pick_pack(name: str) -> CompiledPack:
    if Path(name).is_dir():
        return load_pack(name)
    return default_registry().get(name, AS_OF)


def portfolio(pack: CompiledPack, n: int, seed: int) -> list[Project]:
    rng = random.Random(seed)
    edges: dict[str, list[Any]] = {}
    for rule in pack.rules:
        for cond in (rule.when, rule.main, rule.unless):
            if cond is None:
                continue
            for t in tests_of(cond):
                if isinstance(t.value, FactRef):
                    continue
                values = t.value if isinstance(t.value, frozenset) else {t.value}
                for v in values:
                    if isinstance(v, Decimal):
                        edges.setdefault(t.fact, []).extend(
                            [v - Decimal("0.01"), v, v + Decimal("0.01")]
                        )
    facts = sorted({f for r in pack.rules for f in r.facts} | {"stage", "submitted_documents"})
    out: list[Project] = []
    while len(out) < n:
        data: dict[str, Any] = {}
        for fact in facts:
            if rng.random() < 0.25:
                continue  # unknown
            ft = TYPES[fact]
            if ft.kind == "number":
                choices = [v for v in edges.get(fact, []) if v >= 0]
                near = choices and rng.random() < 0.6
                data[fact] = rng.choice(choices) if near else Decimal(rng.randint(0, 300000)) / 100
            elif ft.kind == "integer":
                data[fact] = rng.randint(2024, 2028) if "year" in fact else rng.randint(0, 3)
            elif ft.kind == "date":
                data[fact] = date(2025, 1, 1) + timedelta(days=rng.randint(0, 900))
            elif ft.kind == "bool":
                data[fact] = rng.random() < 0.5
            elif ft.kind == "enum" and ft.enum is not None:
                data[fact] = rng.choice(list(ft.enum)).value
            elif ft.kind == "set":
                pool = [m.value for m in ft.enum] if ft.enum is not None else list(pack.documents)
                data[fact] = rng.sample(pool, k=rng.randint(0, min(3, len(pool))))
        try:
            out.append(validate_project(data))
        except Exception:  # a percent above 100 and the like: draw again
            continue
    return out


def events(pack: CompiledPack, projects: list[Project], seed: int) -> list[str]:
    rng = random.Random(seed)
    lines: list[str] = []
    deadlines = [
        r for r in pack.rules if r.kind == "deadline" and r.anchor and r.anchor.endswith("_on")
    ]
    for i, p in enumerate(projects):
        pid = f"P{i}"
        base = date(2025, 1, 6) + timedelta(days=rng.randint(0, 300))
        facts = {
            k: v
            for k, v in p.model_dump(mode="json").items()
            if v is not None and not k.endswith("_on")
        }
        lines.append(
            json.dumps(
                {
                    "project": pid,
                    "jurisdiction": pack.jurisdiction,
                    "type": "facts",
                    "date": base.isoformat(),
                    "payload": facts,
                }
            )
        )
        day = base
        for rule in deadlines:
            day += timedelta(days=rng.randint(1, 20))
            assert rule.anchor is not None
            lines.append(
                json.dumps(
                    {
                        "project": pid,
                        "jurisdiction": pack.jurisdiction,
                        "type": rule.anchor[:-3],
                        "date": day.isoformat(),
                    }
                )
            )
            if rule.done and rule.done.endswith("_on"):
                day += timedelta(days=rng.randint(1, 60))
                lines.append(
                    json.dumps(
                        {
                            "project": pid,
                            "jurisdiction": pack.jurisdiction,
                            "type": rule.done[:-3],
                            "date": day.isoformat(),
                        }
                    )
                )
    return lines


def timed(fn: Any, items: list[Any]) -> float:
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--projects", type=int, default=2000)
    ap.add_argument("--pack", default="dazhou", help="a jurisdiction id or a pack folder")
    ap.add_argument("--seed", type=int, default=20260925)
    args = ap.parse_args(argv)

    from govit_rules._engine.rete import evaluate_rete, rete_available, rete_program

    pack = pick_pack(args.pack)
    projects = portfolio(pack, args.projects, args.seed)
    print(
        f"pack {pack.id} {pack.version}: {len(pack.rules)} rules; {len(projects)} projects; as of {AS_OF}"
    )

    # Agreement first: a fast wrong engine is not worth timing.
    sample = projects[: min(len(projects), 300)]
    if rete_available():
        rete_program(pack)  # build the rulesets outside the timing
        for p in sample:
            a = evaluate_pack(pack, p, AS_OF).model_dump(mode="json")
            b = evaluate_rete(pack, p, AS_OF).model_dump(mode="json")
            if a != b:
                print(
                    f"engines disagree on {p.model_dump(mode='json', exclude_none=True)}",
                    file=sys.stderr,
                )
                return 1
        print(f"engines agree on {len(sample)} projects")

    compiled_s = timed(lambda p: evaluate_pack(pack, p, AS_OF), projects)
    compiled_rate = len(projects) / compiled_s
    print(
        f"compiled: {compiled_rate:10,.0f} projects/s ({compiled_s * 1e6 / len(projects):.0f} µs each)"
    )
    if rete_available():
        rete_s = timed(lambda p: evaluate_rete(pack, p, AS_OF), projects)
        rete_rate = len(projects) / rete_s
        print(
            f"rete:     {rete_rate:10,.0f} projects/s ({rete_s * 1e6 / len(projects):.0f} µs each)"
        )
        print(f"ratio compiled/rete: {compiled_rate / rete_rate:.1f}x")
        prog = rete_program(pack).program
        print(
            f"rete program: {prog.definition_size} durable rules in {len(prog.rulesets)} rulesets"
        )
    else:
        print("rete: durable-rules is not available here (Python 3.13?)")

    lines = events(pack, projects, args.seed)
    monitor = Monitor({pack.jurisdiction: pack}, due_within=7)
    t0 = time.perf_counter()
    alerts = sum(1 for _ in monitor.replay(lines))
    monitor_s = time.perf_counter() - t0
    print(
        f"monitor:  {len(lines) / monitor_s:10,.0f} events/s ({len(lines)} events, {alerts} alerts)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
