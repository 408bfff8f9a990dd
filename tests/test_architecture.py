"""The house's shape: rooms import only rooms above them, in the order docs/architecture.md
lists them; no module reads another's privates; no module is over 600 lines.

A name with a leading underscore belongs to the module that defines it. Reading
``x._name`` where no ``_name`` is defined in the reading module means reaching into
another module's object; the compiled pack, the kinds and the calendar give what the
engines and tools need as public, read-only attributes instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import govit_rules

SRC = Path(govit_rules.__file__).parent

# Readers the integrator renames after merging the branches that own these files (the CLI
# is being split elsewhere); and dask's documented ``_meta``, a third party's name.
KNOWN_PRIVATE_READS = {
    ("_portfolio/distributed.py", "frame._meta"),
}


def _own_names(tree: ast.AST) -> set[str]:
    """Every name a module defines: functions, classes, assigned names and attributes."""
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            own.add(node.value)  # __slots__ entries and the like
    return own


def private_reads(path: Path, root: Path = SRC) -> list[tuple[str, int, str]]:
    """``(module, line, expression)`` for every read of another module's private attribute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _own_names(tree)
    rel = path.relative_to(root).as_posix()
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or name.startswith("__") or name in own:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        out.append((rel, node.lineno, ast.unparse(node)))
    return out


def test_no_module_reads_another_modules_private_attributes() -> None:
    found = [r for path in sorted(SRC.rglob("*.py")) for r in private_reads(path)]
    unexpected = [r for r in found if (r[0], r[2]) not in KNOWN_PRIVATE_READS]
    assert unexpected == []


def test_the_known_exceptions_are_still_there_so_the_list_shrinks_when_they_go() -> None:
    found = {(r[0], r[2]) for path in sorted(SRC.rglob("*.py")) for r in private_reads(path)}
    assert found >= KNOWN_PRIVATE_READS


def test_the_check_catches_a_read_of_another_modules_private_attribute(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f(pack):\n    return pack._scope\n", encoding="utf-8")
    assert private_reads(module, tmp_path) == [("m.py", 2, "pack._scope")]


# docs/architecture.md's table, top to bottom: a room imports only rooms above it.
ROOMS = [
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
]


def _room(parts: list[str]) -> str | None:
    return parts[0] if parts and parts[0] in ROOMS else None


def downward_imports(path: Path, root: Path = SRC) -> list[tuple[str, int, str]]:
    """Module-level imports of a room below the module's own (lazy imports are allowed)."""
    rel = path.relative_to(root).as_posix()
    package = rel.split("/")[:-1]
    here = _room(package)
    out = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.ImportFrom) or node.level == 0 or here is None:
            continue
        target = package[: len(package) - node.level + 1] + (node.module or "").split(".")
        there = _room(target)
        if there is not None and ROOMS.index(there) > ROOMS.index(here):
            out.append((rel, node.lineno, ".".join(target)))
    return out


def test_no_room_imports_a_room_below_it() -> None:
    found = [r for path in sorted(SRC.rglob("*.py")) for r in downward_imports(path)]
    assert found == []


def test_architecture_md_lists_the_rooms_in_the_order_the_imports_are_checked_in() -> None:
    text = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line.split("`")[1].rstrip("/") for line in text.splitlines() if line.startswith("| `_")]
    assert rows == ROOMS


def test_no_module_is_over_600_lines() -> None:
    long = {
        p.relative_to(SRC).as_posix(): n
        for p in sorted(SRC.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}, "split these by what each part owns"


def test_the_room_check_catches_an_import_from_a_room_below(tmp_path: Path) -> None:
    module = tmp_path / "_packs" / "m.py"
    module.parent.mkdir()
    module.write_text("from .._engine.evaluate import evaluate_pack\n", encoding="utf-8")
    assert downward_imports(module, tmp_path) == [("_packs/m.py", 1, "_engine.evaluate")]
