"""Every curl example of docs/service.md, run against a real server.

Examples with ``--fail-with-body`` must succeed and print JSON (or NDJSON); the others are
the page's error examples and must print a problem+json document.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .conftest import ROOT, LiveServer

DOC = ROOT / "docs" / "service.md"
BASE = "http://127.0.0.1:8000"


def _examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [ln for b in blocks for ln in b.splitlines() if ln.startswith("curl ")]


def test_the_page_documents_every_endpoint_with_an_example() -> None:
    text = "\n".join(_examples())
    for path in (
        "/healthz",
        "/v1/jurisdictions",
        "/v1/packs/dazhou?",
        "/rules/",
        "/problems",
        "/evaluate",
        "/evaluate-batch",
        "/v1/compare",
        "/v1/schema/project",
        "/v1/calendar",
    ):
        assert path in text, path


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("command", _examples())
def test_the_curl_example_runs(command: str, live_server: LiveServer) -> None:
    assert BASE in command
    run = subprocess.run(
        ["bash", "-c", command.replace(BASE, live_server.url)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    if "--fail-with-body" in command:
        assert run.returncode == 0, run.stdout[:500] + run.stderr
        docs = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        assert docs
        assert not any(str(d.get("type", "")).startswith("urn:govit-rules:problem:") for d in docs)
    else:
        problem = json.loads(run.stdout)
        assert problem["type"].startswith("urn:govit-rules:problem:")
        assert problem["status"] >= 400
