"""The layout docs/architecture.md promises: rooms import only the rooms above them, and the
condition language, the tools and the CLI stay in modules small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "govit_rules"
# The rooms in the order of docs/architecture.md's table: each imports only those before it.
ROOMS = (
    "_law",
    "_vocab",
    "_io",
    "_lang",
    "_packs",
    "_engine",
    "_tools",
    "_portfolio",
    "_service",
    "_cli",
)
MAX_LINES = 600


def _modules(*rooms: str) -> list[Path]:
    return sorted(p for room in rooms for p in (PACKAGE / room).rglob("*.py"))


def _room_of_import(module: Path, node: ast.ImportFrom) -> str | None:
    """The room a relative ``from … import`` inside ``module`` reads from, if any."""
    package = list(module.relative_to(PACKAGE).parts[:-1])
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    target = [*base, *(node.module.split(".") if node.module else [])]
    return target[0] if target and target[0] in ROOMS else None


def test_architecture_md_lists_the_rooms_in_the_order_the_imports_are_checked_in() -> None:
    text = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line.split("`")[1].rstrip("/") for line in text.splitlines() if line.startswith("| `_")]
    assert tuple(rows) == ROOMS


@pytest.mark.parametrize("module", _modules(*ROOMS), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_at_load_time_only_from_its_own_room_and_the_rooms_above(
    module: Path,
) -> None:
    own = ROOMS.index(module.relative_to(PACKAGE).parts[0])
    tree = ast.parse(module.read_text(encoding="utf-8"))
    below = [
        f"line {node.lineno}: {room}"
        for node in tree.body  # module level only: imports inside functions are deferred
        if isinstance(node, ast.ImportFrom) and node.level > 0
        for room in [_room_of_import(module, node)]
        if room is not None and ROOMS.index(room) > own
    ]
    assert below == []


@pytest.mark.parametrize(
    "module", _modules("_lang", "_tools", "_cli"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_the_condition_language_tools_and_cli_modules_stay_under_600_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name} has {lines} lines; split it by what it owns"
