"""The second engine: the same checked condition trees, matched by durable-rules (Rete).

Owns the durable-rules rulesets that decide a pack's condition trees, the private
durable-rules host and its lock, the Rete decider and :func:`evaluate_rete`, which returns
the same :class:`~govit_rules.Verdict` as the compiled engine.

What is independent and what is shared
--------------------------------------
Every condition a rule has (``when``, the main condition, ``unless``) is decided by
durable-rules: for each condition, durable rules are emitted whose patterns hold exactly
when the condition is *true* under the three-valued (Kleene) semantics, and others for
*false*; when none fires the condition is *unknown*. Neither the compiled functions nor
:func:`~govit_rules._lang.conditions.interpret` are called to decide a condition (an absent
``when`` is the one constant: true by definition). The statuses, deadlines, outcome and
verdict assembly are the evaluator's own (``evaluate_pack``), which asks a
:class:`ReteDecider` holding the values durable-rules decided for the project. So a bug in
condition compilation or matching shows up as a difference between the engines; a bug in
status assembly or deadline arithmetic would show up in both (the pack tests catch those).

Living within durable-rules 2.0.28 (each limit measured here, see ``docs/engines.md``):
patterns are rewritten (logically equivalently) into alternatives of a shape its compiler
accepts; a pack's rules are spread over several rulesets so that matching never needs more
than its 64-entry alpha stack; every ruleset has a rule matching every project, because
deleting the session of an unmatched fact crashes the engine; every session is deleted
after use.

The JSON encoding of a project and the translation of conditions into patterns are in
:mod:`govit_rules._engine.rete_patterns`.

Threading: durable-rules has one C engine whose host is not documented as thread-safe. This
module keeps a private host (a subclass that does not start durable-rules' two background
timer threads, which only serve timers and asynchronous actions, neither used here) and a
single lock around registering rulesets and around each evaluation's matching. Concurrent
callers are correct and serialised: the Rete engine gets no speed-up from threads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

from .._lang.clock import Clock
from .._lang.conditions import (
    Cond,
    TrueCond,
)
from .._packs.compiled import CompiledPack, CompiledRule
from .._vocab.project import Project
from .._vocab.verdict import Verdict
from ..errors import ReteEncodingError, ReteUnavailableError
from .decider import COMPILED
from .evaluate import evaluate_pack, validate_project
from .rete_patterns import (
    MARK,
    MAX_TESTS_PER_RULESET,
    Expr,
    Translator,
    alternatives,
    build_encoding,
)

__all__ = [
    "ConditionProgram",
    "ReteEncodingError",
    "ReteUnavailableError",
    "compile_conditions",
    "evaluate_rete",
    "rete_available",
    "rete_program",
]

Tri = bool | None

_INSTALL_HINT = (
    "the Rete engine needs durable-rules: install govit-rules[rete]; "
    "durable-rules does not support Python 3.13"
)


def _durable_engine() -> Any:
    try:
        from durable import engine  # type: ignore[import-untyped]
    except Exception as exc:  # ImportError, or the undefined C symbol on Python 3.13
        raise ReteUnavailableError(f"{_INSTALL_HINT} ({type(exc).__name__}: {exc})") from None
    return engine


def rete_available() -> bool:
    """True when durable-rules can be imported here."""
    try:
        _durable_engine()
    except ReteUnavailableError:
        return False
    return True


# --- the private host ------------------------------------------------------------------------

_LOCK = threading.RLock()
_HOST: Any = None
_NAMES = itertools.count(1)
_SIDS = itertools.count(1)


def _host() -> Any:
    """The module's own durable-rules host, created once (call with ``_LOCK`` held).

    Not ``durable.lang``'s global host: other code in the process may use that one, and
    ruleset names there are global. This host does not start durable-rules' dispatch timer
    threads, which would call into the C engine outside our lock; every action here is
    synchronous and no timers are used, so nothing is left for them to dispatch.
    """
    global _HOST
    if _HOST is None:
        engine = _durable_engine()

        class _QuietHost(engine.Host):  # type: ignore[misc, name-defined]
            def _run(self) -> None:
                return None

        _HOST = _QuietHost()
    return _HOST


# --- a compiled ruleset -------------------------------------------------------------------


class ConditionProgram:
    """durable-rules rulesets that decide a fixed list of conditions for any project."""

    def __init__(self, conds: Sequence[Cond], label: str) -> None:
        self.size = len(conds)
        self.encoding = build_encoding(conds)
        tr = Translator(self.encoding)
        digest = hashlib.sha256(repr(tuple(conds)).encode()).hexdigest()[:12]
        self._constant: dict[int, Tri] = {}
        # Findings of the evaluation in progress; only touched with _LOCK held.
        self._found: dict[int, bool] = {}
        self._clash: list[int] = []
        self._seen_count = 0
        chunks: list[dict[str, Any]] = []
        current: dict[str, Any] = {}
        load = 0
        for i, cond in enumerate(conds):
            if isinstance(cond, TrueCond):
                # Nothing to match: an absent `when` is true by definition, not by a test.
                self._constant[i] = True
                continue
            rules: dict[str, Any] = {}  # this condition's durable rules
            for value, expr in ((True, tr.true(cond)), (False, tr.false(cond))):
                if expr is None:
                    continue
                # One durable rule per alternative (see alternatives); they all post the
                # same (condition, value), so extra firings are harmless.
                for k, items in enumerate(alternatives(expr, f"{label} condition {i}")):
                    rules[f"c{i}_{'t' if value else 'f'}{k}"] = {
                        "all": [{"m": {"$and": [{MARK: 1}, *items]}}],
                        "run": self._action(i, value),
                    }
            for key, rule in rules.items():
                cost = _tests(rule["all"][0]["m"])
                if current and load + cost > MAX_TESTS_PER_RULESET:
                    chunks.append(current)
                    current, load = {}, 0
                current[key] = rule
                load += cost
        if current or not chunks:
            chunks.append(current)
        for chunk in chunks:
            # A rule that matches every project. Without it, a project that matches nothing
            # is "not handled", and delete_state on that session then crashes durable-rules
            # 2.0.28 (free(): invalid pointer). It also proves the project was matched.
            chunk["seen"] = {"all": [{"m": {MARK: 1}}], "run": self._seen}
        self.definition_size = sum(len(c) for c in chunks)
        # The patterns, kept for explaining and debugging (the actions are not JSON).
        self.patterns = {f"{n}:{k}": v["all"] for n, c in enumerate(chunks) for k, v in c.items()}
        # Each ruleset is sent only the keys its patterns read: durable-rules hands every
        # firing action the whole matched fact as JSON, so smaller facts fire faster.
        self._keys = tuple(
            frozenset(k for r in c.values() for k in _keys_of(r["all"][0]["m"])) for c in chunks
        )
        with _LOCK:
            self.name = f"govit_{_safe(label)}_{digest}_{next(_NAMES)}"
            self.rulesets = tuple(f"{self.name}_{n}" for n in range(len(chunks)))
            host = _host()
            for name, chunk in zip(self.rulesets, chunks, strict=True):
                host.register_rulesets({name: chunk})

    def _seen(self, c: Any) -> None:
        self._seen_count += 1

    def _action(self, index: int, value: bool) -> Callable[[Any], None]:
        def act(c: Any) -> None:
            # An `$or` with two true branches runs the action twice: record, do not count.
            prior = self._found.setdefault(index, value)
            if prior is not value:
                self._clash.append(index)

        return act

    def decide(self, project: Project, clock: Clock) -> list[Tri]:
        """The three-valued value of every condition, as durable-rules matches them on the
        clock's date."""
        values: list[Tri] = [None] * self.size
        for i, v in self._constant.items():
            values[i] = v
        exceptions: list[str] = []
        with _LOCK:
            host = _host()
            sid = f"s{next(_SIDS)}"
            fact = self.encoding.encode(project, sid, clock)
            self._found, self._clash, self._seen_count = {}, [], 0
            for name, keys in zip(self.rulesets, self._keys, strict=True):
                part = {k: v for k, v in fact.items() if k in keys}
                part["sid"], part[MARK] = sid, 1
                try:
                    host.assert_fact(name, part)
                    state = host.get_state(name, sid)
                finally:
                    # Leave nothing behind: a ruleset holds at most 1,024 live sessions.
                    host.delete_state(name, sid)
                if state.get("exception"):
                    exceptions.append(str(state["exception"]))
            found, clash, seen = self._found, self._clash, self._seen_count
            self._found, self._clash = {}, []
        if seen != len(self.rulesets):  # pragma: no cover - the sentinel matches every project
            raise RuntimeError("durable-rules did not match the project against every ruleset")
        if exceptions:
            # durable-rules swallows exceptions raised inside actions; surface them.
            raise RuntimeError(f"durable-rules action failed: {exceptions[0]}")
        if clash:
            raise AssertionError(f"conditions {sorted(set(clash))} matched both true and false")
        for i, v in found.items():
            values[i] = v
        return values


