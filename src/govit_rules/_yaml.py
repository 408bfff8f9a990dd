"""Safe YAML loading that remembers where every key and value stood.

Owns the only YAML entry point of the project: PyYAML's safe loader (the C one when
available), with duplicate keys reported as problems and every mapping and sequence
annotated with line and column numbers so that later stages can locate their errors.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

__all__ = ["LocDict", "LocList", "Located", "load_yaml", "locate"]

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


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    loader._last_mark = node.start_mark
    return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)


def load_yaml(path: Path | str, text: str | None = None) -> tuple[Any, list[Problem]]:
    """Load one YAML document safely; return the data and the problems found.

    Syntax errors and unsafe tags become ``parse`` problems (the data is then ``None``).
    """
    source = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem(source, 0, 0, "parse", f"cannot read the file: {exc}")]
    loader = _Loader(text)
    loader.problems = []
    loader.source_path = source
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or str(exc)
        if "could not determine a constructor" in str(exc):
            what = "tags are not allowed in a rule pack (safe YAML only)"
        return None, [Problem(source, line, col, "parse", what)]
    except yaml.YAMLError as exc:
        return None, [Problem(source, 0, 0, "parse", str(exc))]
    except ValueError as exc:
        # A constructor refused a scalar, e.g. the impossible date 2026-02-30.
        mark = getattr(loader, "_last_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return None, [Problem(source, line, col, "parse", f"invalid value: {exc}")]
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
    from ._cache import cached_tree

    return cached_tree(text, lambda: load_yaml(path, text), to_plain, from_plain)
