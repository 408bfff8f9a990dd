"""Compiling checked condition trees into Python, once per pack.

Owns :class:`ConditionCompiler`: fact names come from the model, every literal is bound as
a constant, nothing from the pack is ever evaluated as text, and the generated source stays
shallow enough for Python's parser whatever the tree.
"""

from __future__ import annotations

from typing import Any

from .nodes import (
    DATE_OPS,
    NUMERIC_OPS,
    TODAY,
    All,
    AnyOf,
    Cond,
    FactRef,
    Known,
    Not,
    Test,
    TrueCond,
    facts_of,
)

__all__ = ["ConditionCompiler"]


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
        """Python source for a three-valued expression over ``p`` (the project) and
        ``clock`` (the evaluation's :class:`~govit_rules._lang.clock.Clock`).

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
        self._functions.append(f"def {name}(p, clock):\n    return {source}\n")
        return f"{name}(p, clock)"

    @staticmethod
    def _read(name: str) -> tuple[str, list[str]]:
        """Source reading a fact (or the evaluation date) and the guards it needs."""
        if name == TODAY:
            return "clock.today", []  # the evaluation date is always known
        return f"p.{name}", [f"p.{name} is None"]

    def _test(self, t: Test) -> str:
        fact, guards = self._read(t.fact)
        op = t.op
        if isinstance(t.value, FactRef):
            ref = t.value
            other, more = self._read(ref.fact)
            guards += more
            if ref.plus is not None:
                # The period's last day, or None past 9999-12-31: then the test is unknown.
                rhs = self._temp()
                guards.append(f"({rhs} := clock.plus({other}, {self._const(ref.plus)})) is None")
            else:
                rhs = other if ref.times is None else f"{other} * {self._const(ref.times)}"
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
        if not guards:
            return f"({body})"
        return f"(None if {' or '.join(guards)} else {body})"

    def const(self, value: Any) -> str:
        """The name a constant is bound to in the compiled module."""
        return self._const(value)

    def add_source(self, source: str) -> None:
        """Add generated source (built from checked trees only) to the module."""
        self._functions.append(source)

    def add_function(self, name: str, cond: Cond) -> None:
        """A function ``name(p, clock)`` deciding ``cond`` for a project on a clock's date."""
        self._functions.append(f"def {name}(p, clock):\n    return {self.expr(cond)}\n")

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
                # ``today`` is never missing; a test whose period would end past
                # 9999-12-31 is unknown with no fact to ask for.
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
            self._functions.append(f"def {name}(p, clock):\n    return []\n")
            return
        lines = [f"def {name}(p, clock):", "    out = []"]
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
