"""Safe YAML loading that remembers where every key and value stood.

Owns the only YAML entry point of the project: PyYAML's safe loader (the C one when
available), with duplicate keys reported as problems and every mapping and sequence
annotated with line and column numbers so that later stages can locate their errors.
It also owns reading an input file (size limit, UTF-8 with a located decoding error),
the cap on what aliases may expand to, and, for project files, scalars read from their
source text: money and integers as plain decimal numbers (``Decimal``, never a binary
float), booleans as ``true``/``false`` and dates as ``YYYY-MM-DD`` only, so that no YAML 1.1
reading (octal ``01000``, ``0x3E8``, ``1_000``, ``yes``) can change a fact unnoticed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

__all__ = [
    "MAX_NODES",
    "MAX_PACK_FILE_BYTES",
    "LocDict",
    "LocList",
    "Located",
    "load_yaml",
    "locate",
    "read_source",
]

# Limits that keep a small hostile file from taking the machine (docs/cli.md, "Limits").
MAX_PACK_FILE_BYTES = 4 * 1024 * 1024
# Values a document may hold once every alias is expanded: the shipped packs' largest file
# holds a few thousand; an alias bomb of 1 KB would hold billions.
MAX_NODES = 200_000
MAX_NUMBER_DIGITS = 100

Pos = tuple[int, int]


class LocDict(dict[Any, Any]):
    """A mapping that knows the position of itself, its keys and its values."""

    start: Pos = (0, 0)
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]

    def pos_of_key(self, key: Any) -> Pos:
        return self.key_pos.get(key, self.start)

    def pos_of_value(self, key: Any) -> Pos:
        return self.value_pos.get(key, self.start)


class LocList(list[Any]):
    """A sequence that knows the position of itself and of each item."""

    start: Pos = (0, 0)
    item_pos: list[Pos]

    def pos_of(self, index: int) -> Pos:
        if 0 <= index < len(self.item_pos):
            return self.item_pos[index]
        return self.start


Located = LocDict | LocList


def _pos(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    problems: list[Problem]
    source_path: str
    strict_scalars: bool = False
    _last_mark: Any = None

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = LocDict()
        data.start = _pos(node)
        data.key_pos = {}
        data.value_pos = {}
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool | date) and key is not None:
                line, col = _pos(key_node)
                self.problems.append(
                    Problem(self.source_path, line, col, "parse", "a mapping key must be a scalar")
                )
                continue
            if key in data:
                line, col = _pos(key_node)
                first = data.key_pos[key]
                self.problems.append(
                    Problem(
                        self.source_path,
                        line,
                        col,
                        "duplicate-key",
                        f"key {key!r} appears twice in one mapping (first at line {first[0]}); "
                        "each key may appear once",
                    )
                )
                continue
            data[key] = self.construct_object(value_node, deep=True)
            data.key_pos[key] = _pos(key_node)
            data.value_pos[key] = _pos(value_node)

    def construct_yaml_seq(self, node: yaml.SequenceNode) -> Any:
        data = LocList()
        data.start = _pos(node)
        data.item_pos = []
        yield data
        for child in node.value:
            data.append(self.construct_object(child, deep=True))
            data.item_pos.append(_pos(child))


def _problem(loader: _Loader, node: yaml.Node, code: str, message: str) -> None:
    line, col = _pos(node)
    loader.problems.append(Problem(loader.source_path, line, col, code, message))


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    loader._last_mark = node.start_mark
    if loader.strict_scalars and not _DATE.fullmatch(node.value):
        _problem(loader, node, "bad-value", f"{node.value!r}: write a date as YYYY-MM-DD")
        return node.value
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # an impossible date such as 2026-02-30
        _problem(loader, node, "bad-value", f"{node.value!r} is not a date ({exc})")
        return node.value


def _too_long(loader: _Loader, node: yaml.Node, text: str) -> bool:
    """Refuse a number too long to be a fact (Python would not even print a 5,000-digit int)."""
    if len(text) <= MAX_NUMBER_DIGITS:
        return False
    _problem(
        loader, node, "bad-value", f"a number of {len(text)} digits; at most {MAX_NUMBER_DIGITS}"
    )
    return True


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    loader._last_mark = node.start_mark
    text = str(node.value)
    if _too_long(loader, node, text):
        return None
    if loader.strict_scalars:
        if not _PLAIN_INT.fullmatch(text):
            _problem(loader, node, "bad-value", f"{text!r}: {_PLAIN_NUMBER_HINT}")
            return text
        return int(text)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> Any:
    loader._last_mark = node.start_mark
    text = str(node.value)
    if not loader.strict_scalars:
        return yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if _too_long(loader, node, text):
        return None
    if not _PLAIN_DECIMAL.fullmatch(text):
        _problem(loader, node, "bad-value", f"{text!r}: {_PLAIN_NUMBER_HINT}")
        return text
    # From the source text: 999.99999999999999999 stays below 1000 (a float would not).
    return Decimal(text)


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> Any:
    if loader.strict_scalars and str(node.value).lower() not in ("true", "false"):
        _problem(
            loader,
            node,
            "bad-value",
            f"{node.value!r}: write a yes/no fact as true or false (quote it if it is text)",
        )
        return node.value
    return yaml.constructor.SafeConstructor.construct_yaml_bool(loader, node)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_PLAIN_NUMBER_HINT = (
    "write amounts and counts as plain decimal numbers such as 1000 or 999.5 "
    "(no leading zero, underscore, hexadecimal, octal or a:b form)"
)

_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)


def read_source(
    path: Path | str, limit: int = MAX_PACK_FILE_BYTES, what: str = "file"
) -> tuple[str | None, list[Problem]]:
    """The text of a UTF-8 input file (a BOM is dropped), or the located reason it has none.

    Files above ``limit`` bytes are refused before they are read; a byte that is not UTF-8
    (a GBK file, say) is reported at its line and column.
    """
    source = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        return None, [
            Problem(source, 0, 0, "parse", f"cannot read the {what}: {exc.strerror or exc}")
        ]
    if len(raw) > limit:
        return None, [too_large(source, what, limit)]
    return decode_source(raw, source, what)


def too_large(source: str, what: str, limit: int) -> Problem:
    return Problem(
        source, 0, 0, "too-large", f"the {what} is larger than {limit:,} bytes, the limit for it"
    )


def decode_source(raw: bytes, source: str, what: str = "file") -> tuple[str | None, list[Problem]]:
    """UTF-8 text of ``raw`` (without a BOM), or a problem located at the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            Problem(
                source,
                line,
                col,
                "encoding",
                f"the {what} is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            )
        ]


