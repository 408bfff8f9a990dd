"""The deadline kind: a period counted from a date fact (``anchor``) or a fixed day.

A deadline has exactly one direction: ``within`` a period, ``at_least`` a period,
a ``window`` between two periods, or ``by`` a fixed day of a year named by an integer
fact. Its completion is the ``done`` date; ``shown_by`` names later events whose dates
prove the period was cut short. The Civil Code arithmetic itself is the evaluator's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..._lang.clock import Clock
from ..._vocab.project import Project
from ..._vocab.suggest import suggest
from ..._vocab.verdict import Status
from ..schema import PeriodSpec
from ._base import Emitter, Entry, Preparing, RuleKind, StatusRun, Tri

if TYPE_CHECKING:
    from ..compiled import CompiledRule

__all__ = ["DEADLINE", "DeadlineSpec"]

S = Status
_DIRECTIONS = ("within", "at_least", "window", "by")


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """A compiled deadline: its direction and periods."""

    direction: str  # within | at_least | window | by
    period: PeriodSpec | None = None
    start: PeriodSpec | None = None
    end: PeriodSpec | None = None
    by_month: int = 0
    by_day: int | str = "last"
    by_offset: int = 0

    def describe(self) -> str:
        if self.direction == "window" and self.start and self.end:
            return f"between {self.start.describe()} and {self.end.describe()}"
        if self.direction == "by":
            day = "last day" if self.by_day == "last" else f"day {self.by_day}"
            return f"by month {self.by_month} {day}, year {self.by_offset:+d}"
        assert self.period is not None
        return f"{self.direction.replace('_', ' ')} {self.period.describe()}"


class Deadline(RuleKind):
    name = "deadline"
    optional = frozenset({"anchor", "when", "stage", *_DIRECTIONS, "done", "shown_by"})
    computed = ("due", "earliest", "latest", "anchor_date", "done_date")
    exclusive = _DIRECTIONS
    finding = False

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        # ``main`` of a deadline's entry says whether its unknown status counts.
        result, counts = entry[5], entry[3]
        if result.status is S.unknown and counts:
            return list(result.missing_facts)
        return []

    def weight(self, status: Status, counts: Any) -> int:
        if status is S.missed or status is S.too_early:
            return 2
        return 1 if status is S.unknown and counts else 0

    def prepare(self, prep: Preparing) -> dict[str, Any]:
        spec, raw, types = prep.spec, prep.raw, prep.types
        out: dict[str, Any] = {}
        directions = [k for k in _DIRECTIONS if getattr(spec, k) is not None]
        if len(directions) != 1:
            prep.report(
                raw.start,
                "bad-deadline",
                "a deadline has exactly one of within, at_least, window, by"
                + (f" (found {', '.join(directions)})" if directions else ""),
            )
            return out
        direction = directions[0]
        dates = [k for k, t in types.items() if t.kind == "date"]
        anchor = spec.anchor
        if direction == "by":
            by = spec.by
            assert by is not None
            if by.year not in types or types[by.year].kind != "integer":
                ints = [k for k, t in types.items() if t.kind == "integer"]
                prep.report(
                    prep.at("by", "year"),
                    "bad-anchor",
                    f"'year' names an integer fact such as plan_year{suggest(by.year, ints)}",
                )
            out["deadline"] = DeadlineSpec(
                "by", by_month=by.month, by_day=by.day, by_offset=by.offset
            )
            out["anchor"] = by.year
            if anchor is not None and anchor != by.year:
                prep.report(
                    raw.pos_of_key("anchor"),
                    "bad-anchor",
                    f"a 'by' deadline is anchored on its year fact {by.year!r}; "
                    f"drop 'anchor' or set it to {by.year!r}",
                )
        else:
            if anchor is None:
                prep.report(raw.start, "missing-key", "a deadline needs 'anchor', a date fact")
            elif anchor not in types or types[anchor].kind != "date":
                prep.report(
                    raw.pos_of_value("anchor"),
                    "bad-anchor",
                    f"anchor {anchor!r} is not a date fact{suggest(anchor, dates)}",
                )
            out["anchor"] = anchor
            if direction == "window":
                w = spec.window
                assert w is not None
                out["deadline"] = DeadlineSpec("window", start=w.start, end=w.end)
            else:
                out["deadline"] = DeadlineSpec(direction, period=getattr(spec, direction))
        if spec.done is not None:
            if spec.done not in types or types[spec.done].kind != "date":
                prep.report(
                    raw.pos_of_value("done"),
                    "bad-anchor",
                    f"done {spec.done!r} is not a date fact{suggest(spec.done, dates)}",
                )
            out["done"] = spec.done
        return out

    def status(self, rule: CompiledRule, w: Tri, not_due: bool, run: StatusRun) -> Entry:
        result, counts = run.add_deadline(rule, w, not_due)
        return (rule, result.status, w, counts, False, result)

    def emit(self, rule: CompiledRule, r: str, indent: int, due: str, out: Emitter) -> None:
        out.line(indent, f"res, counts = _deadline(ctx, {r}, w, {due})")
        out.line(indent, "deadlines.append(res)")
        out.line(indent, f"add(({r}, res.status, w, counts, False, res))")
        out.line(indent, "s = res.status")
        out.line(indent, "if s is _MISSED or s is _EARLY:")
        out.line(indent + 1, "violated = True")
        out.line(indent, "elif s is _UNK and counts:")
        out.line(indent + 1, "unknown = True")


DEADLINE = Deadline()
