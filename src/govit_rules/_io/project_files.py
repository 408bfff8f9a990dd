"""Project input: the one place that turns bytes, text or a mapping into a validated project.

Owns reading project files (size limit, encoding, the choice between JSON and YAML), the
exact JSON reading every input path shares (numbers as ``Decimal`` or exact ``int``, no
duplicate keys, bounded nesting and number length), :func:`validate_project` with its
located problems, and the lazy JSON locator that finds a line and column only when there
is an error to report. The CLI, the Python API and the lifecycle monitor all call it, so a
fact reaches the rules unchanged whichever way it came in.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .._vocab.project import Project
from .._vocab.suggest import suggest
from ..errors import Problem, ProjectValidationError
from .yaml import LocDict, LocList, decode_source, load_yaml, locate, too_large

if TYPE_CHECKING:
    from .._packs.loader import CompiledPack

__all__ = [
    "MAX_EVENT_FILE_BYTES",
    "MAX_PROJECT_BYTES",
    "facts_after",
    "json_positions",
    "load_project_file",
    "parse_json",
    "project_from_text",
    "read_input",
    "show_value",
    "unknown_documents",
    "validate_project",
]

MAX_PROJECT_BYTES = 1024 * 1024
MAX_EVENT_FILE_BYTES = 64 * 1024 * 1024
MAX_INT_DIGITS = 100
# Problems reported in full; beyond them only a count (each costs a did-you-mean lookup).
MAX_REPORTED = 20


class _Refused(Exception):
    """The fast JSON reading met something the locator will explain (a duplicate key …)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Refused
    return out


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused
    return int(text)


def _constant(name: str) -> Any:
    raise _Refused  # NaN, Infinity: not JSON, and never an amount


def parse_json(text: str, source: str) -> tuple[Any, list[Problem]]:
    """Read JSON exactly: floats as ``Decimal``, ints exact, duplicate keys refused.

    Returns the data and the located problems (the data is ``None`` when there are any).
    """
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_int=_int,
            parse_constant=_constant,
            object_pairs_hook=_pairs,
        ), []
    except json.JSONDecodeError as exc:
        return None, [Problem(source, exc.lineno, exc.colno, "parse", exc.msg)]
    except RecursionError:
        return None, [Problem(source, 1, 1, "parse", "the JSON is nested too deeply")]
    except _Refused:
        _, problems = json_positions(text, source)
        return None, problems or [Problem(source, 0, 0, "parse", "the JSON cannot be read")]


# --- the lazy locator ------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009 - untyped in typeshed


def json_positions(text: str, source: str) -> tuple[Any, list[Problem]]:
    """Parse JSON again, slowly, recording where every key and value starts.

    Called only when there is something to report: returns the located tree (``LocDict``
    and ``LocList``, as the YAML loader makes) and the duplicate keys, too-long integers and
    non-JSON constants it found. Returns ``(None, [])`` for text that is not JSON.
    """
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    problems: list[Problem] = []

    def pos(i: int) -> tuple[int, int]:
        line = bisect_right(starts, i)
        return line, i - starts[line - 1] + 1

    def ws(i: int) -> int:
        m = _WS.match(text, i)
        return m.end() if m else i

    def value(i: int) -> tuple[Any, int]:
        i = ws(i)
        ch = text[i : i + 1]
        if ch == "{":
            return obj(i)
        if ch == "[":
            return arr(i)
        if ch == '"':
            s, end = _scanstring(text, i + 1)
            return s, end
        m = _NUMBER.match(text, i)
        if m:
            raw = m.group(0)
            if not (m.group(1) or m.group(2)) and len(raw.lstrip("-")) > MAX_INT_DIGITS:
                line, col = pos(i)
                problems.append(
                    Problem(
                        source,
                        line,
                        col,
                        "bad-value",
                        f"an integer of {len(raw.lstrip('-'))} digits; at most {MAX_INT_DIGITS}",
                    )
                )
            return raw, m.end()
        for word, lit in _LITERALS.items():
            if text.startswith(word, i):
                return lit, i + len(word)
        line, col = pos(i)
        problems.append(Problem(source, line, col, "parse", "not a JSON value"))
        raise ValueError

    def obj(i: int) -> tuple[Any, int]:
        out = LocDict()
        out.start, out.key_pos, out.value_pos = pos(i), {}, {}
        i = ws(i + 1)
        if text.startswith("}", i):
            return out, i + 1
        while True:
            i = ws(i)
            key_at = i
            key, i = _scanstring(text, i + 1)
            i = ws(i) + 1  # the colon
            value_at = ws(i)
            item, i = value(i)
            if key in out:
                line, col = pos(key_at)
                first = out.key_pos[key][0]
                problems.append(
                    Problem(
                        source,
                        line,
                        col,
                        "duplicate-key",
                        f"key {key!r} appears twice in one object (first at line {first}); "
                        "each key may appear once",
                    )
                )
            else:
                out[key] = item
                out.key_pos[key], out.value_pos[key] = pos(key_at), pos(value_at)
            i = ws(i)
            if text.startswith("}", i):
                return out, i + 1
            i += 1  # the comma

    def arr(i: int) -> tuple[Any, int]:
        out = LocList()
        out.start, out.item_pos = pos(i), []
        i = ws(i + 1)
        if text.startswith("]", i):
            return out, i + 1
        while True:
            out.item_pos.append(pos(ws(i)))
            item, i = value(i)
            out.append(item)
            i = ws(i)
            if text.startswith("]", i):
                return out, i + 1
            i += 1

    try:
        tree, _ = value(0)
    except (ValueError, IndexError, RecursionError):
        return None, problems
    return tree, problems


