"""Shared fixtures of the service tests: the app in-process, and a real server on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra (fastapi) is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the [serve] extra (uvicorn) is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from govit_rules._service import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# The README's project: a 1,000万 self-built project of a municipal organ, not collectively
# reviewed, so Dazhou Art. 10(2)(iv) sends it to the Party standing committee.
README_PROJECT: dict[str, Any] = {
    "unit_type": "government_organ",
    "unit_level": "own_level",
    "funding_sources": ["local_budget"],
    "is_secret": False,
    "delivery_mode": "self_build",
    "total_investment": 1000,
    "collectively_reviewed": False,
    "budget_review_submitted_on": "2026-09-25",
}
AS_OF = "2026-11-25"


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def bench_service() -> ModuleType:
    """benchmarks/bench_service.py as a module (the load test shares its client and checks)."""
    if "bench_service" in sys.modules:
        return sys.modules["bench_service"]
    path = ROOT / "benchmarks" / "bench_service.py"
    spec = importlib.util.spec_from_file_location("bench_service", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_service"] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    port: int = bench_service().free_port()
    return port


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a thread, for the browser and load tests."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    with LiveServer(create_app()) as server:
        yield server
