"""Parsing and type checking: YAML conditions into checked trees, every problem located.

Owns :class:`ConditionParser` (named conditions resolved once and shared, named sets of
values, fact references) and the limits that keep one condition small enough to check,
compile and explain quickly whatever the pack says (:data:`MAX_DEPTH`, :data:`MAX_NODES`,
:data:`MAX_MESSAGE`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .._io.yaml import LocDict, LocList, Pos
from .._vocab.suggest import suggest
from ..errors import Problem
from .facts import FactType, fact_types
from .nodes import (
    ALL_OPS,
    COMBINATORS,
    DATE_OPS,
    NUMERIC_OPS,
    PERIOD_UNITS,
    SET_OPS,
    TODAY,
    All,
    AnyOf,
    Cond,
    FactRef,
    Known,
    Not,
    Period,
    Test,
    TrueCond,
    expanded_size,
)

__all__ = ["MAX_DEPTH", "MAX_MESSAGE", "MAX_NODES", "ConditionParser", "clip"]

# Limits that keep a pack's conditions small enough to check, compile and explain quickly,
# whatever the file says (each is a located pack error when exceeded).
MAX_DEPTH = 32  # levels of all/any/not, named conditions included
MAX_NODES = 5000  # tests and combinators of one condition once named conditions are expanded


# The longest period date arithmetic may add, per unit: a century, as a deadline's periods.
MAX_PERIOD = {"days": 36_600, "working_days": 25_000, "months": 1_200, "years": 100}
_TODAY_TYPE = FactType("date")

MAX_MESSAGE = 1000  # characters of one problem message; a quoted value never floods a log


def clip(message: str) -> str:
    """``message`` cut to :data:`MAX_MESSAGE` characters (the cut marked with …)."""
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


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
        if key not in self.types and key != TODAY:
            hint = suggest(key, [*self.types, *COMBINATORS, TODAY])
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
            hint = suggest(name, self.definitions)
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

    def _type(self, fact: str) -> FactType:
        return _TODAY_TYPE if fact == TODAY else self.types[fact]

    def _parse_test(self, fact: str, value: Any, kpos: Pos, vpos: Pos) -> Cond:
        ftype = self._type(fact)
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
        if ftype.kind == "dates":
            self.problem(
                vpos, "bad-operator", f"{fact!r} is a list of dates: test it with known only"
            )
            return TrueCond()
        return self._operator(fact, ftype, "eq", value, vpos, vpos)

    def _operator(
        self, fact: str, ftype: FactType, op: str, arg: Any, opos: Pos, apos: Pos
    ) -> Cond:
        if op == "known":
            if fact == TODAY:
                self.problem(opos, "bad-operator", "'today' is always known; test a date fact")
                return TrueCond()
            if not isinstance(arg, bool):
                self.problem(apos, "bad-value", "'known' takes true or false")
                return TrueCond()
            return Known(fact, arg, opos)
        allowed = self._ops_for(ftype)
        if op not in ALL_OPS:
            self.problem(
                opos,
                "unknown-operator",
                f"no operator {op!r}{suggest(op, ALL_OPS)} (for {fact!r}: {', '.join(allowed)})",
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
                    f"no named set {arg!r}{suggest(arg, self.sets)} (pack.yaml sets: {known})",
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
        if ftype.kind == "date" and arg == TODAY:
            return Test(fact, op, FactRef(TODAY), opos)
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
        if ftype.kind == "dates":
            return ("known",)  # a deadline reads the dates; a condition asks only if known
        if ftype.kind == "bool":
            return ("eq", "ne", "known")
        return ("eq", "ne", "in", "not_in", "known")

    def _fact_ref(
        self, fact: str, ftype: FactType, arg: Mapping[str, Any], pos: Pos
    ) -> FactRef | None:
        other = arg.get("fact")
        extra = set(arg) - {"fact", "times", "plus"}
        if extra:
            self.problem(
                pos,
                "bad-value",
                "a fact reference takes 'fact' and 'times' (numbers) or 'plus' (dates), "
                f"not {sorted(map(str, extra))}",
            )
            return None
        if not isinstance(other, str) or (other not in self.types and other != TODAY):
            self.problem(
                pos,
                "unknown-fact",
                f"no fact {other!r} in the project model{suggest(other, [*self.types, TODAY])}",
            )
            return None
        otype = self._type(other)
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
        plus = None
        if "plus" in arg:
            if ftype.kind != "date":
                self.problem(pos, "bad-value", "'plus' adds a period to a date only")
                return None
            plus = self._period(arg["plus"], pos)
            if plus is None:
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
        return FactRef(str(other), times, plus)

    def _period(self, raw: Any, pos: Pos) -> Period | None:
        """``{years: 2}``: one unit of PERIOD_UNITS and a whole number from 1 to its bound."""
        if isinstance(raw, LocDict):
            pos = raw.start
        units = list(raw) if isinstance(raw, Mapping) else []
        if len(units) != 1 or units[0] not in PERIOD_UNITS:
            hint = suggest(units[0], PERIOD_UNITS) if len(units) == 1 else ""
            self.problem(
                pos,
                "bad-period",
                f"'plus' takes one period such as {{years: 2}}{hint} "
                f"(units: {', '.join(PERIOD_UNITS)}); got {raw!r}",
            )
            return None
        unit = str(units[0])
        amount = raw[unit]
        bound = MAX_PERIOD[unit]
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= bound:
            self.problem(
                pos, "bad-period", f"{unit} is a whole number from 1 to {bound}; got {amount!r}"
            )
            return None
        return Period(amount, unit)

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
                    f"{raw!r} is not a value of {fact!r}{suggest(raw, members)} "
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
