"""Request bodies as the library reads them: exact JSON, and pasted YAML or JSON projects.

Owns the parsing of JSON bodies (numbers with a fraction become ``Decimal`` so money stays
exact; duplicate keys, NaN and Infinity are refused) and of project text pasted in the
workbench, with every problem located. A shared input module is being written for the
whole library; when it lands, these functions should call it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .._engine.evaluate import validate_project
from .._io.yaml import LocDict, load_yaml, locate
from .._vocab.project import Project
from ..errors import Problem, ProjectValidationError

__all__ = ["BodyError", "parse_json", "project_from"]


class BodyError(ValueError):
    """A request body that cannot be read; carries located problems."""

    def __init__(self, summary: str, problems: list[Problem]) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(text: str | bytes, where: str = "body") -> Any:
    """JSON with exact decimals; a located :class:`BodyError` for anything malformed."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_no_duplicates,
        )
    except UnicodeDecodeError as exc:
        raise BodyError(
            "the body is not UTF-8", [Problem(where, 0, 0, "parse", f"not UTF-8 ({exc.reason})")]
        ) from None
    except json.JSONDecodeError as exc:
        raise BodyError(
            "the body is not valid JSON", [Problem(where, exc.lineno, exc.colno, "parse", exc.msg)]
        ) from None
    except _Duplicate as exc:
        raise BodyError(
            "the body repeats a key",
            [Problem(where, 0, 0, "duplicate-key", f"the key {exc.args[0]!r} appears twice")],
        ) from None
    except (ValueError, RecursionError) as exc:  # huge integers, NaN, nesting too deep
        raise BodyError(
            "the body is not valid JSON", [Problem(where, 0, 0, "parse", str(exc)[:200])]
        ) from None


def project_from(value: Any, text: Any, where: str = "project") -> Project:
    """The validated project of a request: ``project`` (an object) or ``project_text``.

    ``project_text`` is YAML or JSON as an analyst pastes it; problems carry its line and
    column. A bad project raises :class:`ProjectValidationError` listing every bad field.
    """
    if text is not None:
        if not isinstance(text, str):
            raise BodyError(
                "project_text is text",
                [Problem("project_text", 0, 0, "bad-value", "project_text must be a string")],
            )
        return _from_text(text)
    if value is None:
        raise BodyError(
            "no project",
            [Problem(where, 0, 0, "missing", "give the project as an object, or project_text")],
        )
    if not isinstance(value, dict):
        raise BodyError(
            "a project is an object",
            [Problem(where, 0, 0, "bad-project", "a project is an object of facts to values")],
        )
    try:
        return validate_project(value)
    except ProjectValidationError as exc:
        raise ProjectValidationError(
            exc.summary, [_prefixed(where, p) for p in exc.problems]
        ) from None


def _prefixed(where: str, p: Problem) -> Problem:
    return Problem(f"{where}.{p.path}", p.line, p.col, p.code, p.message)


def _from_text(text: str) -> Project:
    name = "project_text"
    if text.lstrip().startswith(("{", "[")):
        data: Any = parse_json(text, name)
        positions: Any = None
    else:
        alias = _first_alias(text)
        if alias is not None:
            # Aliases let a few bytes stand for an exponentially large value (a "billion
            # laughs" text); a project never needs them.
            raise ProjectValidationError(
                "the project text uses a YAML alias",
                [Problem(name, *alias, "alias", "YAML aliases (*name) are not allowed here")],
            )
        try:
            data, problems = load_yaml(name, text)
        except ValueError as exc:
            problems, data = [Problem(name, 0, 0, "parse", str(exc)[:200])], None
        if problems:
            raise ProjectValidationError("the project text is not valid YAML", problems)
        positions = data
    if data is None or not isinstance(data, dict):
        raise ProjectValidationError(
            "a project is a mapping",
            [Problem(name, 1, 1, "bad-project", "write the project as fact: value lines")],
        )
    try:
        return validate_project(dict(data))
    except ProjectValidationError as exc:
        located = []
        for p in exc.problems:
            loc: list[Any] = [int(x) if x.isdigit() else x for x in p.path.split(".")]
            line, col = 0, 0
            if isinstance(positions, LocDict):
                if p.code == "unknown-fact" and len(loc) == 1:
                    line, col = positions.pos_of_key(loc[0])
                else:
                    line, col = locate(positions, loc)
            located.append(Problem(name, line, col, p.code, f"{p.path}: {p.message}"))
        raise ProjectValidationError(exc.summary, located) from None


def _first_alias(text: str) -> tuple[int, int] | None:
    """Line and column of the first YAML alias in ``text`` (None when none, or unparsable)."""
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                return (mark.line + 1, mark.column + 1) if mark else (0, 0)
    except yaml.YAMLError:
        return None  # load_yaml reports the syntax error with its position
    return None
