"""Portfolio files: CSV, JSONL and Parquet tables of projects, read exactly, results written.

Owns the documented column layout (docs/portfolio.md): one column per project fact, named
as the fact; ``project_id`` and ``jurisdiction`` are optional extra columns. The facts are
those of the project models of the packs the file is read for (a pack's own ``facts.yaml``
adds to the shipped model); a row gives values only for the facts of its own pack. Every cell is
checked like a project field would be, and a bad one is reported by file, row and column,
never silently dropped. Money never passes through a float: CSV cells are read as text and
parsed as decimals, JSONL numbers are parsed as ``Decimal``, and a float money column in a
Parquet file is refused. An empty cell is an unknown fact.

Set-valued facts are written ``a|b|c`` or as a JSON array (``["a","b"]``); ``[]`` is the
empty set, an empty cell is unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import polars as pl
from annotated_types import Ge, Le

from .._lang.conditions import FactType
from .._vocab.project import Project
from .._vocab.suggest import suggest
from .._vocab.values import MAX_DATES
from ..errors import PortfolioError, Problem
from .models import FactUnion, foreign_cells, packs_of, row_groups

if TYPE_CHECKING:
    from .._packs.compiled import CompiledPack

__all__ = ["EXTRA_COLUMNS", "read_portfolio", "to_input_frame", "write_portfolio", "write_results"]

EXTRA_COLUMNS = ("project_id", "jurisdiction")
_MAX_PROBLEMS = 50
_TRUE = ("true", "false")
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_NUMBER = r"^\d+(\.\d+)?$"
_INTEGER = r"^[+-]?\d{1,18}$"


@dataclass(frozen=True)
class _Where:
    """How to locate a cell of one file: ``path:line:col`` with a line per row."""

    path: str
    lines: Callable[[int], int]  # row index -> line number in the file
    columns: dict[str, int]  # column name -> column number shown

    def problem(self, row: int | None, column: str, code: str, message: str) -> Problem:
        line = 1 if row is None else self.lines(row)
        return Problem(self.path, line, self.columns.get(column, 0), code, message)


def _bounds(name: str, model: type[Project] = Project) -> tuple[Decimal | None, Decimal | None]:
    """The inclusive limits of a fact (``Ge``/``Le`` in its optional, annotated type)."""
    low = high = None
    field = model.model_fields[name]
    metadata = list(field.metadata)
    for arg in get_args(field.annotation):  # Optional[Annotated[Decimal, Field(ge=…)]]
        for extra in getattr(arg, "__metadata__", ()):
            metadata.extend(getattr(extra, "metadata", ()))
    for m in metadata:
        if isinstance(m, Ge):
            low = Decimal(str(m.ge))
        elif isinstance(m, Le):
            high = Decimal(str(m.le))
    return low, high


def _members(ftype: FactType) -> list[str] | None:
    return [str(m.value) for m in ftype.enum] if ftype.enum is not None else None


class _Converter:
    """Converts the columns of one file into the typed input frame, collecting problems."""

    def __init__(self, where: _Where, union: FactUnion) -> None:
        self.where = where
        self.problems: list[Problem] = []
        self.facts = union.facts  # the facts of the packs' project models
        self.model_of = union.model_of

    def bad_rows(self, raw: pl.Series, ok: pl.Series) -> list[int]:
        mask = raw.is_not_null() & ~ok.fill_null(False)
        return mask.arg_true().head(_MAX_PROBLEMS).to_list()

    def report(self, raw: pl.Series, ok: pl.Series, code: str, what: Callable[[Any], str]) -> None:
        for i in self.bad_rows(raw, ok):
            value = raw[i]
            self.problems.append(
                self.where.problem(i, raw.name, code, f"column {raw.name!r}: {what(value)}")
            )

    def column(self, s: pl.Series) -> pl.Series:
        name = s.name
        ftype = self.facts[name]
        kind = ftype.kind
        if s.dtype == pl.Null:
            return pl.Series(name, [None] * len(s), dtype=_dtype(ftype, 0))
        if kind == "dates":
            return self.dates_column(s)
        if kind == "number":
            if s.dtype.is_float():
                self.problems.append(
                    self.where.problem(
                        None,
                        name,
                        "inexact-money",
                        f"column {name!r} holds floats; money must be exact: store it as a "
                        "decimal or as text",
                    )
                )
                return s
            if isinstance(s.dtype, pl.Decimal) or s.dtype.is_integer():
                exact = s if isinstance(s.dtype, pl.Decimal) else s.cast(pl.Decimal(38, 0))
                return self.bounded(exact, s)
        if kind == "integer" and s.dtype.is_float():
            # pandas turns whole numbers with gaps into floats; whole floats are exact below 2**53.
            ok = (s == s.round(0)) & (s.abs() < 2**53)
            self.report(s, ok, "bad-value", lambda v: f"{v!r} is not a whole number")
            return s.cast(pl.Int64, strict=False)
        if kind == "set" and isinstance(s.dtype, pl.List):
            return self.list_column(s, _members(ftype))
        if s.dtype != pl.Utf8 and _compatible(s.dtype, ftype):
            return s.cast(_dtype(ftype, 0)) if kind != "number" else s
        try:
            text = s.cast(pl.Utf8).str.strip_chars()
        except pl.exceptions.PolarsError:
            self.problems.append(
                self.where.problem(
                    None,
                    name,
                    "bad-column",
                    f"column {name!r} of type {s.dtype} cannot hold {kind} "
                    "values; see docs/portfolio.md for the layout",
                )
            )
            return s
        text = text.set(text == "", None)
        if kind == "bool":
            low = text.str.to_lowercase()
            self.report(
                text, low.is_in(_TRUE), "bad-value", lambda v: f"{v!r} is not true or false"
            )
            return (low == "true").set(low.is_null(), None).alias(name)
        if kind == "integer":
            ok = text.str.contains(_INTEGER)
            self.report(text, ok, "bad-value", lambda v: f"{v!r} is not a whole number")
            out = text.cast(pl.Int64, strict=False)
            least, _ = _bounds(name, self.model_of[name])
            if least is not None:
                self.report(
                    text,
                    (out >= int(least)) | out.is_null(),
                    "bad-value",
                    lambda v: f"{v} is below {least}",
                )
            return out
        if kind == "number":
            return self.number(text)
        if kind == "date":
            ok = text.str.contains(_DATE)
            out = text.str.to_date("%Y-%m-%d", strict=False)
            self.report(
                text,
                ok & out.is_not_null(),
                "bad-value",
                lambda v: f"{v!r} is not a date; write YYYY-MM-DD",
            )
            return out
        if kind == "enum":
            members = _members(ftype) or []
            self.report(
                text,
                text.is_in(members),
                "bad-value",
                lambda v: f"{v!r} is not one of its values{suggest(str(v), members)}",
            )
            return text
        if kind == "set":
            return self.set_column(text, _members(ftype))
        return text

    def number(self, text: pl.Series) -> pl.Series:
        ok = text.str.contains(_NUMBER)
        self.report(
            text,
            ok,
            "bad-value",
            lambda v: f"{v!r} is not an amount; write digits with a '.' (e.g. 199.99)",
        )
        good = text.set(~ok.fill_null(False), None)
        frac = good.str.extract(r"\.(\d+)$", 1).str.len_chars().max()
        scale = int(frac) if isinstance(frac, int) else 0  # exact: as many places as written
        return self.bounded(good.cast(pl.Decimal(38, scale)), text)

    def bounded(self, out: pl.Series, raw: pl.Series) -> pl.Series:
        """``out`` (exact decimals) after checking the fact's bounds (e.g. 0-100 for a %)."""
        low, high = _bounds(out.name, self.model_of[out.name])
        ok = pl.Series([True] * len(out), dtype=pl.Boolean)
        if low is not None:
            ok = ok & ((out >= low) | out.is_null())
        if high is not None:
            ok = ok & ((out <= high) | out.is_null())
        self.report(raw, ok, "bad-value", lambda v: f"{v} is outside {low}…{high}")
        return out

    def list_column(self, s: pl.Series, members: list[str] | None) -> pl.Series:
        try:
            out = s.cast(pl.List(pl.Utf8))
        except pl.exceptions.PolarsError:
            out = pl.Series(s.name, [None] * len(s), dtype=pl.List(pl.Utf8))
            self.problems.append(
                self.where.problem(
                    None, s.name, "bad-column", f"column {s.name!r} must be a list of strings"
                )
            )
        if members is not None:
            ok = out.list.eval(pl.element().is_in(members)).list.all()
            self.report(
                out,
                ok,
                "bad-value",
                lambda v: (
                    f"{list(v)} has a value not among its values ({', '.join(members[:6])}, …)"
                ),
            )
        return out

    def dates_column(self, s: pl.Series) -> pl.Series:
        """A ``dates`` column: every row's list of dates, checked, sorted and distinct."""
        values: list[list[date] | None] = []
        for i, cell in enumerate(s.to_list()):
            if cell is None or cell == "":
                values.append(None)
                continue
            dates, why = _date_cell(cell)
            if why is not None:
                self.problems.append(
                    self.where.problem(i, s.name, "bad-value", f"column {s.name!r}: {why}")
                )
            values.append(dates)
        return pl.Series(s.name, values, dtype=pl.List(pl.Date))

    def set_column(self, text: pl.Series, members: list[str] | None) -> pl.Series:
        name = text.name
        values: list[list[str] | None] = []
        for i, cell in enumerate(text.to_list()):
            if cell is None:
                values.append(None)
                continue
            if cell.startswith("["):
                try:
                    items = json.loads(cell)
                except ValueError:
                    items = None
                if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                    self.problems.append(
                        self.where.problem(
                            i,
                            name,
                            "bad-value",
                            f"column {name!r}: {cell!r} is not a JSON array of strings",
                        )
                    )
                    values.append(None)
                    continue
            else:
                items = [part.strip() for part in cell.split("|") if part.strip()]
            for item in items:
                if members is not None and item not in members:
                    self.problems.append(
                        self.where.problem(
                            i,
                            name,
                            "bad-value",
                            f"column {name!r}: {item!r} is not one of its values"
                            f"{suggest(item, members)}",
                        )
                    )
            values.append(sorted(set(items)))
        return pl.Series(name, values, dtype=pl.List(pl.Utf8))


