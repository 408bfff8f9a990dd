"""Rule statuses and the overall outcome, for a whole column of projects at once.

Owns the columnar form of each rule kind's reference status (``_packs.kinds``), kind by
kind, in the same order of precedence (read the two side by side), dispatched through the
same kind table. Each rule's status is first a
small integer code, turned into its ``Status`` text once at the end. A code also carries
what the status means for the outcome, its *weight*: 3 for a prohibition violated, 2 for
a duty violated or a deadline missed, 1 for an unknown that counts (the engine's
``counted_unknown``), 0 otherwise (an unknown deadline without a completion fact does
not count). ``code = weight * 16 + status``, so the outcome is the largest code of a row,
divided by 16: one pass over the codes instead of three scans of every rule.

Exemptions (``_engine.status.exemptions`` and ``defended``): an exemption that holds lifts
the rules it lists (they are not applicable); one that is unknown turns a ``violated``
status of a listed rule into an unknown that counts. Rules marked ``despite_scope`` are
reached even when the scope excludes the project, and so are the exemptions then; their
breaches alone decide such a project's outcome.

Inputs are Boolean columns for each rule's ``when``/main/``unless`` conditions (null:
unknown), the stage rank, and the deadline dates of ``deadlines.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

import polars as pl

from .._lang.conditions import Test
from .._packs.compiled import CompiledPack, CompiledRule
from .._packs.kinds import KINDS, RuleKind
from .._packs.kinds.deadline import DEADLINE
from .._packs.kinds.documents import DOCUMENTS
from .._packs.kinds.exemption import EXEMPTION
from .._packs.kinds.obligation import OBLIGATION
from .._packs.kinds.prohibition import PROHIBITION
from .._packs.kinds.route import ROUTE
from .._vocab.project import Stage
from .._vocab.verdict import Outcome, Status
from .deadlines import yearly_column
from .exprs import LeafCache

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedWhen, When

__all__ = ["NOT_REACHED", "STATUS_TEXT", "RuleColumns", "StatusBuilder", "code_column"]

S = Status
_INDEX = {s: i for i, s in enumerate(Status)}
_WEIGHT = 16
# The text of every code: the status, whatever its weight.
STATUS_TEXT = [
    list(Status)[i % _WEIGHT].value if i % _WEIGHT < len(Status) else None
    for i in range(4 * _WEIGHT)
]
# The code of a rule the engine did not reach (out of scope): its text is null. Codes are
# never null, which keeps the row maximum on Polars' fast path.
NOT_REACHED = _WEIGHT - 1
# The outcome of a row whose largest weight is 0, 1, 2 or 3 (in scope, in force).
_OUTCOMES = [
    Outcome.compliant.value,
    Outcome.needs_information.value,
    Outcome.non_compliant.value,
    Outcome.prohibited.value,
]
_RANK = "__rank"
# The last calendar day; a period ending after it has no date (the engine says unknown).
LAST_DAY = date(9999, 12, 31)


def code_column(rule_id: str) -> str:
    """The name of the column holding a rule's status code."""
    return f"__code:{rule_id}"


def _c(status: Status, weight: int = 0) -> pl.Expr:
    return pl.lit(weight * _WEIGHT + _INDEX[status], dtype=pl.UInt8)


def _true(e: pl.Expr) -> pl.Expr:
    return e.fill_null(False)


def _false(e: pl.Expr) -> pl.Expr:
    return (~e).fill_null(False)


@dataclass(frozen=True)
class RuleColumns:
    """The names of the condition columns of one rule."""

    when: pl.Expr
    main: pl.Expr
    unless: pl.Expr | None


def stage_rank() -> pl.Expr:
    """The stage's rank (null when the stage is unknown)."""
    ranks = {s.value: s.rank for s in Stage}
    return pl.col("stage").replace_strict(ranks, default=None, return_dtype=pl.Int16).alias(_RANK)


