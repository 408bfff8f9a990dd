"""``govit-rules serve`` starts a real server from the command line, and answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from .conftest import ROOT, free_port


def _wait(url: str, proc: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "govit-rules serve did not answer within 60 s"
            time.sleep(0.2)


def test_govit_rules_serve_answers_on_the_given_port_with_the_workbench_and_the_api() -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "govit_rules._cli", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        health = _wait(f"http://127.0.0.1:{port}/healthz", proc)
        assert health.json()["packs"] == 5
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert "govit-rules" in page.text and "/static/app.js" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_with_a_bad_option_is_a_usage_error_not_a_traceback() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "govit_rules._cli", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.returncode == 64
    assert "Traceback" not in run.stderr
