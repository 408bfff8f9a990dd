"""The public functions: evaluate a project, load packs, export schemas.

Owns the small typed surface that other systems call. Everything here is a thin layer
over the registry, the loader and the evaluator; JSON in and out, no global mutable state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ._evaluate import evaluate_pack, validate_project
from ._model import Project
from ._pack import CompiledPack, load_pack
from ._registry import default_registry
from ._verdict import Verdict

__all__ = [
    "evaluate",
    "evaluate_many",
    "get_pack",
    "jurisdictions",
    "load_pack",
    "pack_schema",
    "project_schema",
    "validate_project",
]

Engine = Literal["compiled", "rete"]


def get_pack(jurisdiction: str, as_of: date | None = None) -> CompiledPack:
    """The shipped pack of ``jurisdiction`` in force on ``as_of`` (today by default)."""
    return default_registry().get(jurisdiction, as_of)


def jurisdictions() -> list[str]:
    """The jurisdiction ids of the shipped packs."""
    return default_registry().jurisdictions()


def evaluate(
    project: Project | Mapping[str, Any] | str | bytes,
    jurisdiction: str | None = None,
    *,
    pack: CompiledPack | str | Path | None = None,
    as_of: date | None = None,
    engine: Engine = "compiled",
) -> Verdict:
    """Check one project against one regulation and return the cited verdict.

    ``project`` is a :class:`Project`, a mapping or JSON text. Name a shipped
    ``jurisdiction`` (the version in force on ``as_of`` is picked) or pass a ``pack``
    (a compiled pack or a pack folder). ``as_of`` defaults to today.
    """
    if pack is None:
        if jurisdiction is None:
            raise TypeError("evaluate() needs a jurisdiction or a pack")
        compiled = get_pack(jurisdiction, as_of)
    elif isinstance(pack, CompiledPack):
        compiled = pack
    else:
        compiled = load_pack(pack)
    if engine == "rete":
        from ._rete import evaluate_rete  # type: ignore[import-not-found, unused-ignore]

        result: Verdict = evaluate_rete(compiled, project, as_of)
        return result
    if engine != "compiled":
        raise ValueError(f"unknown engine {engine!r}: use 'compiled' or 'rete'")
    return evaluate_pack(compiled, project, as_of)


def evaluate_many(
    projects: Iterable[Project | Mapping[str, Any] | str | bytes],
    jurisdiction: str | None = None,
    *,
    pack: CompiledPack | str | Path | None = None,
    workers: int | None = None,
    as_of: date | None = None,
) -> Iterator[Verdict]:
    """Verdicts for many projects, in input order, lazily, optionally over processes.

    ``workers`` > 1 spreads chunks of projects over that many worker processes (each
    loads the pack once); the verdicts that come back are lazy: reading the outcome, a
    route or a deadline costs nothing more, and reading findings or messages evaluates
    that one project again here. An invalid project raises its
    :class:`~govit_rules.ProjectValidationError` at its place in the sequence.
    """
    from ._many import evaluate_many as _many

    on = as_of or date.today()
    if pack is None:
        if jurisdiction is None:
            raise TypeError("evaluate_many() needs a jurisdiction or a pack")
        compiled = get_pack(jurisdiction, on)
    elif isinstance(pack, CompiledPack):
        compiled = pack
    else:
        compiled = load_pack(pack)
    return _many(projects, compiled, workers=workers, as_of=on)


def project_schema() -> dict[str, Any]:
    """The JSON Schema of project files."""
    return Project.model_json_schema()


def pack_schema(kind: Literal["pack", "articles", "rules", "tests"] = "pack") -> dict[str, Any]:
    """The JSON Schema of one kind of pack file."""
    from ._schema import ArticlesFile, PackFile, RulesFile, TestFile

    models: dict[str, Any] = {
        "pack": PackFile,
        "articles": ArticlesFile,
        "rules": RulesFile,
        "tests": TestFile,
    }
    schema: dict[str, Any] = models[kind].model_json_schema()
    return schema
