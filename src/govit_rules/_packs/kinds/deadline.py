"""The deadline kind: a period counted from a date fact (``anchor``) or a fixed day.

A deadline has exactly one direction: ``within`` a period, ``at_least`` a period,
a ``window`` between two periods, ``by`` a fixed day of a year named by an integer
fact, or ``each_year`` a named day of every year from the anchor date's year to the
``until`` date's. Its completion is the ``done`` date (for ``each_year`` a ``dates`` fact:
every report's date); ``shown_by`` names later events whose dates prove the period was
cut short. The Civil Code arithmetic itself is the evaluator's.
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
_DIRECTIONS = ("within", "at_least", "window", "by", "each_year")


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """A compiled deadline: its direction and periods."""

    direction: str  # within | at_least | window | by | each_year
    period: PeriodSpec | None = None
    start: PeriodSpec | None = None
    end: PeriodSpec | None = None
    by_month: int = 0
    by_day: int | str = "last"
    by_offset: int = 0
    # by / each_year: does a named day on a rest day stay, or move (Civil Code Art. 203)?
    rest_day: str = "next_working_day"
    until: str | None = None  # each_year: the date fact whose year is the cycle's last

    def describe(self) -> str:
        if self.direction == "window" and self.start and self.end:
            return f"between {self.start.describe()} and {self.end.describe()}"
        day = "last day" if self.by_day == "last" else f"day {self.by_day}"
        stays = ", even on a rest day" if self.rest_day == "stays" else ""
        if self.direction == "by":
            return f"by month {self.by_month} {day}, year {self.by_offset:+d}{stays}"
        if self.direction == "each_year":
            end = f"the year of {self.until}" if self.until else "the year judged"
            return f"each year by month {self.by_month} {day}{stays}, until {end}"
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
                "a deadline has exactly one of within, at_least, window, by, each_year"
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
                "by", by_month=by.month, by_day=by.day, by_offset=by.offset, rest_day=by.rest_day
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
            elif direction == "each_year":
                out["deadline"] = _each_year(prep, dates)
            else:
                out["deadline"] = DeadlineSpec(direction, period=getattr(spec, direction))
        if spec.done is not None:
            # A recurring deadline is done once a year: its ``done`` holds every date.
            want = "dates" if direction == "each_year" else "date"
            if spec.done not in types or types[spec.done].kind != want:
                fitting = [k for k, t in types.items() if t.kind == want]
                prep.report(
                    raw.pos_of_value("done"),
                    "bad-anchor",
                    f"done {spec.done!r} is not a {'dates' if want == 'dates' else 'date'} "
                    f"fact{suggest(spec.done, fitting)}"
                    + (" (a list of every report's date)" if want == "dates" else ""),
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


def _each_year(prep: Preparing, dates: list[str]) -> DeadlineSpec:
    each = prep.spec.each_year
    assert each is not None
    if each.until is not None and (
        each.until not in prep.types or prep.types[each.until].kind != "date"
    ):
        prep.report(
            prep.at("each_year", "until"),
            "bad-anchor",
            f"until {each.until!r} is not a date fact{suggest(each.until, dates)}",
        )
    return DeadlineSpec(
        "each_year",
        by_month=each.month,
        by_day=each.day,
        rest_day=each.rest_day,
        until=each.until,
    )


DEADLINE = Deadline()
