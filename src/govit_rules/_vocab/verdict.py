"""The verdict: what a rule pack says about one project, with a citation on every finding.

Owns the stable JSON shape of results (pydantic models) and the helpers that test suites
use to ask questions of a verdict ("does it cite Art. 10(2)(iv)?", "who finally
approves?", "when is the budget review due?").
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

from .._law.citation import Citation

if TYPE_CHECKING:
    from .counterfactuals import Counterfactual

__all__ = [
    "AlternativeReading",
    "ApplicabilityResult",
    "CitationRef",
    "DeadlineResult",
    "Finding",
    "InterpretationUsed",
    "MissingFact",
    "Occurrence",
    "Outcome",
    "PackInfo",
    "ReadingResult",
    "RequiredDocument",
    "RouteResult",
    "RouteStepResult",
    "Status",
    "Verdict",
    "VerdictOrigin",
    "make",
    "origin_of",
    "rule_status",
    "with_origin",
]


class Outcome(StrEnum):
    """The overall result, from the most to the least decisive."""

    not_in_force = "not_in_force"
    not_applicable = "not_applicable"
    prohibited = "prohibited"
    non_compliant = "non_compliant"
    needs_information = "needs_information"
    compliant = "compliant"


class Status(StrEnum):
    """The status of one finding."""

    satisfied = "satisfied"
    violated = "violated"
    required = "required"
    unknown = "unknown"
    not_applicable = "not_applicable"
    out_of_scope = "out_of_scope"
    met = "met"
    missed = "missed"
    too_early = "too_early"
    upcoming = "upcoming"
    exempt = "exempt"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _LazyOut(_Out):
    """A result some of whose fields are built only when first read.

    The evaluator decides statuses, routes and dates eagerly and leaves the explanatory
    parts (findings with their messages, missing facts, notes) to a builder kept in the
    model's private state: a caller that reads only the outcome never pays for them. Every
    way of looking at the whole model (dumping, comparing, copying, pickling) builds them
    first, so a lazy result is indistinguishable from an eager one.
    """

    _LAZY: ClassVar[frozenset[str]] = frozenset()
    _NESTED: ClassVar[tuple[str, ...]] = ()  # list fields whose items may be lazy

    def __getattr__(self, name: str) -> Any:
        if name in type(self)._LAZY:
            private = object.__getattribute__(self, "__pydantic_private__")
            build: Callable[[str], Any] | None = private.get("_build") if private else None
            if build is not None:
                value = build(name)
                self.__dict__[name] = value
                return value
        return super().__getattr__(name)  # type: ignore[misc]

    def materialize(self) -> None:
        """Build every lazy part now (and those of nested lazy results)."""
        values = self.__dict__
        cls = type(self)
        if any(name not in values for name in cls._LAZY):
            for name in cls._LAZY:
                if name not in values:
                    getattr(self, name)
            # Fields in their declared order, however they were read: the JSON keeps it.
            ordered = {name: values[name] for name in cls.model_fields}
            object.__setattr__(self, "__dict__", ordered)
            values = ordered
        for name in cls._NESTED:
            for item in values[name]:
                if isinstance(item, _LazyOut):
                    item.materialize()

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        self.materialize()
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        self.materialize()
        return super().model_dump_json(**kwargs)

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Any:
        self.materialize()
        return super().model_copy(update=update, deep=deep)

    def __eq__(self, other: object) -> bool:
        # Equal when every field is: how the lazy parts were (or will be) built is not
        # part of the value.
        if not isinstance(other, BaseModel):
            return NotImplemented
        self.materialize()
        if isinstance(other, _LazyOut):
            other.materialize()
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr_args__(self) -> Any:
        self.materialize()
        return super().__repr_args__()

    def __iter__(self) -> Any:
        self.materialize()
        return super().__iter__()

    def __copy__(self) -> Any:
        self.materialize()
        return super().__copy__()

    def _bare_private(self) -> dict[str, Any]:
        # Declared private attributes at their defaults: nothing of how the verdict was
        # built (a builder, its origin) survives a copy or a pickle.
        return {name: None for name in type(self).__private_attributes__}

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        self.materialize()
        out = super().__deepcopy__(memo)
        object.__setattr__(out, "__pydantic_private__", self._bare_private())
        return out

    def __getstate__(self) -> dict[Any, Any]:
        self.materialize()
        state = super().__getstate__()
        state["__pydantic_private__"] = self._bare_private()
        return state


class CitationRef(_Out):
    """A citation with both renderings."""

    document: str
    article: int
    paragraph: int | None = None
    item: int | None = None
    sub_item: int | None = None
    zh: str
    en: str

    def as_citation(self) -> Citation:
        return Citation(self.article, self.paragraph, self.item, self.sub_item)


class Text(_Out):
    zh: str
    en: str


class Finding(_Out):
    """What one rule says about the project."""

    rule_id: str
    kind: str
    status: Status
    citation: CitationRef
    also_cites: list[CitationRef] = []
    message: Text
    facts: dict[str, Any] = {}
    thresholds: list[str] = []
    missing_facts: list[str] = []
    interpretation: Text | None = None
    stage: str | None = None


class RouteStepResult(_Out):
    authority: str
    authority_zh: str
    authority_en: str
    action: str
    action_zh: str
    # To whom the step is addressed (the body a report goes to, or that keeps a filing).
    to: str | None = None
    to_zh: str | None = None
    to_en: str | None = None


class RouteResult(_Out):
    """An approval chain the project must go through."""

    route: str
    title: Text
    rule_id: str
    status: Status
    citation: CitationRef
    also_cites: list[CitationRef] = []
    steps: list[RouteStepResult]
    final_approver: str | None
    # A route with no decision whose last word is a filing (备案制): the body that keeps it.
    filed_with: str | None = None
    missing_facts: list[str] = []


class Occurrence(_Out):
    """One year of a deadline recurring every year: its last day and the report that met it.

    ``status`` is ``met`` (a report dated after the previous year's last day and by this
    one's), ``missed``, ``upcoming`` (not yet due) or ``unknown`` (the reports are not given).
    """

    year: int
    due: date
    done_date: date | None = None
    status: Status


class DeadlineResult(_LazyOut):
    """A period the project must respect, computed per the Civil Code and the calendar.

    Dates and the status are decided at evaluation; the message is rendered when first read.
    """

    _LAZY: ClassVar[frozenset[str]] = frozenset({"message"})

    rule_id: str
    citation: CitationRef
    also_cites: list[CitationRef] = []
    status: Status
    message: Text
    anchor: str | None = None
    anchor_date: date | None = None
    # The anchor's value when it is a year (a fixed day of the plan or evaluation year).
    anchor_year: int | None = None
    period: str
    due: date | None = None
    earliest: date | None = None
    latest: date | None = None
    done: str | None = None
    done_date: date | None = None
    provisional: bool = False
    extended: bool = False
    calendar: str
    missing_facts: list[str] = []
    interpretation: Text | None = None
    # A deadline recurring each year: every year's occurrence, in year order (``due`` is
    # the decisive one: the first missed, else the current one, else the last).
    occurrences: list[Occurrence] = []


class RequiredDocument(_Out):
    """A document a rule requires; with ``alternatives``, any one of them satisfies it."""

    id: str
    zh: str
    en: str
    rule_id: str
    citation: CitationRef
    submitted: bool | None
    alternatives: list[str] = []


class MissingFact(_Out):
    """A fact the project did not give that would decide the named rules."""

    fact: str
    zh: str
    rules: list[str]


class InterpretationUsed(_Out):
    rule_id: str
    citation: CitationRef
    note: Text


class ReadingResult(_Out):
    """What one reading of a rule decides: its status and dates."""

    status: Status
    due: date | None = None
    earliest: date | None = None
    latest: date | None = None


class AlternativeReading(_Out):
    """A rule whose other plausible reading decides differently for this project.

    ``chosen`` is what the verdict follows (the pack's reading); ``alternative`` what the
    other reading would decide; ``note`` says what the two readings are.
    """

    rule_id: str
    citation: CitationRef
    note: Text
    chosen: ReadingResult
    alternative: ReadingResult


class PackInfo(_Out):
    id: str
    version: str
    content_hash: str
    jurisdiction: str
    title: Text
    document_number: str | None = None


class ApplicabilityResult(_Out):
    applies: bool | None
    citations: list[CitationRef]
    missing_facts: list[str] = []


_M = TypeVar("_M")
_FIELDS: dict[type, set[str]] = {}


def make(cls: type[_M], **values: Any) -> _M:
    """Build an output model from values that are already valid (the evaluator made them).

    Skips validation the way ``model_construct`` does, at a third of its cost: verdict
    assembly, not rule matching, dominates a full evaluation.
    """
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    fields = _FIELDS.get(cls)
    if fields is None:
        # One set per output class, shared: every field of an output is always set.
        fields = _FIELDS[cls] = set(cls.model_fields)  # type: ignore[attr-defined]
    object.__setattr__(obj, "__pydantic_fields_set__", fields)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def rule_status(v: Verdict, rule_id: str) -> str | None:
    """A rule's status as tests read it: its finding's, else its deadline's, else
    ``not_applicable`` when its condition did not hold; None when it was not reached."""
    for f in v.findings:
        if f.rule_id == rule_id:
            return f.status.value
    for d in v.deadlines:
        if d.rule_id == rule_id:
            return d.status.value
    if rule_id in v.not_applicable:
        return "not_applicable"
    return None


def _detached() -> None:
    return None


def with_origin(verdict: Any, origin: Any) -> None:
    """Record what a verdict judged (its pack and project), beside any lazy builder."""
    private = dict(verdict.__pydantic_private__ or {})
    private["_origin"] = origin
    object.__setattr__(verdict, "__pydantic_private__", private)


def origin_of(verdict: Any) -> VerdictOrigin | None:
    """What a verdict judged (recorded by :func:`with_origin`), or None for a detached one."""
    origin: VerdictOrigin | None = (verdict.__pydantic_private__ or {}).get("_origin")
    return origin


class VerdictOrigin:
    """The pack and validated project a verdict was computed from.

    Kept so that the verdict can say what would change it; it takes no part in the JSON,
    in equality (two verdicts with the same content are equal) or in pickling.
    """

    __slots__ = ("pack", "project")

    def __init__(self, pack: Any, project: Any) -> None:
        self.pack = pack
        self.project = project

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, VerdictOrigin)

    def __hash__(self) -> int:
        return 0

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _detached, ()

    def counterfactuals(self, verdict: Verdict, rules: Collection[str] | None) -> list[Any]:
        """The verdict's counterfactuals; the engine's origin knows how to find them."""
        from ..errors import VerdictDetachedError

        raise VerdictDetachedError("this verdict's origin cannot re-evaluate its project")


class Verdict(_LazyOut):
    """The full answer of one pack for one project at one date.

    The outcome, applicability, approval routes, deadlines (dates and statuses), the rules
    that do not apply and the warnings are decided by :func:`~govit_rules.evaluate`; the
    findings, required documents, missing facts and interpretation notes are built when
    first read (and kept), so a caller that asks only for the outcome, a route or a due
    date pays only for those.
    """

    _LAZY: ClassVar[frozenset[str]] = frozenset(
        {"findings", "required_documents", "missing_facts", "interpretations", "readings"}
    )
    _NESTED: ClassVar[tuple[str, ...]] = ("deadlines",)

    _origin: VerdictOrigin | None = PrivateAttr(default=None)

    pack: PackInfo
    as_of: date
    in_force: bool
    applicability: ApplicabilityResult
    outcome: Outcome
    findings: list[Finding]
    not_applicable: list[str] = []
    approval_routes: list[RouteResult]
    deadlines: list[DeadlineResult]
    required_documents: list[RequiredDocument]
    missing_facts: list[MissingFact]
    interpretations: list[InterpretationUsed]
    readings: list[AlternativeReading] = []
    warnings: list[str] = []

    # -- questions a test suite asks -------------------------------------------------------

    @property
    def applies(self) -> bool | None:
        return self.applicability.applies

    def finding(self, rule_id: str) -> Finding:
        """The finding of one rule (KeyError if the rule was not evaluated)."""
        for f in self.findings:
            if f.rule_id == rule_id:
                return f
        raise KeyError(rule_id)

    def citations(self, *, include_not_applicable: bool = False) -> list[CitationRef]:
        """Every citation the verdict makes: findings, routes, deadlines, applicability."""
        out: list[CitationRef] = list(self.applicability.citations)
        for f in self.findings:
            if include_not_applicable or f.status is not Status.not_applicable:
                out.append(f.citation)
                out.extend(f.also_cites)
        for r in self.approval_routes:
            out.append(r.citation)
            out.extend(r.also_cites)
        for d in self.deadlines:
            if include_not_applicable or d.status is not Status.not_applicable:
                out.append(d.citation)
                out.extend(d.also_cites)
        return out

    def cites(self, citation: str | Citation, *, status: str | Status | None = None) -> bool:
        """True when some finding, route or deadline cites ``citation`` or a part of it.

        ``verdict.cites("10(2)(iv)")`` holds for a finding citing Art. 10(2)(iv); asking for
        ``"10"`` also matches it. The articles a rule also cites (``also_cite``) count as
        its own. With ``status``, only findings, routes and deadlines of that status count.
        """
        want = citation if isinstance(citation, Citation) else Citation.parse(citation)
        if status is not None:
            st = Status(status)
            refs = []
            outs: list[Finding | RouteResult | DeadlineResult] = [
                *self.findings,
                *self.approval_routes,
                *self.deadlines,
            ]
            for out in outs:
                if out.status is st:
                    refs.append(out.citation)
                    refs.extend(out.also_cites)
        else:
            refs = self.citations()
        return any(r.as_citation().within(want) for r in refs)

    def route(self, name: str = "project_approval") -> RouteResult | None:
        """The chosen route of that name (None when no route of that name applies)."""
        for r in self.approval_routes:
            if r.route == name:
                return r
        return None

    def final_approver(self, route: str = "project_approval") -> str | None:
        r = self.route(route)
        return r.final_approver if r else None

    def deadline(self, rule_id: str) -> DeadlineResult:
        for d in self.deadlines:
            if d.rule_id == rule_id:
                return d
        raise KeyError(rule_id)

    def counterfactuals(self, rules: Collection[str] | None = None) -> list[Counterfactual]:
        """The nearest changes of the project's facts that would change this verdict.

        For each decisive finding, approval route and deadline; each one cites the
        threshold, period or exception it crosses and was verified by evaluating the
        changed project (see docs/explain.md). ``rules`` limits them to those rule ids
        (and the approval routes they belong to).
        """
        from ..errors import VerdictDetachedError

        origin = origin_of(self)
        if origin is None:
            raise VerdictDetachedError(
                "this verdict does not know its pack and project (it was read from JSON or "
                "unpickled); evaluate the project again to ask what would change it"
            )
        found: list[Counterfactual] = origin.counterfactuals(self, rules)
        return found

    def to_json(
        self, *, indent: int | None = None, compact: bool = False, counterfactuals: bool = False
    ) -> str:
        """The verdict as JSON text: every text in full, or ``compact``.

        The compact form names fixed pack texts (citations' renderings, messages, notes,
        route steps, labels) by id with the pack's content hash instead of repeating them;
        ``pack.texts()`` serves them once. Both forms have a JSON Schema in ``schemas/``.
        With ``counterfactuals``, a ``counterfactuals`` section is added (full form only).
        """
        if compact:
            from .compact import compact_json

            return compact_json(self, indent)
        if not counterfactuals:
            return self.model_dump_json(indent=indent)
        import json

        data = self.model_dump(mode="json")
        data["counterfactuals"] = [c.model_dump(mode="json") for c in self.counterfactuals()]
        return json.dumps(data, ensure_ascii=False, indent=indent)