class StatusBuilder:
    """Builds, for one pack, the code of every rule's status and the outcome."""

    def __init__(
        self, pack: CompiledPack, cols: dict[str, RuleColumns], as_of: date, leaves: LeafCache
    ) -> None:
        self.pack = pack
        self.leaves = leaves
        self.cols = cols
        self.as_of = as_of

    @cached_property
    def _lifting(self) -> dict[str, list[CompiledRule]]:
        """For every rule an exemption lists, the exemptions listing it (in pack order)."""
        out: dict[str, list[CompiledRule]] = {}
        for rule in self.pack.exemption_rules:
            for target in rule.exempts:
                out.setdefault(target, []).append(rule)
        return out

    def _holds(self, rule: CompiledRule) -> pl.Expr:
        c = self.cols[rule.id]
        return _true(c.when) & _true(c.main)

    def _lifts_nothing(self, rule: CompiledRule) -> pl.Expr:
        c = self.cols[rule.id]
        return _false(c.when) | _false(c.main)

    def exempted(self, rule: CompiledRule) -> pl.Expr | None:
        """True where an exemption that holds lifts ``rule`` (None: no exemption lists it)."""
        lifting = self._lifting.get(rule.id)
        if not lifting:
            return None
        return pl.any_horizontal([self._holds(e) for e in lifting])

    def uncertain(self, rule: CompiledRule) -> pl.Expr | None:
        """True where an exemption listing ``rule`` is unknown and none lifts it."""
        lifting = self._lifting.get(rule.id)
        if not lifting:
            return None
        unknown = [~self._lifts_nothing(e) & ~self._holds(e) for e in lifting]
        held = self.exempted(rule)
        assert held is not None
        return pl.any_horizontal(unknown) & ~held

    def _gated(self, rule: CompiledRule, first: pl.Expr) -> When | ChainedWhen:
        """A status chain starting where the engine does not reach the rule (out of scope).

        Rules carried back in outside the scope are always reached, and so are the
        exemptions of a pack that carries any.
        """
        if rule.despite_scope or (rule.kind_def is EXEMPTION and self.pack.carried_rules):
            return pl.when(first)
        return (
            pl.when(pl.col("__scope_false")).then(pl.lit(NOT_REACHED, dtype=pl.UInt8)).when(first)
        )

    def _violated(self, rule: CompiledRule, weight: int) -> pl.Expr:
        """A breach, unless an unknown exemption may lift the rule (then an unknown)."""
        uncertain = self.uncertain(rule)
        if uncertain is None:
            return _c(S.violated, weight)
        return pl.when(uncertain).then(_c(S.unknown, 1)).otherwise(_c(S.violated, weight))

    def scope_false(self) -> pl.Expr:
        parts = [_false(self.cols[r.id].main) for r in self.pack.scope_rules]
        return pl.any_horizontal(parts) if parts else pl.lit(False)

    def scope_codes(self) -> list[pl.Expr]:
        out = []
        for rule in self.pack.scope_rules:
            m = self.cols[rule.id].main
            code = (
                pl.when(_true(m))
                .then(_c(S.satisfied))
                .when(_false(m))
                .then(_c(S.out_of_scope))
                .otherwise(_c(S.unknown, 1))
            )
            out.append(code.alias(rule.id))
        return out

    def not_due(self, rule: CompiledRule) -> pl.Expr:
        """A duty of a later stage than the project has reached (unknown stage: due)."""
        if rule.stage_rank <= 0:
            return pl.lit(False)
        return _true(pl.col(_RANK) < rule.stage_rank)

    def other_codes(self) -> list[pl.Expr]:
        """Codes of the exemptions and the other non-scope rules, in pack order of kind.

        ``NOT_REACHED`` where a scope rule excludes the project and the rule is not carried.
        """
        out = []
        for rule in self.pack.exemption_rules:
            out.append(
                self._gated(rule, self._lifts_nothing(rule))
                .then(_c(S.not_applicable))
                .when(self._holds(rule))
                .then(_c(S.exempt))
                .otherwise(_c(S.unknown))  # an unknown exemption does not count by itself
                .alias(rule.id)
            )
        for rule in self.pack.checked_rules:
            c = self.cols[rule.id]
            code = _CODES[rule.kind_def](self, rule, c)
            exempted = self.exempted(rule)
            lifted = _false(c.when) if exempted is None else exempted | _false(c.when)
            out.append(
                self._gated(rule, lifted).then(_c(S.not_applicable)).otherwise(code).alias(rule.id)
            )
        return out

    def _prohibition(self, rule: CompiledRule, c: RuleColumns) -> pl.Expr:
        u = c.unless if c.unless is not None else pl.lit(False)
        # An exception lifts the prohibition only when it is established (as in _evaluate).
        code = (
            pl.when(_false(c.main) | _true(u) | self.not_due(rule))
            .then(_c(S.satisfied))
            .when(_true(c.main) & _true(c.when))
            .then(self._violated(rule, 3))
            .otherwise(_c(S.unknown, 1))
        )
        return code

    def _obligation(self, rule: CompiledRule, c: RuleColumns) -> pl.Expr:
        code = (
            pl.when(_true(c.main))
            .then(_c(S.satisfied))
            .when(self.not_due(rule))
            .then(_c(S.required))
            .when(c.when.is_null() | c.main.is_null())
            .then(_c(S.unknown, 1))
        )
        if rule.limit is not None:
            # A duty to be met within a time limit (限期整改) is only due until the limit.
            limit = pl.col(rule.limit)
            code = (
                code.when(limit.is_null())
                .then(_c(S.unknown, 1))
                .when(pl.lit(self.as_of, dtype=pl.Date) <= limit)
                .then(_c(S.required))
            )
        return code.otherwise(self._violated(rule, 2))

    def _documents(self, rule: CompiledRule, c: RuleColumns) -> pl.Expr:
        sub = pl.col("submitted_documents")
        # One membership column per document, shared by every rule that asks for it.
        # A choice ("A或者B") is met by any one of its documents.
        have = [
            pl.any_horizontal(
                [self.leaves.expr(Test("submitted_documents", "contains", x)) for x in d]
            )
            if isinstance(d, tuple)
            else self.leaves.expr(Test("submitted_documents", "contains", d))
            for d in rule.documents
        ]
        complete = pl.all_horizontal(have) if have else pl.lit(True)
        code = (
            pl.when(sub.is_not_null() & _true(complete))
            .then(_c(S.satisfied))
            .when(self.not_due(rule))
            .then(_c(S.required))
            .when(c.when.is_null() | sub.is_null())
            .then(_c(S.unknown, 1))
            .otherwise(self._violated(rule, 2))
        )
        return code

    def _route(self, rule: CompiledRule, c: RuleColumns) -> pl.Expr:
        return pl.when(_true(c.when)).then(_c(S.required)).otherwise(_c(S.unknown, 1))

    def deadline_not_due(self, rule: CompiledRule) -> pl.Expr:
        """The rule's stage, or else the stage its anchor fact belongs to (as _evaluate)."""
        if rule.stage is not None:
            return self.not_due(rule)
        assert rule.anchor is not None
        anchor_stage = self.pack.anchor_stage.get(rule.anchor)
        if anchor_stage is None:
            return pl.lit(False)
        return _true(pl.col(_RANK) < anchor_stage.rank)

    def _deadline(self, rule: CompiledRule, c: RuleColumns) -> pl.Expr:
        spec = rule.deadline
        assert spec is not None and rule.anchor is not None
        done = pl.col(rule.done) if rule.done else pl.lit(None, dtype=pl.Date)
        on = pl.lit(self.as_of, dtype=pl.Date)
        due, earliest, latest = (pl.col(f"__{k}:{rule.id}") for k in ("due", "earliest", "latest"))
        if rule.shown_by and spec.direction in ("at_least", "window"):
            # A later step taken before the period could have ended proves it was cut
            # short: the earliest such date stands in for a missing completion date.
            later = pl.min_horizontal([pl.col(f) for f in rule.shown_by])
            done = pl.when(done.is_null() & (later < earliest)).then(later).otherwise(done)
        # Without a completion fact an unknown deadline does not count against the outcome.
        lapsed = _c(S.unknown, 1 if rule.done else 0)
        if spec.direction == "each_year":
            dated = self._yearly(rule, lapsed)
        elif spec.direction in ("within", "by"):
            dated = (
                pl.when(done.is_not_null())
                .then(pl.when(done <= due).then(_c(S.met)).otherwise(_c(S.missed, 2)))
                .when(on <= due)
                .then(_c(S.upcoming))
                .otherwise(lapsed)
            )
        elif spec.direction == "at_least":
            dated = (
                pl.when(done.is_not_null())
                .then(pl.when(done >= earliest).then(_c(S.met)).otherwise(_c(S.missed, 2)))
                .otherwise(_c(S.upcoming))
            )
        else:
            dated = (
                pl.when(done.is_not_null())
                .then(
                    pl.when(done < earliest)
                    .then(_c(S.too_early, 2))
                    .when(done <= latest)
                    .then(_c(S.met))
                    .otherwise(_c(S.missed, 2))
                )
                .when(on <= latest)
                .then(_c(S.upcoming))
                .otherwise(lapsed)
            )
        code = (
            pl.when(c.when.is_null())
            .then(_c(S.unknown, 1))
            .when(pl.col(rule.anchor).is_null())
            .then(
                pl.when(self.deadline_not_due(rule))
                .then(_c(S.upcoming))
                .otherwise(_c(S.unknown, 1))
            )
        )
        overflow = self.overflow(rule)
        if overflow is not None:
            # No date can end the period: unknown, and not counted (as in the engine).
            code = code.when(overflow).then(_c(S.unknown))
        return code.otherwise(dated)

    def _yearly(self, rule: CompiledRule, lapsed: pl.Expr) -> pl.Expr:
        """An ``each_year`` deadline's code from the engine's own yearly arithmetic."""
        text = pl.col(yearly_column(rule.id)).struct.field("status")
        return (
            pl.when(text == S.met.value)
            .then(_c(S.met))
            .when(text == S.missed.value)
            .then(_c(S.missed, 2))
            .when(text == S.upcoming.value)
            .then(_c(S.upcoming))
            .otherwise(lapsed)
        )

    @staticmethod
    def overflow(rule: CompiledRule) -> pl.Expr | None:
        """The rule's period would end after 9999-12-31 (the engine computes no date).

        None for a fixed-day deadline: its year is clamped to 9998, as in the engine.
        """
        spec = rule.deadline
        assert spec is not None
        if spec.direction in ("by", "each_year"):
            return None  # each_year's years are clamped too
        computed = {"within": ["due"], "at_least": ["earliest"]}.get(
            spec.direction, ["earliest", "latest"]
        )
        last = pl.lit(LAST_DAY, dtype=pl.Date)
        return _true(pl.any_horizontal([pl.col(f"__{k}:{rule.id}") > last for k in computed]))

    def outcome(self, scope_false: pl.Expr) -> pl.Expr:
        """The outcome: the largest weight of any rule's code (see the module docstring)."""
        codes = [pl.col(code_column(r.id)) for r in self.pack.rules]
        if not codes:
            return pl.lit(Outcome.compliant.value, dtype=pl.Utf8)
        weight = pl.max_horizontal(codes) // _WEIGHT
        outside: pl.Expr = pl.lit(Outcome.not_applicable.value, dtype=pl.Utf8)
        carried = [pl.col(code_column(r.id)) for r in self.pack.carried_rules]
        if carried:
            # Outside the scope only a breach of a duty carried back in decides the outcome.
            names = [Outcome.not_applicable.value] * 2 + _OUTCOMES[2:]
            worst = pl.max_horizontal(carried) // _WEIGHT
            outside = pl.lit(pl.Series(names, dtype=pl.Utf8)).gather(worst)
        return (
            pl.when(scope_false)
            .then(outside)
            .otherwise(pl.lit(pl.Series(_OUTCOMES, dtype=pl.Utf8)).gather(weight))
        )

    def approvers(self, scope_false: pl.Expr) -> list[pl.Expr]:
        """``Verdict.final_approver(route)``: the first applying route rule's decider."""
        out = []
        for name in self.pack.routes:
            chain: pl.Expr = pl.lit(None, dtype=pl.Utf8)
            for rule in reversed([r for r in self.pack.checked_rules if r.route == name]):
                final = None
                for authority, action in rule.steps:
                    if action in ("decide", "approve"):
                        final = authority
                chain = (
                    pl.when(self._applies(rule, scope_false))
                    .then(pl.lit(final, dtype=pl.Utf8))
                    .otherwise(chain)
                )
            out.append(chain.alias(f"approver:{name}"))
        return out

    def _applies(self, rule: CompiledRule, scope_false: pl.Expr) -> pl.Expr:
        """The rule is reached, not lifted by an exemption, and its ``when`` holds."""
        known = _true(self.cols[rule.id].when)
        if not rule.despite_scope:
            known = known & ~scope_false
        exempted = self.exempted(rule)
        return known if exempted is None else known & ~exempted

    def dues(self, scope_false: pl.Expr) -> list[pl.Expr]:
        out = []
        for rule in self.pack.checked_rules:
            if rule.kind_def is not DEADLINE:
                continue
            known = self._applies(rule, scope_false)
            overflow = self.overflow(rule)
            if overflow is not None:
                known = known & ~overflow
            due = pl.col(f"__due:{rule.id}")
            if rule.deadline is not None and rule.deadline.direction == "each_year":
                due = pl.col(yearly_column(rule.id)).struct.field("due")
            out.append(
                pl.when(known)
                .then(due)
                .otherwise(pl.lit(None, dtype=pl.Date))
                .alias(f"due:{rule.id}")
            )
        return out


def read_facts(pack: CompiledPack) -> list[str]:
    """Every fact the pack's evaluation reads, in model order."""
    wanted = {"stage"}
    for rule in pack.rules:
        wanted.update(rule.facts)
        if rule.kind_def is DOCUMENTS:
            wanted.add("submitted_documents")
    return [name for name in pack.project_model.model_fields if name in wanted]


# The columnar status of each checked kind: the same table as the reference loop's.
_CODES: dict[RuleKind, Callable[[StatusBuilder, CompiledRule, RuleColumns], pl.Expr]] = {
    PROHIBITION: StatusBuilder._prohibition,
    OBLIGATION: StatusBuilder._obligation,
    DOCUMENTS: StatusBuilder._documents,
    ROUTE: StatusBuilder._route,
    DEADLINE: StatusBuilder._deadline,
}
assert set(_CODES) == {k for k in KINDS.values() if k.checked}, "a checked kind has no columns"