def _date_cell(cell: Any) -> tuple[list[date] | None, str | None]:
    """The dates of one ``dates`` cell, or the reason it has none.

    A cell is a JSON array of YYYY-MM-DD strings, dates separated by ``|``
    (``2026-12-20|2027-12-15``), or a list (JSONL, Parquet); the result is sorted and distinct.
    """
    items: Any = cell
    if isinstance(cell, str):
        text = cell.strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                return None, f"{cell!r} is not a JSON array of dates"
        else:
            items = [part.strip() for part in text.split("|") if part.strip()]
    if not isinstance(items, list):
        return None, f"{cell!r} is not a list of dates"
    if len(items) > MAX_DATES:
        return None, f"holds {len(items)} dates; at most {MAX_DATES}"
    out: set[date] = set()
    for item in items:
        if isinstance(item, date) and not isinstance(item, datetime):
            out.add(item)
            continue
        text = item if isinstance(item, str) else ""
        try:
            if not re.fullmatch(_DATE, text):
                raise ValueError
            out.add(date.fromisoformat(text))
        except ValueError:
            return None, f"{item!r} is not a date; write YYYY-MM-DD"
    return sorted(out), None


def _dtype(ftype: FactType, scale: int) -> pl.DataType:
    kind = ftype.kind
    if kind == "number":
        return pl.Decimal(38, scale)
    return {
        "integer": pl.Int64(),
        "bool": pl.Boolean(),
        "date": pl.Date(),
        "set": pl.List(pl.Utf8),
        "dates": pl.List(pl.Date()),
    }.get(kind, pl.Utf8())