def _keys_of(e: Any) -> Iterator[str]:
    """Every fact key a pattern reads (left-hand keys and ``$m`` references)."""
    if isinstance(e, list):
        for x in e:
            yield from _keys_of(x)
    elif isinstance(e, dict):
        for k, v in e.items():
            if k == "$m":
                yield v
            elif k in ("$and", "$or") or k.startswith("$"):
                yield from _keys_of(v)
            else:
                yield k
                yield from _keys_of(v)


def _tests(e: Expr) -> int:
    """How many alpha tests a pattern has."""
    if "$and" in e:
        return sum(_tests(x) for x in e["$and"])
    if "$or" in e:
        return sum(_tests(x) for x in e["$or"])
    return 1


def _safe(label: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in label)[:40]


def compile_conditions(conds: Sequence[Cond], label: str = "conds") -> ConditionProgram:
    """A ruleset deciding ``conds``; registered once in the private host (never removed)."""
    _durable_engine()
    return ConditionProgram(conds, label)


# --- packs --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _PackProgram:
    program: ConditionProgram
    # Per rule id: the indexes of its when, main and unless among the program's conditions.
    slots: Mapping[str, tuple[int, int, int | None]]


class ReteDecider:
    """The conditions durable-rules decided for one project (a :class:`Decider`).

    Made for each evaluation, so concurrent evaluations never share values. A rule the
    program does not hold (an alternative reading) is decided by its compiled functions.
    """

    compiled = False

    def __init__(
        self, program: ConditionProgram, slots: Mapping[str, tuple[int, int, int | None]]
    ) -> None:
        self.program = program
        self.slots = slots
        self._values: Sequence[Tri] | None = None

    def _decided(self, p: Project, clock: Clock) -> Sequence[Tri]:
        # Matched once, on the first question: with the evaluation's own clock, so that
        # today and the periods counted in conditions are the evaluator's.
        if self._values is None:
            self._values = self.program.decide(p, clock)
        return self._values

    def when(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        slot = self.slots.get(rule.id)
        return COMPILED.when(rule, p, clock) if slot is None else self._decided(p, clock)[slot[0]]

    def main(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        slot = self.slots.get(rule.id)
        return COMPILED.main(rule, p, clock) if slot is None else self._decided(p, clock)[slot[1]]

    def unless(self, rule: CompiledRule, p: Project, clock: Clock) -> Tri:
        slot = self.slots.get(rule.id)
        if slot is None:
            return COMPILED.unless(rule, p, clock)
        return False if slot[2] is None else self._decided(p, clock)[slot[2]]


_PROGRAMS: dict[tuple[str, str, str], _PackProgram] = {}


def rete_program(pack: CompiledPack) -> _PackProgram:
    """The durable-rules program of a pack, built once per pack content and cached.

    Keyed by pack id, version and content hash: loading the same files again reuses the
    rulesets, so memory grows with distinct pack contents, not with loads (durable-rules
    cannot unregister a ruleset).
    """
    key = (pack.id, pack.version, pack.content_hash)
    with _LOCK:
        found = _PROGRAMS.get(key)
        if found is None:
            conds: list[Cond] = []
            slots: dict[str, tuple[int, int, int | None]] = {}
            for rule in pack.rules:
                w = len(conds)
                conds.append(rule.when)
                conds.append(rule.main)
                u = None
                if rule.unless is not None:
                    u = len(conds)
                    conds.append(rule.unless)
                slots[rule.id] = (w, w + 1, u)
            found = _PackProgram(
                compile_conditions(conds, f"{pack.id}_{pack.content_hash}"),
                MappingProxyType(slots),
            )
            _PROGRAMS[key] = found
    return found


def evaluate_rete(
    pack: CompiledPack,
    project: Project | Mapping[str, Any] | str | bytes,
    as_of: date | None = None,
) -> Verdict:
    """The verdict of ``pack`` for ``project``, its conditions matched by durable-rules.

    The condition values come from durable-rules, plugged into the shared evaluator as
    its decider; statuses, deadlines and the outcome are the evaluator's. Raises
    :class:`ReteUnavailableError` when durable-rules is missing (Python 3.13).
    """
    _durable_engine()
    p = validate_project(project, pack.project_model)
    on = as_of or date.today()
    prog = rete_program(pack)
    decider = ReteDecider(prog.program, prog.slots)
    return evaluate_pack(pack, p, on, decider=decider)
