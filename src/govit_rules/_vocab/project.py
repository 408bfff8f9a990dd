"""The project model: the facts the regulations test, built from the fact vocabulary.

This module owns the :class:`Project` schema. Its facts are data, not Python: the library's
shared vocabulary (``vocabulary.yaml``) and, for now, the own facts of the shipped packs
(``rulepacks/<id>/facts.yaml``), read by :mod:`.vocabulary` and turned into a pydantic model
with ``create_model``. A fact means the same thing in every rule pack; where a regulation
needs a finer notion its description says how it relates to the shared one. Every fact is
optional: a missing fact is *unknown*, never false, and the evaluator reports which unknown
facts would decide a rule. Money is ``Decimal`` in 万元 (10,000 yuan). Unknown keys are
rejected. The closed vocabularies (enums) live in :mod:`.values` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..errors import PackError
from .values import (
    FIRST_YEAR,
    LAST_YEAR,
    Component,
    DeliveryMode,
    FundingSource,
    PerformanceRating,
    ProjectNature,
    Stage,
    SystemType,
    UnitLevel,
    UnitType,
)
from .vocabulary import FactSpec, shared_facts, shipped_local_facts

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "Component",
    "DeliveryMode",
    "FundingSource",
    "PerformanceRating",
    "Project",
    "ProjectNature",
    "Stage",
    "SystemType",
    "UnitLevel",
    "UnitType",
    "build_project_model",
    "extend_project_model",
    "extended_models",
    "union_project_model",
]


class _ProjectBase(BaseModel):
    """A government IT project as the regulations see it. Every fact is optional (unknown)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        title="govit-rules project",
        json_schema_extra={
            "description": "Facts about one government IT project; amounts in 万元."
        },
    )


if TYPE_CHECKING:

    class Project(_ProjectBase):
        """The static view of the built model: the facts the engine itself reads by name are
        typed here (a test checks they match the vocabulary); every other fact is ``Any``."""

        stage: Stage | None = None
        submitted_documents: frozenset[str] | None = None

        def __getattr__(self, name: str) -> Any: ...


def _field(spec: FactSpec) -> tuple[Any, Any]:
    extra: dict[str, Any] = {"zh": spec.zh}
    if spec.stage is not None:
        extra["stage"] = spec.stage.value
    info = Field(default=None, description=spec.en, json_schema_extra=extra)
    return spec.annotation | None, info


def build_project_model(local_facts: Iterable[FactSpec] = ()) -> type[Project]:
    """The project model of the shared vocabulary plus a pack's own facts (cached).

    A local fact may not redeclare a shared one (:class:`ValueError`); the model has the
    same configuration, validation and JSON Schema extras as :class:`Project`.
    """
    return _build(tuple(local_facts))


@lru_cache(maxsize=32)
def _build(local_facts: tuple[FactSpec, ...]) -> type[Project]:
    shared = shared_facts()
    names = {s.name: s for s in shared}
    for spec in local_facts:
        if spec.name in names:
            raise ValueError(
                f"{spec.source}: fact {spec.name!r} is already declared at {names[spec.name].source}"
            )
        names[spec.name] = spec
    return _model(_ProjectBase, (*shared, *local_facts))


def _model(base: type[BaseModel], facts: Iterable[FactSpec]) -> type[Project]:
    """A project model: ``base`` with one optional field per fact."""
    fields = {spec.name: _field(spec) for spec in facts}
    model = create_model(  # type: ignore[call-overload]
        "Project",
        __base__=base,
        __module__=__name__,
        __doc__=_ProjectBase.__doc__,
        **fields,
    )
    return cast("type[Project]", model)


def _same_fact(a: FactSpec, b: FactSpec) -> bool:
    """Two declarations of one fact, word for word (a copied pack repeats its own facts)."""
    return (a.name, a.type, a.zh, a.en, a.unit, a.stage) == (
        b.name,
        b.type,
        b.zh,
        b.en,
        b.unit,
        b.stage,
    )


def extend_project_model(local_facts: Iterable[FactSpec]) -> type[Project]:
    """The shipped :class:`Project` plus the facts a pack outside the library declares.

    A shipped pack's own facts are in :class:`Project` already and add nothing (so does a
    copy of a shipped pack); a fact that another declaration already names differently is
    refused (:class:`PackError`, located at the declaration). The model is cached.
    """
    return _extend(tuple(local_facts))


@lru_cache(maxsize=32)
def _extend(local_facts: tuple[FactSpec, ...]) -> type[Project]:
    known = {s.name: s for s in (*shared_facts(), *shipped_local_facts())}
    new = []
    twice = []
    for spec in local_facts:
        other = known.get(spec.name)
        if other is None:
            new.append(spec)
        elif other.file.resolve() != spec.file.resolve() and not _same_fact(other, spec):
            twice.append(
                spec.problem(
                    "duplicate-fact",
                    f"fact {spec.name!r} is already declared at {other.source}; reuse it "
                    "instead of declaring it again",
                )
            )
    if twice:
        raise PackError("a fact is declared twice", twice)
    if not new:
        return Project
    model = _model(Project, new)
    _EXTENDED.append(model)
    return model


# The models built for packs with facts of their own, in the order they were first built:
# the tools that reason about any project's facts (counterfactuals, what-if, Rete) find the
# types of those facts here.
_EXTENDED: list[type[Project]] = []


def extended_models() -> tuple[type[Project], ...]:
    """The project models built so far for packs with facts of their own."""
    return tuple(_EXTENDED)


if not TYPE_CHECKING:
    # The shipped model: the shared vocabulary and the own facts of the shipped packs.
    Project = _build(shipped_local_facts())


def union_project_model(models: Iterable[type[Project]]) -> type[Project]:
    """One model holding the facts of several packs' models: a project file written for
    several packs is read with it, and each pack then reads the facts it knows.

    Where two packs outside the library declare one name differently, the first
    declaration is kept; the other pack checks its own type when it reads the project.
    """
    distinct = tuple(dict.fromkeys(models))
    if len(distinct) == 1:
        return distinct[0]
    return _union(distinct)


@lru_cache(maxsize=32)
def _union(models: tuple[type[Project], ...]) -> type[Project]:
    fields: dict[str, tuple[Any, Any]] = {}
    for model in models:
        for name, info in model.model_fields.items():
            if name not in Project.model_fields and name not in fields:
                fields[name] = (info.annotation, info)
    if not fields:
        return Project
    model = create_model(  # type: ignore[call-overload]
        "Project", __base__=Project, __module__=__name__, __doc__=_ProjectBase.__doc__, **fields
    )
    return cast("type[Project]", model)
