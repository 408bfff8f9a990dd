"""Generated requests from the OpenAPI document (schemathesis): no request makes a 5xx.

Kept small enough for CI (a few dozen examples per operation, in-process over ASGI).
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, settings  # noqa: E402

from govit_rules._service import create_app  # noqa: E402


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    # The batch body is text: generated strings go as they are, one or more lines.
    return str(value).encode("utf-8", "surrogatepass")


schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_makes_a_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")
