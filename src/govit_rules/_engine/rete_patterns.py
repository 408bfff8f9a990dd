"""Condition trees as durable-rules patterns, and a project as the JSON fact they match.

Owns the encoding of a project's facts for durable-rules (:class:`Encoding`), the
translation of a condition into patterns for *true* and for *false* under the three-valued
semantics (:class:`Translator`), and the rewriting of a pattern into alternatives of a
shape durable-rules 2.0.28 accepts (:func:`alternatives`). The rulesets, the host and the
decider are :mod:`govit_rules._engine.rete`'s.

The encoding (durable-rules speaks JSON and compares int64 and strings)
----------------------------------------------------------------------
* Absent facts are absent keys. A comparison with an absent key never matches in
  durable-rules (pinned by a test), so a test on a missing fact matches neither the *true*
  nor the *false* pattern: unknown. ``known`` tests use ``$ex``/``$nex``.
* Money and percent (``Decimal``): a pack-wide scale ``S = 10**k`` is chosen so that every
  decimal literal ``L`` of the pack is an integer ``n = L*S``. A fact ``x`` is sent as two
  int64 values, ``floor(x*S)`` and ``ceil(x*S)``, clamped just beyond the largest literal.
  Then ``x >= L`` iff ``floor(x*S) >= n``, ``x > L`` iff ``ceil(x*S) > n``, ``x <= L`` iff
  ``ceil(x*S) <= n``, ``x < L`` iff ``floor(x*S) < n``, and ``x == L`` iff both equal
  ``n`` - exact for any number of decimal places in the project, with no float anywhere.
* Fact-to-fact comparisons (``{at_most: {fact: b, times: "0.10"}}``): ``times = T/D`` with
  integers ``T, D``; both facts are sent scaled by ``10**P`` (``P``: the decimal places the
  project's own amounts need), ``a`` also multiplied by ``D``, and durable-rules compares
  ``a*10**P*D`` with ``b*10**P * T`` in int64 arithmetic. An amount too precise or too
  large for int64 raises :class:`ReteEncodingError` rather than being rounded.
* Integers as integers, dates as ordinal integers, enums as their string values, strings as
  strings, booleans as JSON booleans.
* Sets: durable-rules cannot say "none of these items" on a list (see
  ``docs/engines.md``), so a set fact is sent as its size (the key that says it is known)
  plus one 0/1 field per member that some condition of the pack mentions;
  ``contains_any`` is then an ``$or`` of ``== 1`` tests, ``contains_none`` an ``$and`` of
  ``== 0`` tests, and so on.
* The evaluation date (``today``) and the last day of a period counted from a date
  (``{fact: d, plus: …}``) are the evaluation's clock's, sent as ordinal integers under
  keys of their own; a period ending past 9999-12-31 is not sent, so its test is unknown.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from .._lang.clock import Clock
from .._lang.conditions import (
    NUMERIC_OPS,
    TODAY,
    All,
    AnyOf,
    Cond,
    FactRef,
    FactType,
    Known,
    Not,
    Test,
    TrueCond,
    known_fact_types,
    tests_of,
)
from .._vocab.project import Project
from ..errors import ReteEncodingError

__all__ = [
    "MARK",
    "MAX_TESTS_PER_RULESET",
    "Encoding",
    "Expr",
    "Translator",
    "alternatives",
    "build_encoding",
]

Expr = dict[str, Any]

_INT64 = 2**63 - 1
# The JSON key of the evaluation date (``today``): no project fact is named like it.
TODAY_KEY = "govit__today"
# The JSON key every project fact carries, so that no durable rule is made only of
# negations (such a rule fires its action endlessly in durable-rules 2.0.28).
MARK = "govit__project"


# --- numbers ----------------------------------------------------------------------------------


def _places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _scaled(d: Decimal, places: int) -> Decimal:
    return d.scaleb(places)


# --- the encoder --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Encoding:
    """How the facts that a set of conditions reads are put into one JSON fact."""

    types: Mapping[str, FactType]
    facts: tuple[str, ...]  # every fact read, in a fixed order
    scale: int  # k: money literals are integers at 10**k
    bound: int  # floor/ceil values are clamped to [-bound, bound]
    members: Mapping[str, tuple[Any, ...]]  # set fact -> members some condition mentions
    refs: Mapping[str, tuple[int, ...]]  # numeric fact -> multipliers D it is compared with
    max_times: int  # the largest multiplier T on a referenced fact
    # Dates the evaluation supplies, as keys of the fact: ``today`` and the last days of
    # periods counted from a date (``{fact: d, plus: …}``), computed by the clock.
    derived: Mapping[str, FactRef] = dataclasses.field(default_factory=dict)

    def kind(self, fact: str) -> str:
        return "date" if fact == TODAY else self.types[fact].kind

    def key(self, fact: str) -> str:
        """The JSON key a fact (or ``today``) is matched under."""
        return TODAY_KEY if fact == TODAY else fact

    def ref_key(self, ref: FactRef) -> str:
        """The JSON key of the right-hand side of a comparison with another date."""
        if ref.plus is None:
            return self.key(ref.fact)
        for key, known in self.derived.items():
            if known == ref:
                return key
        raise KeyError(ref)  # pragma: no cover - build_encoding registers every reference

    def member_key(self, fact: str, member: Any) -> str:
        return f"{fact}__m{self.members[fact].index(member)}"

    def encode(self, p: Project, sid: str, clock: Clock) -> dict[str, Any]:
        out: dict[str, Any] = {"sid": sid, MARK: 1}
        for key, ref in self.derived.items():
            base = clock.today if ref.fact == TODAY else getattr(p, ref.fact)
            if base is not None and ref.plus is not None:
                base = clock.plus(base, ref.plus)
            if base is not None:  # absent: a comparison with it is unknown
                out[key] = base.toordinal()
        ref_values: dict[str, Decimal] = {}
        for fact in self.facts:
            v = getattr(p, fact)
            if v is None:
                continue
            kind = self.types[fact].kind
            if kind == "number":
                x = _scaled(Decimal(v), self.scale)
                out[fact] = 1
                out[f"{fact}__lo"] = max(-self.bound, min(self.bound, math.floor(x)))
                out[f"{fact}__hi"] = max(-self.bound, min(self.bound, math.ceil(x)))
            elif kind == "integer":
                out[fact] = _int64(int(v), fact)
            elif kind == "bool":
                out[fact] = bool(v)
            elif kind == "date":
                out[fact] = v.toordinal()
            elif kind == "enum":
                out[fact] = v.value
            elif kind == "set":
                out[fact] = len(v)
                for i, member in enumerate(self.members.get(fact, ())):
                    out[f"{fact}__m{i}"] = 1 if member in v else 0
            else:
                out[fact] = str(v)
            if fact in self.refs:
                ref_values[fact] = Decimal(v)
        if ref_values:
            # One project-wide scale: a fact-to-fact comparison is invariant under it.
            places = max(_places(v) for v in ref_values.values())
            for fact, value in ref_values.items():
                base = _scaled(value, places)
                if base != base.to_integral_value():  # pragma: no cover - places covers it
                    raise ReteEncodingError(f"{fact}={value} is not exact at 10**{places}")
                for mult in self.refs[fact]:
                    scaled = int(base) * mult
                    # The other side is multiplied by up to max_times inside durable-rules.
                    if abs(scaled) * max(1, self.max_times) > _INT64:
                        raise ReteEncodingError(
                            f"{fact}={value} needs {places} decimal places; scaled it exceeds "
                            "durable-rules' 64-bit integers (the compiled engine has no limit)"
                        )
                    out[f"{fact}__x{mult}"] = scaled
        return out


def _int64(v: int, fact: str) -> int:
    if abs(v) > _INT64:
        raise ReteEncodingError(f"{fact}={v} exceeds durable-rules' 64-bit integers")
    return v


def _literal_places(conds: Iterable[Cond], types: Mapping[str, FactType]) -> int:
    places = 0
    for cond in conds:
        for t in tests_of(cond):
            if t.fact == TODAY or types[t.fact].kind != "number" or isinstance(t.value, FactRef):
                continue
            values = t.value if isinstance(t.value, frozenset) else (t.value,)
            for v in values:
                places = max(places, _places(Decimal(v)))
    return places


def build_encoding(conds: Sequence[Cond]) -> Encoding:
    types = known_fact_types()
    facts: list[str] = []
    members: dict[str, list[Any]] = {}
    refs: dict[str, set[int]] = {}
    derived: dict[str, FactRef] = {}
    max_times = 1
    scale = _literal_places(conds, types)
    biggest = 0

    def walk(c: Cond) -> None:
        nonlocal max_times, biggest
        if isinstance(c, Known):
            if c.fact not in facts:
                facts.append(c.fact)
        elif isinstance(c, Test):
            for f in (c.fact, *([c.value.fact] if isinstance(c.value, FactRef) else [])):
                if f not in facts and f != TODAY:
                    facts.append(f)
            if c.fact == TODAY:
                derived[TODAY_KEY] = FactRef(TODAY)
            ref = c.value if isinstance(c.value, FactRef) else None
            supplied = ref is not None and (ref.plus is not None or ref.fact == TODAY)
            if ref is not None and supplied and ref not in derived.values():
                key = TODAY_KEY if ref.plus is None else f"govit__plus{len(derived)}"
                derived[key] = ref
            kind = "date" if c.fact == TODAY else types[c.fact].kind
            if isinstance(c.value, FactRef):
                if kind in ("number", "integer"):
                    t, d = _ratio(c.value.times)
                    refs.setdefault(c.fact, set()).add(d)
                    refs.setdefault(c.value.fact, set()).add(1)
                    max_times = max(max_times, abs(t))
            elif kind == "set":
                lst = members.setdefault(c.fact, [])
                for m in sorted(c.value, key=str) if isinstance(c.value, frozenset) else [c.value]:
                    if m not in lst:
                        lst.append(m)
            elif kind == "number":
                values = c.value if isinstance(c.value, frozenset) else (c.value,)
                for v in values:
                    biggest = max(biggest, abs(int(_scaled(Decimal(v), scale))))
        elif isinstance(c, Not):
            walk(c.part)
        elif isinstance(c, All | AnyOf):
            for part in c.parts:
                walk(part)

    for cond in conds:
        walk(cond)
    if biggest + 1 > _INT64:
        raise ReteEncodingError("a money literal exceeds durable-rules' 64-bit integers")
    return Encoding(
        types=types,
        facts=tuple(facts),
        scale=scale,
        bound=biggest + 1,
        members={k: tuple(v) for k, v in members.items()},
        refs={k: tuple(sorted(v)) for k, v in refs.items()},
        max_times=max_times,
        derived=derived,
    )


def _ratio(times: Decimal | None) -> tuple[int, int]:
    """``times`` as integers ``(T, D)`` with ``times == T / D`` and ``D`` a power of ten."""
    if times is None:
        return 1, 1
    places = _places(times)
    return int(_scaled(times, places)), 10**places


# --- conditions to durable-rules patterns ---------------------------------------------------


def _and(parts: list[Expr]) -> Expr:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list[Expr]) -> Expr:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _every(parts: list[Expr | None]) -> Expr | None:
    """All patterns hold (``None``: one of them never can, so neither can this)."""
    if any(p is None for p in parts):
        return None
    return _and([p for p in parts if p is not None])


def _some(parts: list[Expr | None]) -> Expr | None:
    """One of the patterns holds (``None`` when none ever can)."""
    live = [p for p in parts if p is not None]
    return _or(live) if live else None


def _ex(fact: str) -> Expr:
    return {"$ex": {fact: 1}}


_NEGATE = {"$gte": "$lt", "$gt": "$lte", "$lte": "$gt", "$lt": "$gte"}
_CMP = {"at_least": "$gte", "above": "$gt", "at_most": "$lte", "below": "$lt"}
_CMP.update({"on_or_after": "$gte", "after": "$gt", "on_or_before": "$lte", "before": "$lt"})


def _cmp(op: str, key: str, value: Any) -> Expr:
    return {key: value} if op == "$eq" else {op: {key: value}}


class Translator:
    """Patterns for 'this condition is true' and 'this condition is false'.

    ``None`` stands for a pattern that can never hold (e.g. *false* of ``TrueCond``), so
    no durable rule is emitted for it.
    """

    def __init__(self, enc: Encoding) -> None:
        self.enc = enc

    def true(self, c: Cond) -> Expr | None:
        return self._tri(c)[0]

    def false(self, c: Cond) -> Expr | None:
        return self._tri(c)[1]

    def _tri(self, c: Cond) -> tuple[Expr | None, Expr | None]:
        if isinstance(c, TrueCond):
            return {MARK: 1}, None
        if isinstance(c, Known):
            given, absent = _ex(c.fact), {"$nex": {c.fact: 1}}
            return (given, absent) if c.expected else (absent, given)
        if isinstance(c, Test):
            return self._test(c)
        if isinstance(c, Not):
            t, f = self._tri(c.part)
            return f, t
        if isinstance(c, All | AnyOf):
            pairs = [self._tri(p) for p in c.parts]
            trues = [t for t, _ in pairs]
            falses = [f for _, f in pairs]
            if isinstance(c, All):
                # true when every part is true; false as soon as one part is false
                return _every(trues), _some(falses)
            # any: true as soon as one part is true; false when every part is false
            return _some(trues), _every(falses)
        raise TypeError(f"not a condition: {c!r}")  # pragma: no cover

    def _test(self, t: Test) -> tuple[Expr, Expr]:
        enc = self.enc
        kind = enc.kind(t.fact)
        op = t.op
        if isinstance(t.value, FactRef):
            ref = t.value
            left, other = enc.key(t.fact), enc.ref_key(ref)
            # Arithmetic on an absent operand is not pinned down by durable-rules: guard it.
            guard = [_ex(left), _ex(other)]
            if kind in ("number", "integer"):
                tt, d = _ratio(ref.times)
                left = f"{t.fact}__x{d}"
                right: Any = {"$mul": {"$l": {"$m": f"{ref.fact}__x1"}, "$r": tt}}
            else:
                right = {"$m": other}
            sym = _CMP.get(op) or {"eq": "$eq", "ne": "$neq"}.get(op)
            if sym is None:  # the parser admits only comparisons and eq/ne with a fact
                raise NotImplementedError(f"the Rete engine cannot compare facts with {op!r}")
            neg = _NEGATE.get(sym) or ("$neq" if sym == "$eq" else "$eq")
            return _and([*guard, _cmp(sym, left, right)]), _and([*guard, _cmp(neg, left, right)])
        # No `$ex` guard on plain tests: a comparison with an absent key never matches in
        # durable-rules (pinned by test_rete.py), so a test on a missing fact is neither
        # true nor false. Leaving the guard out keeps `$or`s of tests flat (see alternatives).
        if kind == "number":
            return self._money(t)
        if kind == "set":
            return self._set(t)
        return self._plain(t, kind)

    @staticmethod
    def _value(v: Any, kind: str) -> Any:
        if kind == "date":
            assert isinstance(v, date)
            return v.toordinal()
        if isinstance(v, Enum):
            return v.value
        return v

    def _plain(self, t: Test, kind: str) -> tuple[Expr, Expr]:
        key, op = self.enc.key(t.fact), t.op
        if op in _CMP:
            sym = _CMP[op]
            v = self._value(t.value, kind)
            return _cmp(sym, key, v), _cmp(_NEGATE[sym], key, v)
        values = (
            sorted((self._value(v, kind) for v in t.value), key=repr)
            if op in ("in", "not_in")
            else [self._value(t.value, kind)]
        )
        eq = _or([{key: v} for v in values])
        ne = _and([{"$neq": {key: v}} for v in values])
        return (eq, ne) if op in ("eq", "in") else (ne, eq)

    def _money(self, t: Test) -> tuple[Expr, Expr]:
        lo, hi = f"{t.fact}__lo", f"{t.fact}__hi"
        op = t.op
        if op in NUMERIC_OPS:
            n = int(_scaled(Decimal(t.value), self.enc.scale))
            # floor decides >= and <, ceiling decides > and <= (see the module docstring).
            key = lo if op in ("at_least", "below") else hi
            sym = _CMP[op]
            return {sym: {key: n}}, {_NEGATE[sym]: {key: n}}
        raw = sorted(t.value) if op in ("in", "not_in") else [t.value]
        ns = [int(_scaled(Decimal(v), self.enc.scale)) for v in raw]
        # x == n iff floor(x*S) >= n and ceil(x*S) <= n; x != n iff floor < n or ceil > n.
        eq = _or([_and([{"$gte": {lo: n}}, {"$lte": {hi: n}}]) for n in ns])
        ne = _and([_or([{"$lt": {lo: n}}, {"$gt": {hi: n}}]) for n in ns])
        return (eq, ne) if op in ("eq", "in") else (ne, eq)

    def _set(self, t: Test) -> tuple[Expr, Expr]:
        members = sorted(t.value, key=str) if isinstance(t.value, frozenset) else [t.value]
        # The member fields exist only when the set is given, so no guard is needed.
        has = [{self.enc.member_key(t.fact, m): 1} for m in members]
        lacks = [{self.enc.member_key(t.fact, m): 0} for m in members]
        op = t.op
        if op in ("contains", "contains_any"):
            return _or(has), _and(lacks)
        if op == "contains_all":
            return _and(has), _or(lacks)
        if op == "contains_none":
            return _and(lacks), _or(has)
        raise ValueError(op)  # pragma: no cover - the parser admits no other set operator


# --- shapes durable-rules accepts -----------------------------------------------------------

# durable-rules 2.0.28 compiles the `$and`s and `$or`s of a pattern into one expression
# sequence of at most 32 entries, two per combinator (error 113 beyond it); plain tests are
# alpha nodes and do not count. Registering a flat `$or` of some 550 tests hangs. So every
# pattern is rewritten, by distributing `$and` over `$or` (logically equivalent), into
# alternatives that are an `$and` of tests and of at most _MAX_ORS `$or`s of at most
# _OR_WIDTH tests, each alternative its own durable rule.
_OR_WIDTH = 16
_MAX_ORS = 12
_MAX_ALTERNATIVES = 512
# durable-rules walks the alpha network with a stack of 64 pending nodes (error 303 beyond,
# and the session then cannot be deleted without crashing); a ruleset with at most this
# many tests can never need more, so conditions are spread over rulesets of this size.
MAX_TESTS_PER_RULESET = 56


def _is_leaf(e: Expr) -> bool:
    return not ("$and" in e or "$or" in e)


def alternatives(expr: Expr, where: str) -> list[list[Expr]]:
    """``expr`` as a disjunction of conjunctions of tests and of `$or`s of tests."""
    out: list[list[Expr]] = []
    seen: set[str] = set()
    for conj in _dnf(expr, where):
        for narrow in _few_ors(conj, where):
            key = json.dumps(narrow, sort_keys=True)
            if key not in seen:
                seen.add(key)
                out.append(narrow)
    return out


def _few_ors(conj: list[Expr], where: str) -> list[list[Expr]]:
    """Split a conjunction until it has at most _MAX_ORS `$or`s (each costs 2 of the 32)."""
    ors = [i for i, item in enumerate(conj) if "$or" in item]
    if len(ors) <= _MAX_ORS:
        return [conj]
    i = ors[0]
    rest = conj[:i] + conj[i + 1 :]
    out: list[list[Expr]] = []
    for leaf in conj[i]["$or"]:
        out.extend(_few_ors([*rest, leaf], where))
        if len(out) > _MAX_ALTERNATIVES:
            raise ReteEncodingError(
                f"{where} needs more than {_MAX_ALTERNATIVES} durable rules; "
                "the Rete engine cannot carry it"
            )
    return out


def _dnf(e: Expr, where: str) -> list[list[Expr]]:
    if "$and" in e:
        result: list[list[Expr]] = [[]]
        for child in e["$and"]:
            result = [r + alt for r in result for alt in _dnf(child, where)]
            if len(result) > _MAX_ALTERNATIVES:
                raise ReteEncodingError(
                    f"{where} needs more than {_MAX_ALTERNATIVES} durable rules; "
                    "the Rete engine cannot carry it"
                )
        return result
    if "$or" in e:
        leaves = [c for c in e["$or"] if _is_leaf(c)]
        out = [[_or(leaves[i : i + _OR_WIDTH])] for i in range(0, len(leaves), _OR_WIDTH)]
        for child in e["$or"]:
            if not _is_leaf(child):
                out.extend(_dnf(child, where))
        return out
    return [[e]]
