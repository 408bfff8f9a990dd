"""The load cache: a warm load gives the same pack; a bad entry is rebuilt, never trusted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from govit_rules import evaluate, load_pack
from govit_rules._packs.registry import shipped_packs_dir

AS_OF = date(2026, 11, 25)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOVIT_RULES_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GOVIT_RULES_CACHE", "1")
    return tmp_path


def _verdict_json(pack: object, example: str = "non-compliant.yaml") -> str:
    project = yaml.safe_load(
        (shipped_packs_dir() / "dazhou" / "examples" / example).read_text("utf-8")
    )
    return evaluate(project, pack=pack, as_of=AS_OF).to_json()  # type: ignore[arg-type]


def test_a_warm_load_gives_the_same_pack_and_the_same_verdicts(cache: Path) -> None:
    cold = load_pack(shipped_packs_dir() / "dazhou")
    assert any((cache / "yaml").iterdir()) and any((cache / "code").iterdir())
    warm = load_pack(shipped_packs_dir() / "dazhou")
    assert warm.content_hash == cold.content_hash
    assert [r.id for r in warm.rules] == [r.id for r in cold.rules]
    assert _verdict_json(warm) == _verdict_json(cold)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(cache: Path, damage: str) -> None:
    want = _verdict_json(load_pack(shipped_packs_dir() / "dazhou"))
    for entry in [*(cache / "yaml").iterdir(), *(cache / "code").iterdir()]:
        blob = entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(blob[: len(blob) // 2])
        elif damage == "flip":
            entry.write_bytes(blob[:-1] + bytes([blob[-1] ^ 0xFF]))
        else:
            entry.write_bytes(b"not a cache entry at all")
    again = load_pack(shipped_packs_dir() / "dazhou")
    assert _verdict_json(again) == want


def test_a_pack_edit_is_never_served_from_the_cache(cache: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "pack"
    shutil.copytree(shipped_packs_dir() / "dazhou", folder)
    first = load_pack(folder)
    rules = folder / "rules" / "approval.yaml"
    rules.write_text(rules.read_text("utf-8").replace("below: 200", "below: 300", 1), "utf-8")
    second = load_pack(folder)
    assert second.content_hash != first.content_hash
    project = {
        "unit_type": "government_organ",
        "unit_level": "own_level",
        "funding_sources": ["local_budget"],
        "is_secret": False,
        "total_investment": 250,
        "collectively_reviewed": False,
    }
    assert evaluate(project, pack=first, as_of=AS_OF).final_approver() == "mayor"
    assert evaluate(project, pack=second, as_of=AS_OF).final_approver() == "vice_mayor_for_finance"


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVIT_RULES_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("GOVIT_RULES_CACHE", "0")
    load_pack(shipped_packs_dir() / "hailing")
    assert not (tmp_path / "c").exists()


def test_an_unwritable_cache_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GOVIT_RULES_CACHE_DIR", str(blocker / "below-a-file"))
    monkeypatch.setenv("GOVIT_RULES_CACHE", "1")
    assert load_pack(shipped_packs_dir() / "lushan").rules
