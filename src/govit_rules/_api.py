"""The public functions: evaluate a project, load packs, export schemas.

Owns the small typed surface that other systems call. Everything here is a thin layer
over the registry, the loader and the evaluator; JSON in and out, no global mutable state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from ._engine.boundaries import Boundary
from ._engine.boundaries import boundaries as pack_boundaries
from ._engine.evaluate import evaluate_pack, validate_project
from ._engine.origin import EngineOrigin
from ._engine.whatif import VerdictDiff, diff_verdicts
from ._packs.loader import CompiledPack, load_pack
from ._packs.registry import default_registry
from ._vocab.project import Project
from ._vocab.verdict import Verdict, origin_of, with_origin
from .errors import InvalidArgumentError

__all__ = [
    "boundaries",
    "evaluate",
    "evaluate_many",
    "get_pack",
    "jurisdictions",
    "load_pack",
    "pack_schema",
    "project_schema",
    "validate_project",
    "what_if",
]

Engine = Literal["compiled", "rete"]


def get_pack(jurisdiction: str, as_of: date | str | None = None) -> CompiledPack:
    """The shipped pack of ``jurisdiction`` in force on ``as_of`` (today by default)."""
    return default_registry().get(_jurisdiction(jurisdiction), as_of_date(as_of))


def as_of_date(value: object) -> date | None:
    """``as_of`` as a date: a ``date``, an ISO ``YYYY-MM-DD`` string, or None (today).

    A ``datetime`` is refused rather than cut to its date: which day it falls on depends on
    a time zone the caller knows and this library does not.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        raise InvalidArgumentError(
            f"as_of must be a date, not a datetime ({value!r}); pass value.date() in the "
            "time zone you mean"
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise InvalidArgumentError(f"as_of {value[:40]!r} is not a date; write YYYY-MM-DD")
    raise InvalidArgumentError(
        f"as_of must be a date or a YYYY-MM-DD string, not {type(value).__name__}"
    )


def _jurisdiction(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"jurisdiction must be a jurisdiction id such as 'dazhou', not {type(value).__name__}"
        )
    return value


def jurisdictions() -> list[str]:
    """The jurisdiction ids of the shipped packs."""
    return default_registry().jurisdictions()


def evaluate(
    project: Project | Mapping[str, Any] | str | bytes,
    jurisdiction: str | None = None,
    *,
    pack: CompiledPack | str | Path | None = None,
    as_of: date | str | None = None,
    engine: Engine = "compiled",
) -> Verdict:
    """Check one project against one regulation and return the cited verdict.

    ``project`` is a :class:`Project`, a mapping or JSON text. Name a shipped
    ``jurisdiction`` (the version in force on ``as_of`` is picked) or pass a ``pack``
    (a compiled pack or a pack folder). ``as_of`` is a date or an ISO ``YYYY-MM-DD``
    string and defaults to today. Wrong arguments raise :class:`InvalidArgumentError`.
    """
    as_of = as_of_date(as_of)
    if engine not in ("compiled", "rete"):
        raise InvalidArgumentError(f"unknown engine {engine!r}: use 'compiled' or 'rete'")
    compiled = _compiled("evaluate()", jurisdiction, pack, as_of)
    if not isinstance(project, Project | Mapping | str | bytes):
        raise InvalidArgumentError(
            f"project must be a Project, a mapping or JSON text, not {type(project).__name__}"
        )
    if engine == "rete":
        from ._engine.rete import evaluate_rete  # type: ignore[import-not-found, unused-ignore]

        result: Verdict = evaluate_rete(compiled, project, as_of)
        # Counterfactuals re-evaluate with the compiled pack, not the Rete run's shim.
        origin = origin_of(result)
        if origin is not None:
            with_origin(result, EngineOrigin(compiled, origin.project))
        return result
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
    from ._engine.many import evaluate_many as _many

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


def _compiled(
    caller: str,
    jurisdiction: str | None,
    pack: CompiledPack | str | Path | None,
    as_of: date | None,
) -> CompiledPack:
    """The pack a call names: a shipped jurisdiction in force on ``as_of``, or ``pack``."""
    if pack is None:
        if jurisdiction is None:
            raise InvalidArgumentError(f"{caller} needs a jurisdiction or a pack")
        return get_pack(jurisdiction, as_of)
    if isinstance(pack, CompiledPack):
        return pack
    if isinstance(pack, str | Path):
        return load_pack(pack)
    raise InvalidArgumentError(
        f"pack must be a compiled pack or a pack folder, not {type(pack).__name__}"
    )


def project_schema(
    jurisdiction: str | None = None,
    *,
    pack: CompiledPack | str | Path | None = None,
    as_of: date | str | None = None,
) -> dict[str, Any]:
    """The JSON Schema of project files.

    With a ``jurisdiction`` or a ``pack``: the schema of the model that pack reads projects
    with (a pack outside the library adds the facts of its own ``facts.yaml``), each
    property a rule reads marked ``x-used-by`` with those rules, and ``x-pack-facts``
    listing them all.
    """
    if jurisdiction is None and pack is None:
        return Project.model_json_schema()
    compiled = _compiled("project_schema()", jurisdiction, pack, as_of_date(as_of))
    schema: dict[str, Any] = compiled.project_model.model_json_schema()
    used: dict[str, list[str]] = {}
    for rule in compiled.rules:
        for fact in rule.facts:
            used.setdefault(fact, []).append(rule.id)
    schema["properties"] = {
        name: {**prop, "x-used-by": used[name]} if name in used else prop
        for name, prop in schema["properties"].items()
    }
    schema["x-pack"] = {"id": compiled.id, "version": compiled.version}
    schema["x-pack-facts"] = sorted(used)
    return schema


def pack_schema(kind: Literal["pack", "articles", "rules", "tests"] = "pack") -> dict[str, Any]:
    """The JSON Schema of one kind of pack file."""
    from ._packs.schema import ArticlesFile, PackFile, RulesFile, TestFile

    models: dict[str, Any] = {
        "pack": PackFile,
        "articles": ArticlesFile,
        "rules": RulesFile,
        "tests": TestFile,
    }
    schema: dict[str, Any] = models[kind].model_json_schema()
    return schema


def boundaries(pack: CompiledPack | str) -> list[Boundary]:
    """Every threshold, period and exception of a pack (or shipped jurisdiction), in rule order."""
    return pack_boundaries(get_pack(pack) if isinstance(pack, str) else pack)


def what_if(
    project: Project | Mapping[str, Any] | str | bytes,
    changes: Mapping[str, Any],
    jurisdiction: str | None = None,
    *,
    pack: CompiledPack | str | Path | None = None,
    as_of: date | None = None,
) -> VerdictDiff:
    """The verdict diff between ``project`` and ``project`` with ``changes`` applied.

    ``project``, ``jurisdiction``, ``pack`` and ``as_of`` are those of
    :func:`~govit_rules.evaluate`; ``changes`` maps facts to new values, validated like a
    project's (``"199.99"`` or ``Decimal("199.99")`` for money; ``None`` drops a fact).
    """
    before = evaluate(project, jurisdiction, pack=pack, as_of=as_of)
    origin = origin_of(before)
    assert origin is not None  # the compiled evaluator always records it
    return diff_verdicts(origin.pack, origin.project, changes, before)