# --- validation ------------------------------------------------------------------------------


def show_value(value: Any, limit: int = 60) -> str:
    """A short, safe rendering of any input value (no deep recursion, no 5,000-digit int)."""
    if isinstance(value, Mapping):
        return f"an object of {len(value)} key(s)"
    if isinstance(value, list | tuple | set | frozenset):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 300:
        return "a very long integer"
    try:
        shown = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def validate_project(
    data: Project | Mapping[str, Any] | str | bytes, model: type[Project] | None = None
) -> Project:
    """A :class:`Project` from a mapping or JSON text; every bad field is reported.

    JSON text is read exactly (see :func:`parse_json`): an amount is never a binary float
    and a key may appear once.
    """
    model = model or Project
    if isinstance(data, model):
        return data
    if isinstance(data, Project):
        # A project of the shipped model read by a pack with facts of its own: the same
        # facts, the pack's own ones unknown.
        data = {name: getattr(data, name) for name in data.model_fields_set}
    if isinstance(data, str | bytes):
        text, problems = (
            decode_source(data, "<json>", "JSON text") if isinstance(data, bytes) else (data, [])
        )
        if text is not None:
            data, problems = parse_json(text, "<json>")
        if problems:
            raise ProjectValidationError("the project is not valid JSON", problems)
        if not isinstance(data, Mapping):
            raise ProjectValidationError(
                "a project is a mapping",
                [Problem("<json>", 1, 1, "bad-project", "a project is a JSON object of facts")],
            )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProjectValidationError(
            f"the project has {exc.error_count()} invalid field(s)",
            _project_problems(exc, list(model.model_fields)),
        ) from None
    except RecursionError:
        raise ProjectValidationError(
            "the project is nested too deeply",
            [Problem("(project)", 0, 0, "bad-value", "a value is nested too deeply to read")],
        ) from None


def _project_problems(exc: ValidationError, names: list[str]) -> list[Problem]:
    out: list[Problem] = []
    errors = exc.errors(include_url=False, include_input=True)
    for err in errors[:MAX_REPORTED]:
        loc = ".".join(str(p) for p in err["loc"]) or "(project)"
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            hint = suggest(key[:100], names)
            out.append(
                Problem(
                    loc,
                    0,
                    0,
                    "unknown-fact",
                    f"no fact {show_value(key)} in the project model{hint}",
                )
            )
        else:
            shown = show_value(err.get("input"))
            out.append(Problem(loc, 0, 0, "bad-value", f"{err['msg']} (got {shown})"))
    if len(errors) > MAX_REPORTED:
        out.append(
            Problem(
                "(project)",
                0,
                0,
                "more-problems",
                f"and {len(errors) - MAX_REPORTED} more problem(s) not listed",
            )
        )
    return out


# --- checks against a pack and a date ---------------------------------------------------------