def _expanded_size_problem(root: yaml.Node, source: str, cap: int) -> Problem | None:
    """A problem if the document, with every alias expanded, holds more than ``cap`` values.

    Aliases share one node, so sizes are computed once per node: linear in the file, even
    for a bomb whose expansion would never fit in memory.
    """
    sizes: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack = [root]
    while stack:  # post-order without recursion: a deep document must not overflow the stack
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = -1
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):
        total = 1
        for child in _children(node):
            total += sizes.get(id(child), 1)
            if total > cap:
                total = cap + 1
                break
        sizes[id(node)] = total
    if sizes[id(root)] <= cap:
        return None
    node = root
    while True:  # descend to the smallest value that is still too big: that is where to look
        big = [c for c in _children(node) if sizes.get(id(c), 0) > cap]
        if not big:
            break
        node = big[0]
    line, col = _pos(node)
    return Problem(
        source,
        line,
        col,
        "too-large",
        f"with its aliases expanded this value holds more than {cap:,} values; "
        "write it out or share less",
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_yaml(
    path: Path | str,
    text: str | None = None,
    *,
    what: str = "rule pack",
    strict_scalars: bool = False,
    max_nodes: int = MAX_NODES,
) -> tuple[Any, list[Problem]]:
    """Load one YAML document safely; return the data and the problems found.

    Syntax errors and unsafe tags become ``parse`` problems (the data is then ``None``).
    ``what`` names the document in messages ("rule pack", "project file").
    ``strict_scalars`` reads numbers, booleans and dates as a project file needs them.
    """
    source = str(path)
    if text is None:
        text, read_problems = read_source(path, what=what)
        if text is None:
            return None, read_problems
    loader = _Loader(text)
    loader.problems = []
    loader.source_path = source
    loader.strict_scalars = strict_scalars
    try:
        node = loader.get_single_node()
        if node is None:
            return None, loader.problems
        too_big = _expanded_size_problem(node, source, max_nodes)
        if too_big is not None:
            return None, [too_big]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what_wrong = exc.problem or str(exc)
        if "could not determine a constructor" in str(exc):
            what_wrong = f"tags are not allowed in a {what} (safe YAML only)"
        return None, [Problem(source, line, col, "parse", what_wrong)]
    except yaml.YAMLError as exc:
        return None, [Problem(source, 0, 0, "parse", str(exc))]
    except (ValueError, RecursionError) as exc:
        # A constructor refused a scalar, or the nesting is deeper than Python can follow.
        mark = getattr(loader, "_last_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        msg = "nested too deeply" if isinstance(exc, RecursionError) else f"invalid value: {exc}"
        return None, [Problem(source, line, col, "parse", msg)]
    finally:
        loader.dispose()
    return data, loader.problems


def locate(root: Any, loc: tuple[Any, ...] | list[Any]) -> Pos:
    """The best-known position of the element at ``loc`` (keys and indexes) below ``root``."""
    node = root
    best: Pos = getattr(root, "start", (0, 0))
    for part in loc:
        if isinstance(node, LocDict) and part in node:
            best = node.pos_of_value(part)
            node = node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.pos_of(part)
            node = node[part]
        else:
            if isinstance(node, LocDict) and isinstance(part, str):
                # An unknown key: point at the key itself when it is there.
                return node.pos_of_key(part) if part in node.key_pos else best
            return best
        start = getattr(node, "start", None)
        if start is not None and start != (0, 0):
            best = start
    return best


# --- plain form, for the load cache ------------------------------------------------------


def to_plain(node: Any) -> Any:
    """A located tree as marshal-safe values (tuples tag mappings, sequences and dates)."""
    if isinstance(node, LocDict):
        return (
            "map",
            node.start,
            [
                (
                    k if not isinstance(k, date) else ("date", k.toordinal()),
                    node.key_pos.get(k, node.start),
                    node.value_pos.get(k, node.start),
                    to_plain(v),
                )
                for k, v in node.items()
            ],
        )
    if isinstance(node, LocList):
        return ("seq", node.start, [(node.pos_of(i), to_plain(v)) for i, v in enumerate(node)])
    if isinstance(node, date):
        return ("date", node.toordinal())
    if node is None or isinstance(node, bool | int | float | str):
        return node
    raise TypeError(f"cannot cache a {type(node).__name__}")


def from_plain(data: Any) -> Any:
    """The located tree :func:`to_plain` encoded."""
    if isinstance(data, tuple):
        tag = data[0]
        if tag == "date":
            return date.fromordinal(data[1])
        if tag == "map":
            out = LocDict()
            out.start = tuple(data[1])
            out.key_pos, out.value_pos = {}, {}
            for k, kpos, vpos, v in data[2]:
                key = date.fromordinal(k[1]) if isinstance(k, tuple) else k
                out[key] = from_plain(v)
                out.key_pos[key] = tuple(kpos)
                out.value_pos[key] = tuple(vpos)
            return out
        if tag == "seq":
            seq = LocList()
            seq.start = tuple(data[1])
            seq.item_pos = []
            for pos, v in data[2]:
                seq.append(from_plain(v))
                seq.item_pos.append(tuple(pos))
            return seq
        raise ValueError(f"unknown tag {tag!r}")
    return data


def load_yaml_cached(path: Path | str, text: str) -> tuple[Any, list[Problem]]:
    """:func:`load_yaml`, served from the load cache when this text was parsed before."""
    from .cache import cached_tree

    return cached_tree(text, lambda: load_yaml(path, text), to_plain, from_plain)
