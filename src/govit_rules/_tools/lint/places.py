"""Where a lint problem is reported and how values read in its message.

Owns the place of a rule in its file (:func:`rule_place`, :func:`problem_at`), the
``# lint: allow CODE`` acknowledgements (:func:`allowed`), the condition trees of a rule
(:func:`trees`) and values and paths as messages show them.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from ..._lang.nodes import Cond
from ..._packs.loader import MAIN_KEY, CompiledRule
from ...errors import Problem

__all__ = ["TREE_NAMES", "allowed", "problem_at", "rule_place", "show", "shown_path", "trees"]


def rule_place(rule: CompiledRule) -> tuple[str, int, int]:
    """``rule.source`` (``file:line``) as path, line and the column of the rule's first key."""
    file, _, line_s = rule.source.rpartition(":")
    line = int(line_s) if line_s.isdigit() else 0
    col = 1
    if file and line:
        try:
            text = Path(file).read_text(encoding="utf-8").splitlines()[line - 1]
            stripped = text.lstrip(" -")
            col = len(text) - len(stripped) + 1
        except (OSError, IndexError, UnicodeDecodeError):
            col = 1
    return file or rule.source, line, col


def problem_at(rule: CompiledRule, code: str, message: str) -> Problem:
    path, line, col = rule_place(rule)
    return Problem(path, line, col, code, message)


def allowed(problem: Problem) -> bool:
    """Whether the rule's first line, or the comment line just above it, says
    ``# lint: allow CODE`` (several codes separated by commas) for this problem."""
    if not problem.line:
        return False
    try:
        lines = Path(problem.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    candidates = [lines[problem.line - 1]] if problem.line <= len(lines) else []
    if problem.line >= 2 and lines[problem.line - 2].lstrip().startswith("#"):
        candidates.append(lines[problem.line - 2])
    for text in candidates:
        _, sep, comment = text.partition("# lint: allow ")
        if sep and problem.code in {c.strip() for c in comment.split(",")}:
            return True
    return False


TREE_NAMES = MAIN_KEY


def trees(rule: CompiledRule) -> Iterator[tuple[str, Cond]]:
    yield "when", rule.when
    if rule.kind in TREE_NAMES:
        yield TREE_NAMES[rule.kind], rule.main
    if rule.unless is not None:
        yield "unless", rule.unless


def show(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, Enum):
        return str(v.value)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, frozenset):
        return "{" + ", ".join(sorted(show(x) for x in v)) + "}"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else str(v)
    return str(v)


def shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
