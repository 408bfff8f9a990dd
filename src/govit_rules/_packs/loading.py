"""One load of one pack folder: its collected problems, and the parse and shape stages.

Owns :class:`Loading`, the state every loading stage shares (the problems found so far,
the warnings, the content hash, the fact types and named sets, the rules that failed to
load), and the first two stages: reading a file within its limits (parse) and checking it
against its schema with located, did-you-mean problems (shape).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._io.yaml import load_yaml_cached, locate
from .._lang.conditions import FactType, clip, fact_types
from .._law.citation import Citation
from .._vocab.project import Project, extend_project_model
from .._vocab.suggest import suggest
from .._vocab.vocabulary import read_facts, shipped_facts_files
from ..errors import PackError, Problem

__all__ = ["MAX_FILE_BYTES", "Loading", "cite"]

# The largest shipped pack file is 16 KB; a pack file above this is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000


class Loading:
    """One load of one pack folder; collects problems stage by stage."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.hasher = hashlib.sha256()
        self._cwd = Path.cwd()
        self._shown: dict[Path, str] = {}
        self.project_model, self.types = self._own_facts(root / "facts.yaml")
        self.sets: dict[str, tuple[str, frozenset[Any]]] = {}
        # Articles cited by rules that failed to load: not reported as uncovered on top.
        self.unloaded_cites: set[int] = set()
        # Ids of rules that failed to load: another rule naming one is not reported on top.
        self.unloaded_rules: set[str] = set()

    def _own_facts(self, path: Path) -> tuple[type[Project], dict[str, FactType]]:
        """The project model and fact types of this pack: the shipped model, plus the facts
        a pack outside the library declares in its own ``facts.yaml``."""
        model: type[Project] = Project
        if path.is_file():
            try:
                self.hasher.update(path.read_bytes())
                # A shipped pack's own facts are part of Project: nothing to read again.
                if path.resolve() not in shipped_facts_files():
                    model = extend_project_model(read_facts(path))
            except PackError as exc:
                self.problems.extend(exc.problems)
        return model, fact_types(model)

    def rel(self, path: Path) -> str:
        """``path`` as shown in problems: relative to the working directory when inside it.

        Asked once per rule and condition: the answer per file is kept for this load.
        """
        shown = self._shown.get(path)
        if shown is None:
            try:
                shown = str(path.relative_to(self._cwd))
            except ValueError:
                shown = str(path)
            self._shown[path] = shown
        return shown

    def problem(self, path: Path | str, pos: tuple[int, int], code: str, message: str) -> None:
        self.problems.append(
            Problem(
                self.rel(Path(path)) if isinstance(path, Path) else path,
                pos[0],
                pos[1],
                code,
                clip(message),
            )
        )

    # -- parse -------------------------------------------------------------------------------

    def parse(self, path: Path) -> Any:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.problem(
                    path,
                    (0, 0),
                    "too-large",
                    f"the file has {size} bytes; a pack file has at most {MAX_FILE_BYTES}",
                )
                return None
            raw_bytes = path.read_bytes()
        except OSError as exc:
            self.problem(path, (0, 0), "parse", f"cannot read: {exc}")
            return None
        self.hasher.update(path.relative_to(self.root).as_posix().encode())
        self.hasher.update(raw_bytes)
        try:
            text = raw_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(path, (0, 0), "parse", f"not UTF-8: {exc}")
            return None
        data, problems = load_yaml_cached(self.rel(path), text)
        self.problems.extend(problems)
        if data is None and not problems:
            self.problem(path, (1, 1), "empty-file", "the file is empty; it must hold a mapping")
        return data

    # -- shape -------------------------------------------------------------------------------

    def shape(self, path: Path, raw: Any, model: Any) -> Any:
        if raw is None:
            return None
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                pos = locate(raw, loc)
                where = ".".join(str(p) for p in loc) or "(file)"
                if err["type"] == "extra_forbidden":
                    key = loc[-1]
                    allowed = allowed_keys(model, loc[:-1], raw)

                    hint = suggest(key, allowed)
                    msg = f"unknown key {key!r} at {where}{hint}; allowed: {', '.join(allowed)}"
                    self.problem(path, pos, "unknown-key", msg)
                elif err["type"] == "missing":
                    self.problem(path, pos, "missing-key", f"{where} is required")
                else:
                    self.problem(path, pos, "bad-value", f"{where}: {err['msg']}")
            return None


def allowed_keys(model: Any, loc: tuple[Any, ...], raw: Any) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (best effort, for error messages)."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        f = fields.get(part)
        if f is None:
            return []
        ann = f.annotation
        current = _inner_model(ann)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _inner_model(ann: Any) -> Any:
    from typing import get_args

    if isinstance(ann, type) and hasattr(ann, "model_fields"):
        return ann
    for arg in get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def cite(spec: Any) -> Citation:
    return Citation(spec.article, spec.paragraph, spec.item, spec.sub_item)
