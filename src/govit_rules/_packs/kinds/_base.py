"""What a rule kind is: the protocol every kind module implements, and what it is handed.

A kind owns its YAML keys (required, optional, and the key of its main condition), its
preparation (checking and compiling its own keys into fields of a compiled rule), its
reference status (deciding one rule's status for one project, the way the evaluator's loop
does), its fused emission (the same decision as Python source, for the fused status
function), what it means for the outcome (its weight) and which missing facts leave its
finding open. The engines hand a kind what it needs through the small
interfaces below, so that no kind module imports an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..._io.yaml import LocDict, locate
from ..._lang.clock import Clock
from ..._lang.conditions import Cond, FactType
from ..._vocab.project import Project
from ..._vocab.verdict import DeadlineResult, Status
from ..schema import RuleSpec

if TYPE_CHECKING:
    from ..compiled import CompiledRule

__all__ = [
    "COMMON_KEYS",
    "Emitter",
    "Entry",
    "Preparing",
    "RuleKind",
    "StatusRun",
    "Tri",
    "undecided",
]

S = Status
Tri = bool | None

# Keys every rule may have, whatever its kind.
COMMON_KEYS = frozenset(
    {
        "id",
        "kind",
        "cite",
        "also_cite",
        "title",
        "message",
        "interpretation",
        "despite_scope",
        "alternative",
    }
)

# One evaluated rule: (rule, status, when, main, unless, extra). ``extra`` is the list of
# lacking documents for a documents rule and the DeadlineResult for a deadline rule; for a
# deadline ``main`` says whether an unknown status counts against the outcome.
Entry = tuple["CompiledRule", Status, Any, Any, Any, Any]


@dataclass(frozen=True)
class Preparing:
    """One rule being prepared: what its kind's preparation reads, and where it reports."""

    path: Path
    raw: LocDict
    spec: RuleSpec
    types: Mapping[str, FactType]
    authorities: Mapping[str, Any]
    documents: Mapping[str, Any]
    routes: Mapping[str, Any]
    report: Callable[[tuple[int, int], str, str], None]

    def at(self, *loc: Any) -> tuple[int, int]:
        """The position of ``loc`` (keys and indexes) inside the rule."""
        return locate(self.raw, loc)


class StatusRun(Protocol):
    """What a kind's reference status reads of one evaluation, and what it adds to it."""

    @property
    def p(self) -> Project: ...

    @property
    def as_of(self) -> date: ...

    def main(self, rule: CompiledRule) -> Tri:
        """The rule's main condition for the project (three-valued)."""
        ...

    def unless(self, rule: CompiledRule) -> Tri:
        """The rule's exception for the project (False when it has none)."""
        ...

    def add_route(self, rule: CompiledRule) -> None:
        """Record the route a route rule prescribes."""
        ...

    def add_deadline(
        self, rule: CompiledRule, w: Tri, not_due: bool
    ) -> tuple[DeadlineResult, bool]:
        """Compute and record a deadline; whether an unknown status counts."""
        ...


class Emitter(Protocol):
    """Where a kind writes its part of the fused status function.

    The generated function's locals are the contract: ``p`` (the project), ``ctx`` (the
    evaluation), ``w`` (the rule's ``when``, never False here), ``sub`` (the submitted
    documents), ``add`` (append an :data:`Entry`), ``routes``, ``deadlines`` and the flags
    ``prohibited``, ``violated`` and ``unknown``; the constants ``_SAT``, ``_VIO``,
    ``_REQ``, ``_UNK``, ``_MISSED``, ``_EARLY`` are statuses and ``_route``,
    ``_deadline``, ``_lacking`` the evaluator's helpers.
    """

    def line(self, indent: int, text: str) -> None: ...

    def expr(self, cond: Cond) -> str:
        """Python source deciding ``cond`` for ``p`` (three-valued)."""
        ...

    def const(self, value: Any) -> str:
        """The name of a constant bound once in the generated module."""
        ...


def undecided(rule: CompiledRule, p: Project, entry: Entry, clock: Clock) -> list[str]:
    """The missing facts that would decide an unknown rule (a duty not yet due needs none)."""
    _rule, st, w, m, u, _extra = entry
    if st is not S.unknown:
        return []
    out: list[str] = rule.when_missing(p, clock) if w is None else []
    for value, fn in ((m, rule.main_missing), (u, rule.unless_missing)):
        if value is None and fn is not None:
            for f in fn(p, clock):
                if f not in out:
                    out.append(f)
    return out


class RuleKind:
    """A rule kind; each kind module defines one subclass and one instance of it.

    ``checked`` kinds are those the status loop decides (not scope or exemption), and
    only they may be lifted by an exemption.
    """

    name: str = ""
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    main_key: str | None = None  # the key of the main condition (None: only ``when``)
    computed: tuple[str, ...] = ()  # values a message may show besides the project's facts
    checked: bool = True
    # Keys of which a rule has exactly one: an alternative reading naming one drops the rest.
    exclusive: tuple[str, ...] = ()
    # Whether the rule is reported as a finding (a deadline is reported as its result).
    finding: bool = True

    def __repr__(self) -> str:
        return f"<rule kind {self.name}>"

    def __reduce__(self) -> str:
        # One object per kind, also across pickling and copying: engines compare by identity.
        return self.name.upper()

    def prepare(self, prep: Preparing) -> dict[str, Any]:
        """Check the kind's own keys; the compiled rule's fields they give."""
        return {}

    def weight(self, status: Status, counts: Any) -> int:
        """What a status means for the outcome: 3 prohibited, 2 violated, 1 unknown, 0."""
        if status is S.violated:
            return 2
        return 1 if status is S.unknown else 0

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        """The facts whose absence leaves the rule's finding open, as the verdict lists them."""
        return undecided(entry[0], p, entry, clock)

    def message_values(self, extra: Any) -> Mapping[str, Any] | None:
        """Values the rule's message shows besides the facts (its ``computed`` names)."""
        return None

    def status(self, rule: CompiledRule, w: Tri, not_due: bool, run: StatusRun) -> Entry:
        """The rule's entry, its ``when`` being true or unknown (the reference loop)."""
        raise AssertionError(f"a {self.name} rule has no status of its own")

    def emit(self, rule: CompiledRule, r: str, indent: int, due: str, out: Emitter) -> None:
        """The source of :meth:`status` for ``rule`` (bound as ``r``); ``due`` is the
        expression that the project is before the rule's stage."""
        raise AssertionError(f"a {self.name} rule has no status of its own")
