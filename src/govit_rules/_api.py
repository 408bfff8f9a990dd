"""The public functions: evaluate a project, load packs, export schemas.

Owns the small typed surface that other systems call. Everything here is a thin layer
over the registry, the loader and the evaluator; JSON in and out, no global mutable state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ._evaluate import evaluate_pack, validate_project
from ._model import Project
from ._pack import CompiledPack, load_pack
from ._registry import default_registry
from ._verdict import Verdict, VerdictOrigin

__all__ = [
    "evaluate",
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
        # Counterfactuals re-evaluate with the compiled pack, not the Rete run's shim.
        origin = result._origin
        if origin is not None:
            object.__setattr__(
                result,
                "__pydantic_private__",
                {"_origin": VerdictOrigin(compiled, origin.project)},
            )
        return result
    if engine != "compiled":
        raise ValueError(f"unknown engine {engine!r}: use 'compiled' or 'rete'")
    return evaluate_pack(compiled, project, as_of)


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
