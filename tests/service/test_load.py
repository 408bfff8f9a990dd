"""A small, bounded run of benchmarks/bench_service.py's load against a real server.

A correctness test, not a timing: concurrent clients on 127.0.0.1 get no error, and every
answer is the library's own verdict for the same project, byte for byte.
"""

from __future__ import annotations

from .conftest import LiveServer, bench_service


def test_concurrent_clients_get_no_errors_and_the_librarys_verdicts(
    live_server: LiveServer,
) -> None:
    bench = bench_service()
    pool = bench.jobs(40)
    result = bench.run_load(live_server.url, pool, requests=300, clients=8)
    assert result.requests == 300
    assert result.errors == []
    assert result.mismatches == 0