_DATE_FACTS: dict[type[Project], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _date_facts(model: type[Project]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The model's date facts and its ``dates`` facts (lists of dates), found once."""
    found = _DATE_FACTS.get(model)
    if found is None:
        single, several = [], []
        for name, f in model.model_fields.items():
            shown = str(f.annotation)
            if "tuple[" in shown and "date" in shown:
                several.append(name)
            elif "date" in shown:
                single.append(name)
        found = _DATE_FACTS[model] = (tuple(single), tuple(several))
    return found


def facts_after(p: Project, on: date) -> list[str]:
    """A warning for each date fact later than the day judged at (the project's future)."""
    facts = p.__dict__
    single, several = _date_facts(type(p))
    # A ``dates`` fact is sorted: its last date is its latest.
    return [
        f"{name} is {_shown(facts[name])}, after the date judged at ({on}): a verdict as of "
        f"{on} cannot know it; check the fact or the as-of date"
        for name in single
        if facts[name] is not None and facts[name] > on
    ] + [
        f"{name} is {_shown(facts[name])}, after the date judged at ({on}): a verdict as of "
        f"{on} cannot know it; check the fact or the as-of date"
        for name in several
        if facts[name] and facts[name][-1] > on
    ]


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(d.isoformat() for d in value) + "]"
    return str(value)


def unknown_documents(pack: CompiledPack, submitted: frozenset[str]) -> ProjectValidationError:
    """The error for document ids the pack does not declare (they would count as missing)."""
    known = sorted(pack.documents)
    problems = []
    for doc in sorted(submitted - pack.documents.keys())[:MAX_REPORTED]:
        hint = suggest(doc[:100], known)
        problems.append(
            Problem(
                "submitted_documents",
                0,
                0,
                "unknown-document",
                f"no document {show_value(doc)} in the {pack.jurisdiction} pack{hint}",
            )
        )
    return ProjectValidationError(
        f"submitted_documents names document(s) the {pack.jurisdiction} pack does not know "
        f"(its documents: {', '.join(known) or 'none'})",
        problems,
    )


# --- project files ---------------------------------------------------------------------------


def read_input(spec: str, what: str, limit: int) -> str:
    """The text of a file (``-``: standard input) of at most ``limit`` bytes, or a located error."""
    source = "<stdin>" if spec == "-" else spec
    try:
        if spec == "-":
            stream = getattr(sys.stdin, "buffer", None)  # a test's StringIO has none
            raw = stream.read(limit + 1) if stream else sys.stdin.read(limit + 1).encode()
        else:
            path = Path(spec)
            if path.is_dir():
                raise _input_error(source, "parse", f"cannot read the {what}: it is a directory")
            with path.open("rb") as fh:
                raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise _input_error(source, "parse", f"cannot read the {what}: no such file") from None
    except OSError as exc:
        raise _input_error(
            source, "parse", f"cannot read the {what}: {exc.strerror or exc}"
        ) from None
    if len(raw) > limit:
        raise ProjectValidationError(f"the {what} is too large", [too_large(source, what, limit)])
    text, problems = decode_source(raw, source, what)
    if text is None:
        raise ProjectValidationError(f"the {what} cannot be read", problems)
    return text


def _input_error(source: str, code: str, message: str) -> ProjectValidationError:
    return ProjectValidationError(message, [Problem(source, 0, 0, code, message)])


def load_project_file(spec: str, model: type[Project] | None = None) -> Project:
    """A validated project from a YAML or JSON file (``-``: standard input).

    ``.json`` files are JSON, ``.yaml``/``.yml`` files YAML (flow style included); other
    names and standard input are JSON when they parse as JSON, YAML otherwise. Every
    problem is located (``file:line:col: code: message``) and raised at once as a
    :class:`~govit_rules.errors.ProjectValidationError`.
    """
    text = read_input(spec, "project file", MAX_PROJECT_BYTES)
    name = "<stdin>" if spec == "-" else spec
    suffix = Path(name).suffix.lower()
    fmt = "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else None
    return project_from_text(text, name, fmt, model)


def project_from_text(
    text: str, source: str, fmt: str | None = None, model: type[Project] | None = None
) -> Project:
    """A validated project from the text of a project file; ``fmt`` is json, yaml or None."""
    data: Any
    if fmt == "json" or (fmt is None and text.lstrip().startswith(("{", "["))):
        data, problems = parse_json(text, source)
        if problems and fmt is None and problems[0].code == "parse":
            yaml_data, yaml_problems = load_yaml(
                source, text, what="project file", strict_scalars=True
            )
            if not yaml_problems:  # flow-style YAML that is not JSON, e.g. {a: 1}
                data, problems = yaml_data, []
        if problems:
            raise ProjectValidationError("the project file is not valid JSON", problems)
    else:
        data, problems = load_yaml(source, text, what="project file", strict_scalars=True)
        if problems:
            raise ProjectValidationError("the project file is not valid YAML", problems)
    if data is None:
        raise ProjectValidationError(
            "the project file is empty",
            [
                Problem(
                    source,
                    0,
                    0,
                    "empty",
                    "the project file holds no facts; write fact: value lines",
                )
            ],
        )
    if not isinstance(data, dict):
        raise ProjectValidationError(
            "a project is a mapping",
            [
                Problem(
                    source,
                    1,
                    1,
                    "bad-project",
                    "a project is a mapping of facts to values (fact: value lines), "
                    f"not {_kind_of(data)}",
                )
            ],
        )
    try:
        return validate_project(data, model)
    except ProjectValidationError as exc:
        # Located only now: the JSON locator costs as much as a second reading.
        positions = data if isinstance(data, LocDict) else json_positions(text, source)[0]
        located = []
        for p in exc.problems:
            if p.code == "more-problems":
                located.append(Problem(source, 0, 0, p.code, p.message))
                continue
            loc: list[Any] = [int(x) if x.isdigit() else x for x in p.path.split(".")]
            if not isinstance(positions, LocDict):
                line, col = 0, 0
            elif p.code == "unknown-fact" and len(loc) == 1:
                line, col = positions.pos_of_key(loc[0])
            else:
                line, col = locate(positions, loc)
            located.append(Problem(source, line, col, p.code, f"{p.path}: {p.message}"))
        raise ProjectValidationError(exc.summary, located) from None


def _kind_of(data: object) -> str:
    """How a YAML or JSON value looks to the person who wrote it."""
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "a single text"
    if isinstance(data, bool):
        return "a yes/no value"
    if isinstance(data, int | float | Decimal):
        return "a single number"
    return f"a {type(data).__name__}"
