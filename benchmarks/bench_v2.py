"""Engine v2 figures, each beside the peers measured in the same run.

Prints projects per second on one core for: the lazy verdict from a dict (validation
included) read for outcome, route and deadlines, for every shipped pack; the same verdict
fully materialised; full and compact JSON; ``evaluate_many`` with one and two workers;
pack load + compile; ``import govit_rules``. With ``--peers`` it then runs the shared
peer benchmark (compiled lambdas and GoRules Zen; needs ``pip install zen-engine
psutil``) so the ratios can be read off one run on this shared, noisy machine.

    python benchmarks/bench_v2.py [--projects 5000] [--peers]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import portfolio

from govit_rules import evaluate_many, load_pack
from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._packs.registry import shipped_packs_dir

AS_OF = date(2026, 11, 25)
PEERS = Path(__file__).resolve().parents[2] / "shared" / "bench-engines" / "bench_engines.py"


def rate(fn: Callable[[Any], object], items: list[Any], runs: int = 3) -> float:
    for item in items[:100]:
        fn(item)
    best = 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = max(best, len(items) / (time.perf_counter() - t0))
    return best


def show(label: str, value: float, unit: str = "projects/s") -> None:
    print(f"{label:<58} {value:>12,.0f} {unit}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=5000)
    ap.add_argument("--peers", action="store_true", help="run the shared peer benchmark too")
    args = ap.parse_args(argv)
    root = shipped_packs_dir()
    results: dict[str, float] = {}

    for jurisdiction in ("dazhou", "hailing", "lushan", "qinzhou", "wendeng"):
        pack = load_pack(root / jurisdiction)
        projects = portfolio(args.projects, 7, root / jurisdiction / "examples")
        raw = [p.model_dump(mode="json", exclude_none=True) for p in projects]

        def lazy(d: Any, pack: Any = pack) -> object:
            v = evaluate_pack(pack, d, AS_OF)
            return v.outcome, v.final_approver(), [x.due for x in v.deadlines]

        results[f"lazy {jurisdiction}"] = rate(lazy, raw)
        show(f"lazy verdict from a dict, {jurisdiction}", results[f"lazy {jurisdiction}"])
        if jurisdiction != "dazhou":
            continue

        def full(p: Any, pack: Any = pack) -> object:
            v = evaluate_pack(pack, p, AS_OF)
            v.materialize()
            return [f.message for f in v.findings]

        results["full"] = rate(full, projects)
        show("every finding and message read, dazhou", results["full"])
        part = projects[: max(1, len(projects) // 4)]
        results["json"] = rate(lambda p, pack=pack: evaluate_pack(pack, p, AS_OF).to_json(), part)
        show("to_json(), dazhou", results["json"])
        results["compact"] = rate(
            lambda p, pack=pack: evaluate_pack(pack, p, AS_OF).to_json(compact=True), part
        )
        show("to_json(compact=True), dazhou", results["compact"])
        many = raw * max(1, 20000 // len(raw))
        for workers in (1, 2):
            t0 = time.perf_counter()
            for v in evaluate_many(many, pack=pack, workers=workers, as_of=AS_OF):
                v.outcome  # noqa: B018 - read what the caller reads
            results[f"many {workers}"] = len(many) / (time.perf_counter() - t0)
            show(f"evaluate_many, {workers} worker(s), dazhou", results[f"many {workers}"])
        print(
            f"{'evaluate_many: 2 workers / 1 worker':<58} {results['many 2'] / results['many 1']:>12.2f}x"
        )

    loads: dict[str, list[float]] = {}
    for jurisdiction in ("dazhou", "hailing", "lushan", "qinzhou", "wendeng"):
        for _ in range(5):
            t0 = time.perf_counter()
            load_pack(root / jurisdiction)
            loads.setdefault(jurisdiction, []).append((time.perf_counter() - t0) * 1000)
    for jurisdiction, ms in loads.items():
        show(f"load + compile, {jurisdiction} (median of 5)", statistics.median(ms), "ms")
    imports = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import govit_rules"], check=True)
        imports.append((time.perf_counter() - t0) * 1000)
    base = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append((time.perf_counter() - t0) * 1000)
    show(
        "import govit_rules (interpreter start subtracted)",
        statistics.median(imports) - statistics.median(base),
        "ms",
    )

    if args.peers and PEERS.exists():
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [
                    sys.executable,
                    str(PEERS),
                    "--engines",
                    "python_compiled_lambdas,zen_table_static_loader",
                    "--runs",
                    "3",
                    "--outdir",
                    out,
                ],
                check=False,
                capture_output=True,
            )
            found = list(Path(out).glob("*.json"))
            if found:
                data = json.loads(found[0].read_text(encoding="utf-8"))
                rows = data.get("results", data) if isinstance(data, dict) else data
                for row in rows if isinstance(rows, list) else []:
                    name = row.get("engine") or row.get("name")
                    value = row.get("projects_per_s_median")
                    if name and value:
                        show(f"peer: {name} (60 rules, same machine, same run)", float(value))
            else:
                print("peers: the shared benchmark wrote no results (is zen-engine installed?)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
