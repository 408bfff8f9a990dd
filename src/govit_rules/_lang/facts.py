"""The facts a condition can test, and what kind of value each holds.

Owns :class:`FactType` and :func:`fact_types`, read from the project model's annotations:
the parser checks every test against them, and the tools (docs, portfolio files, what-if)
describe facts with them.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from .._vocab.project import Project, extended_models

__all__ = ["FactKind", "FactType", "KnownFactTypes", "fact_types", "known_fact_types"]

FactKind = Literal["number", "integer", "bool", "date", "dates", "string", "enum", "set"]


@dataclass(frozen=True, slots=True)
class FactType:
    """What kind of value a fact holds, as far as conditions care."""

    kind: FactKind
    enum: type[Enum] | None = None  # for enum facts, and the members of set facts

    def describe(self) -> str:
        if self.kind == "dates":
            return "list of dates"
        if self.kind == "set":
            return f"set of {self.enum.__name__ if self.enum else 'strings'}"
        if self.kind == "enum" and self.enum is not None:
            return f"enum {self.enum.__name__}"
        return self.kind


def _classify(annotation: Any) -> FactType:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and args:
        annotation = args[0]
    while hasattr(annotation, "__metadata__"):  # Annotated[...]
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin in (frozenset, set, list, tuple):
        (elem,) = get_args(annotation)[:1]
        while hasattr(elem, "__metadata__"):
            elem = get_args(elem)[0]
        if elem is date:
            return FactType("dates")  # every date of a recurring act: only ``known`` applies
        if isinstance(elem, type) and issubclass(elem, Enum):
            return FactType("set", elem)
        return FactType("set", None)
    if annotation is bool:
        return FactType("bool")
    if annotation is int:
        return FactType("integer")
    if annotation is Decimal:
        return FactType("number")
    if annotation is date:
        return FactType("date")
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return FactType("enum", annotation)
    return FactType("string")


def fact_types(model: type[Project] | None = None) -> dict[str, FactType]:
    """The condition-relevant type of every fact of ``model`` (the shipped project model)."""
    return dict(_types_of(model or Project))


_TYPES_OF: dict[type[Project], dict[str, FactType]] = {}


def _types_of(model: type[Project]) -> dict[str, FactType]:
    found = _TYPES_OF.get(model)
    if found is None:
        found = _TYPES_OF[model] = {
            name: _classify(f.annotation) for name, f in model.model_fields.items()
        }
    return found


class KnownFactTypes(Mapping[str, FactType]):
    """The types of every fact a project may carry: the shipped model's, then those of the
    packs with facts of their own loaded so far (read live, so a pack loaded later counts)."""

    def _all(self) -> dict[str, FactType]:
        out = dict(_types_of(Project))
        for model in extended_models():
            for name, ftype in _types_of(model).items():
                out.setdefault(name, ftype)
        return out

    def __getitem__(self, name: str) -> FactType:
        shipped = _types_of(Project)
        if name in shipped:
            return shipped[name]
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def known_fact_types() -> KnownFactTypes:
    """A live view of the types of every fact known: see :class:`KnownFactTypes`."""
    return KnownFactTypes()