def _compatible(dtype: pl.DataType, ftype: FactType) -> bool:
    kind = ftype.kind
    if kind == "integer":
        return dtype.is_integer()
    if kind == "bool":
        return dtype == pl.Boolean
    if kind == "date":
        return dtype == pl.Date
    if kind == "set":
        return isinstance(dtype, pl.List) and dtype.inner == pl.Utf8 and ftype.enum is None
    return False


def to_input_frame(
    frame: pl.DataFrame,
    where: _Where | None = None,
    *,
    pack: CompiledPack | Iterable[CompiledPack] | None = None,
) -> pl.DataFrame:
    """Check and type ``frame``'s columns as the portfolio input contract requires.

    The columns are the facts of ``pack``'s project model (of several packs': the union
    of their facts; no pack: the shipped model), and a row gives values only for the facts
    of its own pack (by its ``jurisdiction`` cell), as :func:`govit_rules.evaluate` refuses
    a fact the pack does not know. Raises :class:`PortfolioError` naming every unknown
    column and bad cell.
    """
    if where is None:
        where = _Where("<frame>", lambda i: i + 1, {c: n + 1 for n, c in enumerate(frame.columns)})
    groups = row_groups(frame, packs_of(pack))
    union = FactUnion.of(g.model for g in groups)
    conv = _Converter(where, union)
    known = sorted([*conv.facts, *EXTRA_COLUMNS])
    out: list[pl.Series] = []
    for s in frame.get_columns():
        if s.name in EXTRA_COLUMNS:
            out.append(s.cast(pl.Utf8))
        elif s.name in union.clashes:
            conv.problems.append(
                where.problem(
                    None,
                    s.name,
                    "bad-column",
                    f"column {s.name!r}: the packs declare this fact differently "
                    f"({union.clashes[s.name]}); give each pack its own file",
                )
            )
        elif s.name in conv.facts:
            out.append(conv.column(s))
        else:
            conv.problems.append(
                where.problem(
                    None,
                    s.name,
                    "unknown-column",
                    f"{s.name!r} is no project fact{suggest(s.name, known)}",
                )
            )
    named = frame["jurisdiction"] if "jurisdiction" in frame.columns else None
    for group in groups:
        # Another pack's fact: the engine refuses it in a project of this one.
        for name, rows in foreign_cells(out, group, conv.facts, _MAX_PROBLEMS):
            conv.problems.extend(
                where.problem(
                    i,
                    name,
                    "unknown-fact",
                    f"no fact {name!r} in the project model of the "
                    f"{(named[i] if named is not None else None) or group.label} pack; "
                    "leave the cell empty in its rows",
                )
                for i in rows
            )
    if conv.problems:
        n = len(conv.problems)
        raise PortfolioError(f"{where.path}: {n} problem(s) in the portfolio", conv.problems)
    return pl.DataFrame(out)


