"""The lifecycle monitor: a stream of project events in, cited deadline alerts out.

Owns the event format (JSON lines, see ``docs/monitor.md``), the per-project state built
from the events (accumulated facts and the last event date), the alert kinds and their
once-only emission, the rejection of bad events, and :func:`watch_cli`, which the
``govit-rules watch`` command calls.

Every judgement is the shared evaluator's: after each accepted event the project is
evaluated with :func:`~govit_rules._engine.evaluate.evaluate_pack` as of the event date, so
periods, working days, rest-day extensions and citations are exactly those of a one-shot
``govit-rules check``. The monitor only turns verdicts into alerts and remembers which
alerts it has raised. Nothing reads the wall clock: replaying a log gives the same alerts.

The monitor is pure Python, not a durable-rules ruleset: durable-rules posts an *event* to
the first matching rule only, keeps session state as JSON without dates or decimals, and
its timers run on the wall clock; routing a handful of event types needs none of that,
and the deadline arithmetic must be the evaluator's anyway (``docs/monitor.md``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from .._io.project_files import (
    parse_json,
    show_value,
    validate_project,
)
from .._packs.loader import CompiledPack
from .._packs.registry import PackRegistry, default_registry
from .._vocab.project import Project, Stage
from .._vocab.suggest import suggest
from .._vocab.verdict import DeadlineResult, Finding, Status, Verdict
from ..errors import GovitRulesError, ProjectValidationError, UnknownJurisdictionError
from .evaluate import evaluate_pack

__all__ = ["ALERT_KINDS", "Alert", "Monitor", "event_types"]

AlertKind = Literal[
    "due_soon", "met", "missed", "too_early", "violated", "rejected", "not_in_force"
]
ALERT_KINDS: tuple[str, ...] = (
    "due_soon",
    "met",
    "missed",
    "too_early",
    "violated",
    "rejected",
    "not_in_force",
)
# Kinds that mean the project broke a rule; any of them makes watch_cli return 1.
SEVERE: frozenset[str] = frozenset({"missed", "too_early", "violated"})

_EVENT_KEYS = {"project", "jurisdiction", "type", "date", "payload"}
_LABELS = {
    "due_soon": ("即将到期", "due soon"),
    "met": ("按期完成", "met"),
    "missed": ("已逾期", "missed"),
    "too_early": ("过早进入下一阶段", "too early"),
    "violated": ("违反规定", "violated"),
    "rejected": ("事件被拒绝", "event rejected"),
    "not_in_force": ("办法未施行", "not in force"),
}


def event_types() -> dict[str, str]:
    """Event type -> the date fact it sets: ``budget_review_submitted`` -> ``..._on``."""
    out = {}
    for name, f in Project.model_fields.items():
        if name.endswith("_on") and f.annotation is not None and "date" in str(f.annotation):
            out[name[: -len("_on")]] = name
    return out


_EVENT_TYPES = event_types()
# The facts holding every date of a recurring act: an event adds its date to the list.
_DATES_FACTS = frozenset(
    name
    for name, f in Project.model_fields.items()
    if f.annotation is not None and "tuple" in str(f.annotation)
)
_FACT_STAGES: dict[str, Stage] = {
    name: Stage(str(f.json_schema_extra["stage"]))
    for name, f in Project.model_fields.items()
    if isinstance(f.json_schema_extra, dict) and "stage" in f.json_schema_extra
}


@dataclass(frozen=True)
class Alert:
    """One thing the monitor has to say, with the article that says it."""

    kind: str
    project: str | None
    jurisdiction: str | None
    event_date: date | None
    line: int | None  # 1-based line of the event in the stream
    rule_id: str | None = None
    citation_zh: str | None = None
    citation_en: str | None = None
    due: date | None = None
    message_zh: str = ""
    message_en: str = ""
    reason: str | None = None  # for rejected events: why

    @property
    def severe(self) -> bool:
        return self.kind in SEVERE

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("event_date", "due"):
            if out[key] is not None:
                out[key] = out[key].isoformat()
        return out

    def to_text(self) -> str:
        when = self.event_date.isoformat() if self.event_date else "----------"
        head = f"{when} {self.project or '?'} {self.kind.upper()}"
        if self.kind == "rejected":
            return f"{head} line {self.line}: {self.reason}"
        if self.kind == "not_in_force":
            return f"{head} line {self.line}: {self.message_en}"
        due = f" due {self.due.isoformat()}" if self.due else ""
        return (
            f"{head} {self.rule_id}{due} [{self.citation_en} / {self.citation_zh}] "
            f"{self.message_en} / {self.message_zh}"
        )


@dataclass
class _ProjectState:
    jurisdiction: str
    facts: dict[str, Any] = field(default_factory=dict)  # raw facts, validated on change
    project: Project = field(default_factory=Project)
    last_date: date | None = None
    explicit_stage: Stage | None = None


class _Rejected(Exception):
    def __init__(
        self,
        reason: str,
        project: str | None = None,
        jurisdiction: str | None = None,
        on: date | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason, self.project, self.jurisdiction, self.on = reason, project, jurisdiction, on


class Monitor:
    """Replays project events and raises each alert once per (project, rule, kind).

    ``packs`` maps jurisdiction ids to compiled packs, or is a :class:`PackRegistry` (the
    version in force on each event's date is used); by default the shipped packs.
    ``due_within``: a deadline whose last day is at most this many days after an event
    raises ``due_soon``.
    """

    def __init__(
        self,
        packs: Mapping[str, CompiledPack] | PackRegistry | None = None,
        due_within: int = 7,
    ) -> None:
        if due_within < 0:
            raise ValueError("due_within must be 0 or more days")
        self.packs = packs if packs is not None else default_registry()
        self.due_within = due_within
        self.projects: dict[str, _ProjectState] = {}
        self._seen_events: set[str] = set()
        self._emitted: set[tuple[str, str, str]] = set()
        self._line = 0

    # -- input --------------------------------------------------------------------------

    def feed_line(self, text: str) -> list[Alert]:
        """One line of the JSON-lines stream (blank lines are skipped, not counted as events)."""
        self._line += 1
        if not text.strip():
            return []
        event, problems = parse_json(text, f"line {self._line}")
        if problems:
            first = problems[0]
            return [self._rejected(f"not JSON: {first.message} at column {first.col}")]
        return self._feed(event)

    def feed(self, event: Mapping[str, Any]) -> list[Alert]:
        """One event already parsed from JSON."""
        self._line += 1
        return self._feed(event)

    def replay(self, lines: Iterable[str]) -> Iterator[Alert]:
        for line in lines:
            yield from self.feed_line(line)

    def _feed(self, event: Any) -> list[Alert]:
        try:
            return self._accept(event)
        except _Rejected as r:
            return [self._rejected(r.reason, r.project, r.jurisdiction, r.on)]

    def _rejected(
        self,
        reason: str,
        project: str | None = None,
        jurisdiction: str | None = None,
        on: date | None = None,
    ) -> Alert:
        return Alert(
            kind="rejected",
            project=project,
            jurisdiction=jurisdiction,
            event_date=on,
            line=self._line,
            reason=reason,
            message_zh=f"事件被拒绝：{reason}",
            message_en=f"event rejected: {reason}",
        )

    def _pack(self, jurisdiction: str, on: date, project: str) -> CompiledPack:
        try:
            if isinstance(self.packs, PackRegistry):
                return self.packs.get(jurisdiction, on)
            return self.packs[jurisdiction]
        except (KeyError, GovitRulesError) as exc:
            known = (
                self.packs.jurisdictions()
                if isinstance(self.packs, PackRegistry)
                else sorted(self.packs)
            )
            hint = _hint(jurisdiction, known)
            # UnknownJurisdictionError's own message has the same did-you-mean: say it once.
            quiet = isinstance(exc, KeyError | UnknownJurisdictionError)
            detail = "" if quiet else f" ({str(exc).splitlines()[0]})"
            raise _Rejected(
                f"unknown jurisdiction {jurisdiction!r}{hint}{detail}", project, jurisdiction, on
            ) from None

    def _accept(self, event: Any) -> list[Alert]:
        if not isinstance(event, Mapping):
            raise _Rejected(f"an event is a JSON object, got {type(event).__name__}")
        name = event.get("project")
        jid = event.get("jurisdiction")
        pid = name if isinstance(name, str) and name else None
        jur = jid if isinstance(jid, str) and jid else None
        on = _date(event.get("date"))
        extra = sorted(set(event) - _EVENT_KEYS)
        if extra:
            raise _Rejected(
                f"unknown key(s) {extra}; an event has {sorted(_EVENT_KEYS)}", pid, jur, on
            )
        for key in ("project", "jurisdiction", "type", "date"):
            if event.get(key) is None or event.get(key) == "":
                raise _Rejected(f"{key!r} is required (a non-empty string)", pid, jur, on)
            if key != "date" and not isinstance(event.get(key), str):
                raise _Rejected(
                    f"{key!r} must be a string, got {show_value(event.get(key))}", pid, jur, on
                )
        if on is None:
            raise _Rejected(
                f"'date' must be YYYY-MM-DD (a string), got {show_value(event['date'])}", pid, jur
            )
        assert pid is not None and jur is not None
        payload = event.get("payload", {})
        if payload is None:
            payload = {}
        if not isinstance(payload, Mapping):
            raise _Rejected("'payload' must be a JSON object of facts", pid, jur, on)

        # Duplicates first: a replayed event is also out of order, but "duplicate" says more.
        key = json.dumps(event, sort_keys=True, ensure_ascii=False, default=str)
        if key in self._seen_events:
            raise _Rejected("duplicate: this identical event was seen before", pid, jur, on)
        state = self.projects.get(pid)
        if state is not None and state.jurisdiction != jur:
            raise _Rejected(
                f"project {pid!r} belongs to jurisdiction {state.jurisdiction!r}, not {jur!r}",
                pid,
                jur,
                on,
            )
        if state is not None and state.last_date is not None and on < state.last_date:
            raise _Rejected(
                f"out of order: {on} is before this project's last event ({state.last_date})",
                pid,
                jur,
                on,
            )
        etype = event["type"]
        updates: dict[str, Any] = {}
        if etype != "facts":
            fact = _EVENT_TYPES.get(etype)
            if fact is None:
                hint = _hint(etype, [*_EVENT_TYPES, "facts"])
                raise _Rejected(f"unknown event type {etype!r}{hint}", pid, jur, on)
            if fact in _DATES_FACTS:
                earlier = (state.facts.get(fact) if state is not None else None) or []
                updates[fact] = [*earlier, on.isoformat()]
            else:
                updates[fact] = on.isoformat()
        for fact_name, value in payload.items():
            if fact_name not in Project.model_fields:
                raise _Rejected(
                    f"unknown fact {fact_name!r} in payload{_hint(fact_name, Project.model_fields)}",
                    pid,
                    jur,
                    on,
                )
            updates[fact_name] = value
        pack = self._pack(jur, on, pid)

        state = state or _ProjectState(jurisdiction=jur)
        facts = {**state.facts, **updates}
        explicit = state.explicit_stage
        if "stage" in updates:
            # A bad stage is left to the validation below, which names the allowed values.
            with contextlib.suppress(ValueError):
                explicit = Stage(updates["stage"]) if updates["stage"] is not None else None
        try:
            project = validate_project({**facts, "stage": _stage(facts, explicit)})
            verdict = evaluate_pack(pack, project, on)
        except ProjectValidationError as exc:
            problems = "; ".join(f"{p.path}: {p.message}" for p in exc.problems)
            raise _Rejected(f"invalid fact(s): {problems}", pid, jur, on) from None

        # Accepted: commit the state and report what the verdict as of the event date says.
        self._seen_events.add(key)
        state.facts, state.project, state.last_date = facts, project, on
        state.explicit_stage = explicit
        self.projects[pid] = state
        if not verdict.in_force:
            # Said once per project, or an event log before the pack's start prints nothing.
            return self._once_not_in_force(pid, pack, on, verdict.warnings)
        return self._alerts(pid, pack, verdict, on)

    def _once_not_in_force(
        self, pid: str, pack: CompiledPack, on: date, warnings: list[str]
    ) -> list[Alert]:
        key = (pid, "", "not_in_force")
        if key in self._emitted:
            return []
        self._emitted.add(key)
        label_zh, label_en = _LABELS["not_in_force"]
        reason = warnings[0] if warnings else f"not in force on {on}"
        return [
            Alert(
                kind="not_in_force",
                project=pid,
                jurisdiction=pack.jurisdiction,
                event_date=on,
                line=self._line,
                message_zh=f"{label_zh}：{pack.meta.document.title.zh}于{on}尚未施行或已失效，不产生提醒",
                message_en=f"{label_en}: {reason}; no alerts until it is",
                reason=reason,
            )
        ]

    # -- output -------------------------------------------------------------------------

    def _alerts(self, pid: str, pack: CompiledPack, verdict: Verdict, on: date) -> list[Alert]:
        out: list[Alert] = []
        for d in verdict.deadlines:
            kind, due = self._deadline_kind(pack, d, on)
            if kind is not None:
                out.extend(self._once(pid, pack, d.rule_id, kind, on, due, d))
        for f in verdict.findings:
            if f.status is Status.violated:
                out.extend(self._once(pid, pack, f.rule_id, "violated", on, None, f))
        return out

    def _deadline_kind(
        self, pack: CompiledPack, d: DeadlineResult, on: date
    ) -> tuple[str | None, date | None]:
        rule = pack.rule(d.rule_id)
        direction = rule.deadline.direction if rule.deadline else "within"
        last = d.due or d.latest
        if d.status is Status.met:
            return "met", last or d.earliest
        if d.status is Status.too_early:
            return "too_early", d.earliest
        if d.status is Status.missed:
            # For a minimum period (at_least) "missed" means the next stage came too soon.
            return ("too_early", d.earliest) if direction == "at_least" else ("missed", last)
        if d.status is Status.unknown and rule.done and last is not None and on > last:
            # The period is over and the log has not recorded the act that ends it: events
            # arrive in order, so whenever it happens it is late.
            return "missed", last
        if (
            d.status is Status.upcoming
            and last is not None
            and 0 <= (last - on).days <= self.due_within
        ):
            return "due_soon", last
        return None, None

    def _once(
        self,
        pid: str,
        pack: CompiledPack,
        rule_id: str,
        kind: str,
        on: date,
        due: date | None,
        result: DeadlineResult | Finding,
    ) -> list[Alert]:
        # A yearly deadline alerts once per occurrence, the others once per rule.
        recurring = isinstance(result, DeadlineResult) and bool(result.occurrences)
        key = (pid, rule_id, f"{kind}@{due}" if recurring else kind)
        if key in self._emitted:
            return []
        self._emitted.add(key)
        label_zh, label_en = _LABELS[kind]
        if due is None:
            due_zh = due_en = ""
        elif kind == "too_early":  # `due` is then the first day the next step was allowed
            due_zh, due_en = f"（最早 {due.isoformat()}）", f" (not before {due.isoformat()})"
        else:
            due_zh, due_en = f"（期限 {due.isoformat()}）", f" (due {due.isoformat()})"
        return [
            Alert(
                kind=kind,
                project=pid,
                jurisdiction=pack.jurisdiction,
                event_date=on,
                line=self._line,
                rule_id=rule_id,
                citation_zh=f"{pack.meta.document.title.zh}{result.citation.zh}",
                citation_en=f"{pack.meta.document.title.en}, {result.citation.en}",
                due=due,
                message_zh=f"{label_zh}{due_zh}：{result.message.zh}",
                message_en=f"{label_en}{due_en}: {result.message.en}",
            )
        ]


def _stage(facts: Mapping[str, Any], explicit: Stage | None) -> str | None:
    """The stage reached: the explicit one or the latest stage of any date fact set."""
    reached = [_FACT_STAGES[f] for f, v in facts.items() if v is not None and f in _FACT_STAGES]
    if explicit is not None:
        reached.append(explicit)
    return max(reached, key=lambda s: s.rank).value if reached else None


def _date(raw: Any) -> date | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _hint(word: str, choices: Iterable[str]) -> str:
    return suggest(word, list(choices))
