"""Packs load once, and --reload-packs swaps an edited pack in; a broken edit keeps the last good.

Edits change ``approval.small``'s threshold in a scratch copy of the mini pack (its
Art. 4(1)(i) boundary between the mayor and the executive meeting).
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from govit_rules._service import create_app
from govit_rules._service._packs import ServicePacks
from helpers import copy_mini

PROJECT = {"project": {"total_investment": 400, "is_secret": False}, "as_of": "2026-01-05"}


def _approver(c: TestClient) -> str:
    r = c.post("/v1/packs/mini/evaluate", json=PROJECT)
    assert r.status_code == 200, r.text
    route = r.json()["approval_routes"][0]
    return str(route["final_approver"])


def _edit(pack: Path, old: str, new: str) -> None:
    rules = pack / "rules" / "main.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new), encoding="utf-8")


def test_a_valid_edit_is_swapped_in_on_reload(tmp_path: Path) -> None:
    pack = copy_mini(tmp_path)
    app = create_app([tmp_path])
    store: ServicePacks = app.state.packs
    with TestClient(app) as c:
        before = c.get("/v1/packs/mini").json()["content_hash"]
        assert _approver(c) == "mayor"
        _edit(pack, "total_investment: {below: 500}", "total_investment: {below: 300}")
        _edit(pack, "total_investment: {at_least: 500}", "total_investment: {at_least: 300}")
        assert store.reload() == ["mini"]
        assert c.get("/v1/packs/mini").json()["content_hash"] != before
        assert _approver(c) != "mayor"
        assert c.get("/v1/packs/mini/problems").json()["folders"][0]["problems"] == []


def test_an_edit_that_does_not_load_keeps_the_last_good_pack_and_reports_its_problems(
    tmp_path: Path,
) -> None:
    pack = copy_mini(tmp_path)
    app = create_app([tmp_path])
    store: ServicePacks = app.state.packs
    with TestClient(app) as c:
        before = c.get("/v1/packs/mini").json()["content_hash"]
        _edit(pack, "total_investment: {below: 500}", "total_investment: {belw: 500}")
        store.reload()
        assert c.get("/v1/packs/mini").json()["content_hash"] == before
        assert _approver(c) == "mayor"
        folder = c.get("/v1/packs/mini/problems").json()["folders"][0]
        assert folder["serving"]["content_hash"] == before
        assert folder["problems"] and "main.yaml" in folder["problems"][0]["text"]
        assert c.get("/healthz").json()["packs_with_problems"] == ["mini"]


def test_unchanged_folders_are_not_reloaded(tmp_path: Path) -> None:
    copy_mini(tmp_path)
    store = ServicePacks([tmp_path])
    first = store.get("mini")
    assert store.reload() == []
    assert store.get("mini") is first


def test_the_watcher_of_reload_packs_picks_up_an_edit_by_itself(tmp_path: Path) -> None:
    pack = copy_mini(tmp_path)
    app = create_app([tmp_path], reload_packs=True, poll_seconds=0.05)
    with TestClient(app) as c:
        before = c.get("/v1/packs/mini").json()["content_hash"]
        _edit(pack, "total_investment: {below: 500}", "total_investment: {below: 300}")
        _edit(pack, "total_investment: {at_least: 500}", "total_investment: {at_least: 300}")
        deadline = time.monotonic() + 20
        while c.get("/v1/packs/mini").json()["content_hash"] == before:
            assert time.monotonic() < deadline, "the watcher never swapped the pack in"
            time.sleep(0.05)
        assert _approver(c) != "mayor"


def test_a_pack_that_never_loaded_answers_503_and_lists_its_problems(tmp_path: Path) -> None:
    pack = copy_mini(tmp_path)
    _edit(pack, "total_investment: {below: 500}", "total_investment: {belw: 500}")
    with TestClient(create_app([tmp_path])) as c:
        r = c.post("/v1/packs/mini/evaluate", json=PROJECT)
        assert r.status_code == 503 and r.json()["type"].endswith("pack-unavailable")
        assert c.get("/v1/packs/mini/problems").json()["folders"][0]["serving"] is None
