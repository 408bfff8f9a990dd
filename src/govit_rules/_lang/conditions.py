"""The condition language: parse, type-check, compile and explain conditions.

Owns the small, safe language in which rules state when they apply (see
``docs/conditions.md``). A condition read from YAML is parsed into a tree of frozen nodes
and checked against the project model's fact types, collecting every problem with its
location. The checked tree is then compiled into Python source (fact names come from the
model, every literal is bound as a constant, nothing from the pack is ever evaluated as
text) and ``compile()``-d once. Evaluation is three-valued: ``True``, ``False`` or
``None`` (unknown, because a fact the project did not give decides it). A slow tree
interpreter with the same semantics explains results and finds the deciding missing facts.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from .._io.yaml import LocDict, LocList, Pos
from .._vocab.project import Project
from ..errors import Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "All",
    "AnyOf",
    "Cond",
    "ConditionCompiler",
    "FactRef",
    "FactType",
    "Known",
    "Not",
    "Test",
    "TrueCond",
    "fact_types",
]

Tri = bool | None
FactKind = Literal["number", "integer", "bool", "date", "string", "enum", "set"]


@dataclass(frozen=True, slots=True)
class FactType:
    """What kind of value a fact holds, as far as conditions care."""

    kind: FactKind
    enum: type[Enum] | None = None  # for enum facts, and the members of set facts

    def describe(self) -> str:
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


def fact_types() -> dict[str, FactType]:
    """The condition-relevant type of every project fact."""
    return {name: _classify(f.annotation) for name, f in Project.model_fields.items()}


# --- the tree -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactRef:
    """A comparison against another fact, optionally scaled (``{fact: x, times: "0.1"}``)."""

    fact: str
    times: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Test:
    """One operator applied to one fact."""

    fact: str
    op: str
    value: Any  # literal, frozenset of literals, or FactRef
    pos: Pos = (0, 0)
    named: str | None = field(default=None, compare=False)  # the named set the values came from


@dataclass(frozen=True, slots=True)
class Known:
    fact: str
    expected: bool
    pos: Pos = (0, 0)


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Cond


@dataclass(frozen=True, slots=True)
class TrueCond:
    """The condition that always holds (an absent ``when``)."""


Cond = Test | Known | All | AnyOf | Not | TrueCond

NUMERIC_OPS = {"at_least": ">=", "above": ">", "at_most": "<=", "below": "<"}
DATE_OPS = {"on_or_after": ">=", "after": ">", "on_or_before": "<=", "before": "<"}
SET_OPS = ("contains", "contains_any", "contains_all", "contains_none")
ALL_OPS = ("eq", "ne", "in", "not_in", *NUMERIC_OPS, *DATE_OPS, *SET_OPS, "known")
COMBINATORS = ("all", "any", "not", "use")
OP_SYMBOLS = {
    "eq": "=",
    "ne": "≠",
    "in": "∈",
    "not_in": "∉",
    **NUMERIC_OPS,
    **DATE_OPS,
    "contains": "∋",
    "contains_any": "∩≠∅",
    "contains_all": "⊇",
    "contains_none": "∩=∅",
}
OP_SYMBOLS.update({"at_least": "≥", "at_most": "≤", "on_or_after": "≥", "on_or_before": "≤"})


def facts_of(cond: Cond) -> Iterator[str]:
    """Every fact a condition reads, in order, with repeats."""
    if isinstance(cond, Test):
        yield cond.fact
        if isinstance(cond.value, FactRef):
            yield cond.value.fact
    elif isinstance(cond, Known):
        yield cond.fact
    elif isinstance(cond, All | AnyOf):
        for part in cond.parts:
            yield from facts_of(part)
    elif isinstance(cond, Not):
        yield from facts_of(cond.part)


def leaves_of(cond: Cond) -> Iterator[Test | Known]:
    """Every leaf of a condition: its tests and its ``known`` checks."""
    if isinstance(cond, Test | Known):
        yield cond
    elif isinstance(cond, All | AnyOf):
        for part in cond.parts:
            yield from leaves_of(part)
    elif isinstance(cond, Not):
        yield from leaves_of(cond.part)


def tests_of(cond: Cond) -> Iterator[Test]:
    """Every leaf test of a condition (for thresholds and lint)."""
    for leaf in leaves_of(cond):
        if isinstance(leaf, Test):
            yield leaf


# --- parsing and checking ------------------------------------------------------------------

# Limits that keep a pack's conditions small enough to check, compile and explain quickly,
# whatever the file says (each is a located pack error when exceeded).
MAX_DEPTH = 32  # levels of all/any/not, named conditions included
MAX_NODES = 5000  # tests and combinators of one condition once named conditions are expanded


MAX_MESSAGE = 1000  # characters of one problem message; a quoted value never floods a log


def clip(message: str) -> str:
    """``message`` cut to :data:`MAX_MESSAGE` characters (the cut marked with …)."""
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def expanded_size(cond: Cond) -> int:
    """The node count of ``cond`` with shared sub-trees counted at every use (no expansion)."""
    memo: dict[int, int] = {}

    def size(c: Cond) -> int:
        known = memo.get(id(c))
        if known is not None:
            return known
        if isinstance(c, All | AnyOf):
            n = 1 + sum(size(part) for part in c.parts)
        elif isinstance(c, Not):
            n = 1 + size(c.part)
        else:
            n = 1
        memo[id(c)] = n
        return n

    return size(cond)


def _suggest(word: object, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass
class ConditionParser:
    """Parses and type-checks condition trees, collecting located problems."""

    path: str
    problems: list[Problem]
    definitions: Mapping[str, Any] = field(default_factory=dict)
    types: Mapping[str, FactType] = field(default_factory=fact_types)
    # Named sets of values (pack.yaml ``sets``): name -> (fact, values)
    sets: Mapping[str, tuple[str, frozenset[Any]]] = field(default_factory=dict)
    _resolving: list[str] = field(default_factory=list)
    # Named conditions resolve once and are shared, never re-expanded: a define used twice by
    # the next one, thirty levels deep, stays thirty trees (a DAG), not 2**30 copies.
    _resolved: dict[str, Cond] = field(default_factory=dict)
    _height: dict[str, int] = field(default_factory=dict)
    _too_large: set[str] = field(default_factory=set)
    _depth: int = 0
    _peak: int = 0
    tainted: bool = False  # the last tree used a named condition already reported too large

    def share(self, other: ConditionParser) -> None:
        """Use the named conditions ``other`` already resolved (and reported on)."""
        self._resolved = other._resolved
        self._height = other._height
        self._too_large = other._too_large

    def problem(self, pos: Pos, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], code, clip(message)))

    def parse(self, raw: Any, pos: Pos) -> Cond:
        """Parse one condition; on any problem the result is still a tree (``TrueCond``)."""
        if isinstance(raw, LocList):
            # A bare list is an implicit ``all``, and nests like one.
            return self._nested("all", raw, pos, pos)
        if not isinstance(raw, Mapping) or not raw:
            self.problem(
                pos,
                "bad-condition",
                "a condition is a mapping of facts to tests, or all/any/not/use; "
                f"got {type(raw).__name__} {raw!r}",
            )
            return TrueCond()
        parts: list[Cond] = []
        for key, value in raw.items():
            kpos = raw.pos_of_key(key) if isinstance(raw, LocDict) else pos
            vpos = raw.pos_of_value(key) if isinstance(raw, LocDict) else pos
            parts.append(self._parse_entry(str(key), value, kpos, vpos))
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _parse_entry(self, key: str, value: Any, kpos: Pos, vpos: Pos) -> Cond:
        if key in ("all", "any", "not"):
            return self._nested(key, value, kpos, vpos)
        if key == "use":
            return self._use(value, vpos)
        if key not in self.types:
            hint = _suggest(key, [*self.types, *COMBINATORS])
            self.problem(kpos, "unknown-fact", f"no fact {key!r} in the project model{hint}")
            return TrueCond()
        return self._parse_test(key, value, kpos, vpos)

    def _nested(self, key: str, value: Any, kpos: Pos, vpos: Pos) -> Cond:
        if self._depth >= MAX_DEPTH:
            self.problem(
                kpos,
                "too-deep",
                f"conditions nest at most {MAX_DEPTH} levels of all/any/not (named "
                "conditions included); split this one into simpler rules",
            )
            return TrueCond()
        self._depth += 1
        self._peak = max(self._peak, self._depth)
        try:
            return self._combine(key, value, vpos)
        finally:
            self._depth -= 1

    def _combine(self, key: str, value: Any, vpos: Pos) -> Cond:
        if key == "not":
            return Not(self.parse(value, vpos))
        if not isinstance(value, list) or not value:
            self.problem(vpos, "bad-condition", f"'{key}' takes a non-empty list of conditions")
            return TrueCond()
        items = tuple(
            self.parse(item, value.pos_of(i) if isinstance(value, LocList) else vpos)
            for i, item in enumerate(value)
        )
        return All(items) if key == "all" else AnyOf(items)

    def _use(self, name: Any, pos: Pos) -> Cond:
        if not isinstance(name, str) or name not in self.definitions:
            hint = _suggest(name, self.definitions)
            known = ", ".join(sorted(self.definitions)) or "none"
            self.problem(
                pos, "unknown-definition", f"no named condition {name!r}{hint} (defined: {known})"
            )
            return TrueCond()
        if name in self._too_large:
            self.tainted = True
            return TrueCond()
        if name in self._resolved:
            height = self._height.get(name, 0)
            if self._depth + height > MAX_DEPTH:
                self.problem(
                    pos,
                    "too-deep",
                    f"named condition {name!r} nests {height} levels of all/any/not and is "
                    f"used {self._depth} levels deep; conditions nest at most {MAX_DEPTH}",
                )
                return TrueCond()
            self._peak = max(self._peak, self._depth + height)
            return self._resolved[name]
        if name in self._resolving:
            chain = " -> ".join([*self._resolving, name])
            self.problem(pos, "cyclic-definition", f"named conditions use each other: {chain}")
            return TrueCond()
        self._resolving.append(name)
        raw = self.definitions[name]
        outer_peak, self._peak = self._peak, self._depth
        outer_tainted, self.tainted = self.tainted, False
        cond = self.parse(raw, getattr(raw, "start", pos))
        self._height[name] = self._peak - self._depth
        self._peak = max(outer_peak, self._peak)
        self._resolving.pop()
        if self.tainted or expanded_size(cond) > MAX_NODES:
            if not self.tainted:  # built on one already reported: no cascade
                self.problem(
                    getattr(raw, "start", pos),
                    "too-large",
                    f"named condition {name!r} expands to more than {MAX_NODES} tests and "
                    "combinators; share less or split the rule",
                )
            self._too_large.add(name)
            cond = TrueCond()
        self.tainted = outer_tainted or name in self._too_large
        self._resolved[name] = cond
        return cond

    def _parse_test(self, fact: str, value: Any, kpos: Pos, vpos: Pos) -> Cond:
        ftype = self.types[fact]
        if isinstance(value, Mapping):
            if not value:
                self.problem(vpos, "bad-condition", f"empty test for {fact!r}")
                return TrueCond()
            tests: list[Cond] = []
            for op, arg in value.items():
                opos = value.pos_of_key(op) if isinstance(value, LocDict) else vpos
                apos = value.pos_of_value(op) if isinstance(value, LocDict) else vpos
                tests.append(self._operator(fact, ftype, str(op), arg, opos, apos))
            return tests[0] if len(tests) == 1 else All(tuple(tests))
        if isinstance(value, list):
            return self._operator(fact, ftype, "in", value, vpos, vpos)
        if ftype.kind == "set":
            self.problem(
                vpos,
                "bad-operator",
                f"{fact!r} is a {ftype.describe()}: test it with contains, contains_any, "
                "contains_all or contains_none",
            )
            return TrueCond()
        return self._operator(fact, ftype, "eq", value, vpos, vpos)

    def _operator(
        self, fact: str, ftype: FactType, op: str, arg: Any, opos: Pos, apos: Pos
    ) -> Cond:
        if op == "known":
            if not isinstance(arg, bool):
                self.problem(apos, "bad-value", "'known' takes true or false")
                return TrueCond()
            return Known(fact, arg, opos)
        allowed = self._ops_for(ftype)
        if op not in ALL_OPS:
            self.problem(
                opos,
                "unknown-operator",
                f"no operator {op!r}{_suggest(op, ALL_OPS)} (for {fact!r}: {', '.join(allowed)})",
            )
            return TrueCond()
        if op not in allowed:
            self.problem(
                opos,
                "bad-operator",
                f"{op!r} does not apply to {fact!r}, a {ftype.describe()}; "
                f"use one of: {', '.join(allowed)}",
            )
            return TrueCond()
        if op in ("in", "not_in") and isinstance(arg, str):
            # A named set: one word of the regulation ("改建") defined once in pack.yaml.
            named = self.sets.get(arg)
            if named is None:
                known = ", ".join(sorted(self.sets)) or "none"
                self.problem(
                    apos,
                    "unknown-set",
                    f"no named set {arg!r}{_suggest(arg, self.sets)} (pack.yaml sets: {known})",
                )
                return TrueCond()
            if named[0] != fact:
                self.problem(
                    apos,
                    "bad-value",
                    f"the set {arg!r} holds values of {named[0]!r}, not of {fact!r}",
                )
                return TrueCond()
            return Test(fact, op, named[1], opos, arg)
        if op in ("in", "not_in") or op in ("contains_any", "contains_all", "contains_none"):
            if not isinstance(arg, list) or not arg:
                self.problem(apos, "bad-value", f"{op!r} takes a non-empty list")
                return TrueCond()
            values = [
                self._literal(
                    fact, ftype, item, arg.pos_of(i) if isinstance(arg, LocList) else apos
                )
                for i, item in enumerate(arg)
            ]
            if any(v is _BAD for v in values):
                return TrueCond()
            return Test(fact, op, frozenset(values), opos)
        if isinstance(arg, Mapping) and "fact" in arg:
            ref = self._fact_ref(fact, ftype, arg, apos)
            return Test(fact, op, ref, opos) if ref is not None else TrueCond()
        value = self._literal(fact, ftype, arg, apos)
        if value is _BAD:
            return TrueCond()
        return Test(fact, op, value, opos)

    @staticmethod
    def _ops_for(ftype: FactType) -> tuple[str, ...]:
        if ftype.kind in ("number", "integer"):
            return ("eq", "ne", "in", "not_in", *NUMERIC_OPS, "known")
        if ftype.kind == "date":
            return ("eq", "ne", *DATE_OPS, "known")
        if ftype.kind == "set":
            return (*SET_OPS, "known")
        if ftype.kind == "bool":
            return ("eq", "ne", "known")
        return ("eq", "ne", "in", "not_in", "known")

    def _fact_ref(
        self, fact: str, ftype: FactType, arg: Mapping[str, Any], pos: Pos
    ) -> FactRef | None:
        other = arg.get("fact")
        extra = set(arg) - {"fact", "times"}
        if extra:
            self.problem(
                pos, "bad-value", f"a fact reference takes 'fact' and 'times', not {sorted(extra)}"
            )
            return None
        if not isinstance(other, str) or other not in self.types:
            self.problem(
                pos,
                "unknown-fact",
                f"no fact {other!r} in the project model{_suggest(other, self.types)}",
            )
            return None
        otype = self.types[other]
        numeric = ("number", "integer")
        if (ftype.kind in numeric) != (otype.kind in numeric) or (
            ftype.kind not in numeric and ftype.kind != otype.kind
        ):
            self.problem(
                pos,
                "type-mismatch",
                f"cannot compare {fact!r} ({ftype.describe()}) with {other!r} ({otype.describe()})",
            )
            return None
        times = None
        if "times" in arg:
            if ftype.kind not in numeric:
                self.problem(pos, "bad-value", "'times' scales numbers only")
                return None
            times = _decimal(arg["times"])
            if times is None:
                self.problem(
                    pos, "bad-value", f"'times' must be an exact decimal, got {arg['times']!r}"
                )
                return None
        return FactRef(str(other), times)

    def _literal(self, fact: str, ftype: FactType, raw: Any, pos: Pos) -> Any:
        kind = ftype.kind
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            self.problem(pos, "bad-value", f"{fact!r} is true or false, got {raw!r}")
            return _BAD
        if kind in ("number", "integer"):
            value = None if isinstance(raw, bool) else _decimal(raw)
            if value is None:
                self.problem(
                    pos, "bad-value", f"{fact!r} compares with a number (万元), got {raw!r}"
                )
                return _BAD
            if kind == "integer":
                if value != value.to_integral_value():
                    self.problem(pos, "bad-value", f"{fact!r} is a whole number, got {raw!r}")
                    return _BAD
                return int(value)
            return value
        if kind == "date":
            if isinstance(raw, date):
                return raw
            try:
                return date.fromisoformat(str(raw))
            except ValueError:
                self.problem(
                    pos, "bad-value", f"{fact!r} compares with a date YYYY-MM-DD, got {raw!r}"
                )
                return _BAD
        if ftype.enum is not None:
            members = [m.value for m in ftype.enum]
            if raw not in members:
                self.problem(
                    pos,
                    "unknown-value",
                    f"{raw!r} is not a value of {fact!r}{_suggest(raw, members)} "
                    f"(allowed: {', '.join(members)})",
                )
                return _BAD
            return ftype.enum(raw)
        if not isinstance(raw, str):
            self.problem(pos, "bad-value", f"{fact!r} compares with text, got {raw!r}")
            return _BAD
        return raw


_BAD = object()


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float | str):
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    return None


# --- compiling -----------------------------------------------------------------------------


_CHUNK = 16  # parts of one all/any written in one expression
_NEST = 48  # brackets an inlined part may nest (Python's parser stops at 200)


def _grouped(cond: All | AnyOf) -> All | AnyOf:
    """``cond`` with its parts in groups of at most ``_CHUNK`` (same value, shallower code)."""
    kind = type(cond)
    parts = cond.parts
    while len(parts) > _CHUNK:
        parts = tuple(
            kind(parts[i : i + _CHUNK]) if len(parts[i : i + _CHUNK]) > 1 else parts[i]
            for i in range(0, len(parts), _CHUNK)
        )
    return kind(parts)


def _nesting(source: str) -> int:
    depth = peak = 0
    for ch in source:
        if ch == "(":
            depth += 1
            peak = max(peak, depth)
        elif ch == ")":
            depth -= 1
    return peak


class ConditionCompiler:
    """Compiles checked trees into one Python module of plain functions, once per pack."""

    def __init__(self) -> None:
        self._consts: dict[str, Any] = {}
        self._const_ids: dict[tuple[type, Any], str] = {}
        self._temps = 0
        self._helpers = 0
        self._functions: list[str] = []

    def _const(self, value: Any) -> str:
        key = (type(value), value)
        name = self._const_ids.get(key)
        if name is None:
            name = f"_k{len(self._consts)}"
            self._consts[name] = value
            self._const_ids[key] = name
        return name

    def _temp(self) -> str:
        self._temps += 1
        return f"_t{self._temps}"

    def expr(self, cond: Cond) -> str:
        """Python source for a three-valued expression over ``p`` (the project).

        The source never nests deeper than about ``_CHUNK + _NEST`` brackets, whatever the
        tree: double negations cancel, long all/any lists are grouped (Kleene and/or are
        associative) and a part nested too deep becomes a helper function of its own.
        """
        if isinstance(cond, TrueCond):
            return "True"
        if isinstance(cond, Known):
            test = "is not None" if cond.expected else "is None"
            return f"(p.{cond.fact} {test})"
        if isinstance(cond, Test):
            return self._test(cond)
        if isinstance(cond, Not):
            if isinstance(cond.part, Not):
                return self.expr(cond.part.part)
            t = self._temp()
            return f"(None if ({t} := {self._bounded(cond.part)}) is None else not {t})"
        if isinstance(cond, All | AnyOf):
            parts = _grouped(cond).parts
            if len(parts) == 1:
                return self.expr(parts[0])
            stop = "False" if isinstance(cond, All) else "True"
            done = "True" if isinstance(cond, All) else "False"
            temps = [self._temp() for _ in parts]
            tail = f"(None if ({' or '.join(f'{t} is None' for t in temps)}) else {done})"
            for t, part in reversed(list(zip(temps, parts, strict=True))):
                tail = f"({stop} if ({t} := {self._bounded(part)}) is {stop} else {tail})"
            return tail
        raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover

    def _bounded(self, cond: Cond) -> str:
        """``expr(cond)``, moved into a helper function when it nests too deep to inline."""
        source = self.expr(cond)
        if _nesting(source) <= _NEST:
            return source
        self._helpers += 1
        name = f"_h{self._helpers}"
        self._functions.append(f"def {name}(p):\n    return {source}\n")
        return f"{name}(p)"

    def _test(self, t: Test) -> str:
        fact = f"p.{t.fact}"
        guard = f"{fact} is None"
        op = t.op
        if isinstance(t.value, FactRef):
            other = f"p.{t.value.fact}"
            guard += f" or {other} is None"
            rhs = other if t.value.times is None else f"{other} * {self._const(t.value.times)}"
        else:
            rhs = self._const(t.value)
        if op in NUMERIC_OPS or op in DATE_OPS:
            body = f"{fact} {NUMERIC_OPS.get(op) or DATE_OPS[op]} {rhs}"
        elif op == "eq":
            body = f"{fact} == {rhs}"
        elif op == "ne":
            body = f"{fact} != {rhs}"
        elif op == "in":
            body = f"{fact} in {rhs}"
        elif op == "not_in":
            body = f"{fact} not in {rhs}"
        elif op == "contains":
            body = f"{rhs} in {fact}"
        elif op == "contains_any":
            body = f"not {fact}.isdisjoint({rhs})"
        elif op == "contains_all":
            body = f"{rhs} <= {fact}"
        elif op == "contains_none":
            body = f"{fact}.isdisjoint({rhs})"
        else:  # pragma: no cover - the parser admits no other operator
            raise ValueError(op)
        return f"(None if {guard} else {body})"

    def const(self, value: Any) -> str:
        """The name a constant is bound to in the compiled module."""
        return self._const(value)

    def add_source(self, source: str) -> None:
        """Add generated source (built from checked trees only) to the module."""
        self._functions.append(source)

    def add_function(self, name: str, cond: Cond) -> None:
        self._functions.append(f"def {name}(p):\n    return {self.expr(cond)}\n")

    def add_missing_function(self, name: str, cond: Cond) -> None:
        """A function listing the unknown facts that leave ``cond`` undecided.

        Call it only when ``cond`` evaluated to unknown. The same answer as
        :func:`deciding_missing`, compiled: only the parts that are
        still unknown contribute, so facts inside a decided branch are never named. A leaf
        is unknown exactly when one of its facts is missing, so only composite parts need
        their value computed.
        """

        def body(c: Cond, indent: str) -> list[str]:
            if isinstance(c, Test):
                return [
                    f"{indent}if p.{f} is None and {f!r} not in out: out.append({f!r})"
                    for f in dict.fromkeys(facts_of(c))
                ]
            if isinstance(c, Not):
                return body(c.part, indent)
            if isinstance(c, All | AnyOf):
                lines = []
                for part in _grouped(c).parts:
                    leaf = part
                    while isinstance(leaf, Not):
                        leaf = leaf.part
                    if isinstance(leaf, Test):
                        lines.extend(body(leaf, indent))
                    elif isinstance(leaf, All | AnyOf):
                        inner = body(part, indent + "    ")
                        if inner:
                            lines.append(f"{indent}if {self._bounded(part)} is None:")
                            lines.extend(inner)
                return lines
            return []  # Known and TrueCond are never unknown

        # Called only when ``cond`` is already known to be unknown: no need to test it.
        inner = body(cond, "    ")
        if not inner:
            self._functions.append(f"def {name}(p):\n    return []\n")
            return
        lines = [f"def {name}(p):", "    out = []"]
        lines.extend(inner)
        lines.append("    return out")
        self._functions.append("\n".join(lines) + "\n")

    def build(self, filename: str) -> dict[str, Any]:
        """Compile everything added so far; return the module namespace."""
        source = "\n".join(self._functions)
        namespace: dict[str, Any] = dict(self._consts)
        namespace["__builtins__"] = {}
        from .._io.cache import cached_code

        code = cached_code(source, filename)
        exec(code, namespace)  # source generated from the checked tree only, never pack text
        return namespace

    @property
    def source(self) -> str:
        return "\n".join(self._functions)


# --- interpreting (explanations and missing facts) ----------------------------------------


def _leaf(t: Test, p: Any) -> Tri:
    v = getattr(p, t.fact)
    if v is None:
        return None
    if isinstance(t.value, FactRef):
        rhs = getattr(p, t.value.fact)
        if rhs is None:
            return None
        if t.value.times is not None:
            rhs = rhs * t.value.times
    else:
        rhs = t.value
    op = t.op
    if op in ("at_least", "on_or_after"):
        return bool(v >= rhs)
    if op in ("above", "after"):
        return bool(v > rhs)
    if op in ("at_most", "on_or_before"):
        return bool(v <= rhs)
    if op in ("below", "before"):
        return bool(v < rhs)
    if op == "eq":
        return bool(v == rhs)
    if op == "ne":
        return bool(v != rhs)
    if op == "in":
        return v in rhs
    if op == "not_in":
        return v not in rhs
    if op == "contains":
        return rhs in v
    if op == "contains_any":
        return not v.isdisjoint(rhs)
    if op == "contains_all":
        return bool(rhs <= v)
    if op == "contains_none":
        return bool(v.isdisjoint(rhs))
    raise ValueError(op)  # pragma: no cover


def interpret(cond: Cond, p: Any) -> Tri:
    """The reference semantics: the same answer as the compiled function, walked slowly."""
    if isinstance(cond, TrueCond):
        return True
    if isinstance(cond, Known):
        return (getattr(p, cond.fact) is not None) == cond.expected
    if isinstance(cond, Test):
        return _leaf(cond, p)
    if isinstance(cond, Not):
        inner = interpret(cond.part, p)
        return None if inner is None else not inner
    stop = isinstance(cond, AnyOf)  # any stops at True, all at False
    unknown = False
    for part in cond.parts:
        value = interpret(part, p)
        if value is stop:
            return stop
        if value is None:
            unknown = True
    return None if unknown else not stop


def deciding_missing(cond: Cond, p: Any) -> list[str]:
    """The unknown facts that leave ``cond`` undecided (empty when it is decided)."""
    if interpret(cond, p) is not None:
        return []
    out: list[str] = []

    def walk(c: Cond) -> None:
        if interpret(c, p) is not None:
            return
        if isinstance(c, Test | Known):
            for name in facts_of(c):
                if getattr(p, name) is None and name not in out:
                    out.append(name)
        elif isinstance(c, Not):
            walk(c.part)
        elif isinstance(c, All | AnyOf):
            for part in c.parts:
                walk(part)

    walk(cond)
    return out


def describe_test(t: Test | Known) -> str:
    """A short human form of a leaf, e.g. ``total_investment ≥ 200``."""
    if isinstance(t, Known):
        return f"{t.fact} is {'given' if t.expected else 'not given'}"
    value = t.value
    if isinstance(value, FactRef):
        rhs = value.fact if value.times is None else f"{value.times} × {value.fact}"
    elif isinstance(value, frozenset):
        rhs = "{" + ", ".join(sorted(_show(v) for v in value)) + "}"
    else:
        rhs = _show(value)
    return f"{t.fact} {OP_SYMBOLS.get(t.op, t.op)} {rhs}"


def _show(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