def read_portfolio(
    path: str | Path, *, pack: CompiledPack | Iterable[CompiledPack] | None = None
) -> pl.DataFrame:
    """Read a CSV, JSONL or Parquet portfolio into the checked, typed input frame.

    ``pack`` is the pack (or packs) the file is read for, whose project models give its
    columns (see :func:`to_input_frame`); without it, the shipped packs' model.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    name = str(path)
    try:
        if suffix == ".csv":
            frame = pl.read_csv(p, infer_schema=False)
            where = _Where(name, lambda i: i + 2, {c: n + 1 for n, c in enumerate(frame.columns)})
        elif suffix in (".jsonl", ".ndjson"):
            frame, lines = _read_jsonl(p)
            where = _Where(name, lambda i: lines[i], {})
        elif suffix in (".parquet", ".pq"):
            frame = pl.read_parquet(p)
            where = _Where(name, lambda i: i + 1, {c: n + 1 for n, c in enumerate(frame.columns)})
        else:
            raise PortfolioError(
                f"{name}: unknown portfolio format",
                [
                    Problem(
                        name,
                        0,
                        0,
                        "unknown-format",
                        f"{suffix or 'no suffix'}: name the file .csv, .jsonl or .parquet",
                    )
                ],
            )
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise PortfolioError(
            f"{name}: cannot read the portfolio", [Problem(name, 0, 0, "parse", str(exc))]
        ) from None
    return to_input_frame(frame, where, pack=pack)


def _read_jsonl(p: Path) -> tuple[pl.DataFrame, list[int]]:
    """JSON lines as text columns (numbers kept exact as their decimal text)."""
    columns: dict[str, list[str | None]] = {}
    lines: list[int] = []
    problems: list[Problem] = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=Decimal)
            except ValueError as exc:
                problems.append(Problem(str(p), n, 0, "parse", f"not a JSON object: {exc}"))
                continue
            if not isinstance(obj, dict):
                problems.append(Problem(str(p), n, 0, "parse", "each line must be a JSON object"))
                continue
            row = len(lines)
            lines.append(n)
            for key, value in obj.items():
                col = columns.setdefault(str(key), [None] * row)
                col.extend([None] * (row - len(col)))
                col.append(_as_text(value))
            if len(problems) >= _MAX_PROBLEMS:
                break
    if problems:
        raise PortfolioError(f"{p}: {len(problems)} problem(s) in the portfolio", problems)
    for col in columns.values():
        col.extend([None] * (len(lines) - len(col)))
    frame = pl.DataFrame({k: pl.Series(k, v, dtype=pl.Utf8) for k, v in columns.items()})
    return frame, lines


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value)  # reported as a bad value of its column
    return str(value)


def write_portfolio(frame: pl.DataFrame, path: str | Path) -> None:
    """Write an input frame in the layout :func:`read_portfolio` reads back unchanged."""
    if Path(path).suffix.lower() == ".csv":
        frame = frame.with_columns(
            pl.when(pl.col(c).list.len() == 0)
            .then(pl.lit("[]"))
            .otherwise(pl.col(c).cast(pl.List(pl.Utf8)).list.join("|"))
            .alias(c)
            for c, t in frame.schema.items()
            if isinstance(t, pl.List)
        )
    write_results(frame, path)


def write_results(frame: pl.DataFrame, path: str | Path) -> None:
    """Write a result frame as Parquet, CSV or JSONL, chosen by the file's suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        frame.write_parquet(p)
    elif suffix == ".csv":
        frame.write_csv(p)
    elif suffix in (".jsonl", ".ndjson"):
        frame.write_ndjson(p)
    else:
        raise PortfolioError(
            f"{path}: unknown results format",
            [
                Problem(
                    str(path),
                    0,
                    0,
                    "unknown-format",
                    f"{suffix or 'no suffix'}: name the file .parquet, .csv or .jsonl",
                )
            ],
        )
