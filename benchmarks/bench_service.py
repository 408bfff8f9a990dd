"""Load test of ``govit-rules serve`` on 127.0.0.1: requests/s, p50/p99, errors, same verdicts.

Starts the service in a subprocess (``--workers N``), then ``--clients`` threads, each with
its own keep-alive connection, POST ``--requests`` evaluations in total. The projects are
bench.py's seeded Dazhou portfolio, sent round-robin to every shipped jurisdiction; every
answer is compared byte for byte with the library's ``Verdict.to_json()`` for the same
project. Not a test: run it by hand and quote the figures (docs/performance.md). Exits 1
on any error or mismatch.

    python benchmarks/bench_service.py [--requests 5000] [--clients 16] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

AS_OF = date(2026, 11, 25)


@dataclass(frozen=True)
class Job:
    jurisdiction: str
    body: bytes
    expected: str


@dataclass
class LoadResult:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    mismatches: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def quantile(self, q: float) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0


LIBRARY_SECONDS: list[float] = []  # the library's own time per job, measured by jobs()


def jobs(n_projects: int, seed: int = 7) -> list[Job]:
    """Requests and the verdict the library gives for each (computed here, not by the server).

    The time the library takes for each (dict in, validation, verdict, JSON out) is kept in
    ``LIBRARY_SECONDS``: the reference that the service's figures are compared with.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import portfolio

    from govit_rules import evaluate, jurisdictions

    out = []
    names = jurisdictions()
    for i, project in enumerate(portfolio(n_projects, seed)):
        j = names[i % len(names)]
        facts = project.model_dump(mode="json", exclude_none=True)  # decimals as exact text
        if j != "dazhou":
            # Document ids are each pack's own; the portfolio's are Dazhou's.
            facts.pop("submitted_documents", None)
        body = json.dumps({"project": facts, "as_of": AS_OF.isoformat()}).encode()
        t0 = time.perf_counter()
        expected = evaluate(facts, j, as_of=AS_OF).to_json()
        LIBRARY_SECONDS.append(time.perf_counter() - t0)
        out.append(Job(j, body, expected))
    return out


def run_load(base_url: str, pool: list[Job], requests: int, clients: int) -> LoadResult:
    """``requests`` POSTs from ``clients`` threads; every answer checked against the library."""
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                job = pool[i % len(pool)]
                t0 = time.perf_counter()
                try:
                    r = http.post(
                        f"/v1/packs/{job.jurisdiction}/evaluate",
                        content=job.body,
                        headers={"content-type": "application/json"},
                    )
                    elapsed = time.perf_counter() - t0
                    error = None if r.status_code == 200 else f"{r.status_code}: {r.text[:200]}"
                    same = r.text == job.expected
                except httpx.HTTPError as exc:
                    elapsed, error, same = time.perf_counter() - t0, repr(exc), False
                with lock:
                    result.requests += 1
                    result.latencies.append(elapsed)
                    if error is not None:
                        result.errors.append(error)
                    elif not same:
                        result.mismatches += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - t0
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "govit_rules._cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the service did not start within 60 s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--projects", type=int, default=500, help="distinct projects in the pool")
    args = ap.parse_args()
    pool = jobs(args.projects)
    port = free_port()
    proc = _start_server(port, args.workers)
    try:
        run_load(f"http://127.0.0.1:{port}", pool, min(200, args.requests), args.clients)  # warm
        res = run_load(f"http://127.0.0.1:{port}", pool, args.requests, args.clients)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"requests        {res.requests} ({args.clients} clients, {args.workers} worker(s))")
    print(f"requests/s      {res.per_second:,.0f}")
    print(f"latency p50     {res.quantile(0.50) * 1000:.1f} ms")
    print(f"latency p99     {res.quantile(0.99) * 1000:.1f} ms")
    print(f"mean            {statistics.fmean(res.latencies) * 1000:.1f} ms")
    lib = statistics.fmean(LIBRARY_SECONDS[len(LIBRARY_SECONDS) // 10 :])
    print(f"library alone   {1 / lib:,.0f} verdicts/s on one thread, same projects, same minute")
    print(f"errors          {len(res.errors)}")
    print(f"mismatches      {res.mismatches} (answers differing from Verdict.to_json())")
    for e in res.errors[:5]:
        print(f"  {e}")
    return 1 if res.errors or res.mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
