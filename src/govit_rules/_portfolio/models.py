"""Which project model reads which rows of a portfolio: the packs' own facts.

Owns the rule that a portfolio's columns are the facts of the project models of the packs
that judge it (``CompiledPack.project_model``: the shipped vocabulary plus, for a pack
outside the library, the facts of its own ``facts.yaml``), the union of those facts for a
file of several packs, and that a row gives values only for the facts of its own pack:
the engine refuses another pack's fact in a project (``unknown-fact``), and so does a
portfolio, at the cell. The shipped packs share one model.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from .._lang.conditions import FactType, fact_types, known_fact_types
from .._vocab.project import Project
from .._vocab.suggest import suggest
from ..errors import Problem, ProjectValidationError

if TYPE_CHECKING:
    from .._packs.compiled import CompiledPack

__all__ = [
    "FactUnion",
    "RowGroup",
    "check_own_facts",
    "foreign_cells",
    "packs_of",
    "row_groups",
]

SHIPPED = "shipped"


@dataclass(frozen=True)
class RowGroup:
    """Rows read with one project model: a given pack's, or the shipped packs' one."""

    label: str  # the pack's jurisdiction, or "shipped"
    model: type[Project]
    rows: pl.Series  # Boolean mask over the frame's rows


@dataclass
class FactUnion:
    """The facts of several project models: their types, the model declaring each, and
    the facts two models declare with different types (no column can hold both)."""

    facts: dict[str, FactType] = field(default_factory=dict)
    model_of: dict[str, type[Project]] = field(default_factory=dict)
    clashes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, models: Iterable[type[Project]]) -> FactUnion:
        union = cls()
        for model in models:
            for name, ftype in fact_types(model).items():
                if union.facts.setdefault(name, ftype) != ftype:
                    union.clashes[name] = f"{union.facts[name].describe()} or {ftype.describe()}"
                union.model_of.setdefault(name, model)
        return union


def packs_of(pack: CompiledPack | Iterable[CompiledPack] | None) -> list[CompiledPack]:
    """The packs a portfolio is read or judged with: none, one, or several."""
    if pack is None:
        return []
    if isinstance(pack, Iterable):
        return list(pack)
    return [pack]


def row_groups(frame: pl.DataFrame, packs: list[CompiledPack]) -> list[RowGroup]:
    """The rows of each project model: a given pack's for the rows naming its jurisdiction
    (with one pack, also the rows naming none), the shipped model for the others (every
    row when no pack is given)."""
    n = frame.height
    every = pl.Series([True] * n, dtype=pl.Boolean)
    if not packs:
        return [RowGroup(SHIPPED, Project, every)]
    names = pl.Series([None] * n, dtype=pl.Utf8)
    if "jurisdiction" in frame.columns:
        with contextlib.suppress(pl.exceptions.PolarsError):  # no text: names no pack
            names = frame["jurisdiction"].cast(pl.Utf8)
    if len(packs) == 1:
        names = names.fill_null(packs[0].jurisdiction)
    groups = []
    rest = every
    for pack in packs:
        mine = (names == pack.jurisdiction).fill_null(False)
        groups.append(RowGroup(pack.jurisdiction, pack.project_model, mine))
        rest = rest & ~mine
    if rest.any():
        groups.append(RowGroup(SHIPPED, Project, rest))
    return groups


def foreign_cells(
    columns: Iterable[pl.Series], group: RowGroup, facts: Collection[str], limit: int
) -> list[tuple[str, list[int]]]:
    """The columns holding values of facts (of ``facts``) that the group's model lacks,
    each with the first ``limit`` rows of the group giving one."""
    out = []
    for s in columns:
        if s.name in facts and s.name not in group.model.model_fields:
            given = (group.rows & s.is_not_null()).arg_true().head(limit).to_list()
            if given:
                out.append((s.name, given))
    return out


def check_own_facts(
    frame: pl.DataFrame,
    pack: str,
    model: type[Project],
    rows: tuple[str, pl.Series] | None = None,
) -> None:
    """Refuse, with row and column, a value of a fact the pack's ``model`` does not have.

    A portfolio of several packs has the columns of all their facts; a row reads only its
    own pack's. A value in another pack's fact is refused, as the engine refuses that fact
    in a project (``unknown-fact``); an empty cell there is no fact at all. ``rows`` names
    the source and each row's index in it (default: ``row N`` of ``frame``).
    """
    every = RowGroup(pack, model, pl.Series([True] * frame.height, dtype=pl.Boolean))
    problems = []
    for name, (i, *_) in foreign_cells(frame.get_columns(), every, known_fact_types(), 1):
        source, row = ("", i) if rows is None else (rows[0], int(rows[1][i]))
        problems.append(
            Problem(
                source or f"row {row + 1}",
                row + 1 if source else 0,
                0,
                "unknown-fact",
                f"row {row + 1}: no fact {name!r} in the project model of the {pack} pack"
                f"{suggest(name, list(model.model_fields))}",
            )
        )
    if problems:
        raise ProjectValidationError(
            f"the portfolio gives {len(problems)} fact(s) the {pack} pack does not know",
            problems,
        )
