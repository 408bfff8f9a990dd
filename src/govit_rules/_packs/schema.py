"""The shape of rule pack files: pydantic models for pack.yaml, articles.yaml, rules and tests.

Owns what keys each pack file may hold and of which type, and nothing more: meaning
(fact names, citations, conditions) is checked by the loader's later stages. These models
also give the JSON Schemas that editors use to validate and autocomplete pack files.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._vocab.project import Stage

__all__ = [
    "ACTIONS",
    "ArticlesFile",
    "CiteSpec",
    "PackFile",
    "RuleSpec",
    "RulesFile",
    "TestFile",
]

ID = r"^[a-z0-9][a-z0-9_.-]*$"

# Approval actions named by the regulations, with their usual Chinese words.
ACTIONS: dict[str, tuple[str, str]] = {
    "review": ("审核", "reviews"),
    "countersign": ("审签", "countersigns"),
    "decide": ("审定", "decides"),
    "deliberate": ("审议", "deliberates"),
    "approve": ("审批", "approves"),
    "file": ("备案", "files"),
    "initial_review": ("初审", "makes the initial review"),
    "pre_review": ("预审", "pre-reviews"),
    "assess": ("论证评估", "assesses"),
    "report": ("报送", "reports to"),
    "accept": ("验收", "accepts"),
}

Action = Literal[
    "review",
    "countersign",
    "decide",
    "deliberate",
    "approve",
    "file",
    "initial_review",
    "pre_review",
    "assess",
    "report",
    "accept",
]
Kind = Literal["scope", "prohibition", "obligation", "documents", "route", "deadline", "exemption"]


# Bounds on numbers in pack files: a regulation has at most 999 articles and 99 chapters,
# paragraphs (款), items (项) or sub-items (目) in one place. Nothing is sized from a larger
# number, and a mistyped one is a located error instead of a gigabyte range.
MAX_ARTICLE = 999
MAX_PART = 99
_Part = Annotated[int, Field(ge=1, le=MAX_PART)]
_Count = Annotated[int, Field(ge=0, le=MAX_PART)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class CiteSpec(_Strict):
    """A structured citation: article, paragraph (款), item (项), sub-item (目)."""

    article: int = Field(ge=1, le=MAX_ARTICLE)
    paragraph: int | None = Field(default=None, ge=1, le=MAX_PART)
    item: int | None = Field(default=None, ge=1, le=MAX_PART)
    sub_item: int | None = Field(default=None, ge=1, le=MAX_PART)


class DocumentMeta(_Strict):
    title: Text
    issuer: Text
    number: str | None = None
    issued: date
    in_force_from: date
    in_force_until: date | None = None
    repeals: list[str] = []
    source: str | None = None


class Jurisdiction(_Strict):
    id: str = Field(pattern=ID)
    zh: str
    en: str


class Boundaries(_Strict):
    cite: CiteSpec | None = None
    text: Text


class Named(_Strict):
    id: str = Field(pattern=ID)
    zh: str
    en: str


class NamedSet(_Strict):
    """A word of the regulation for a set of values (新建、改建、购买服务 …), defined once.

    ``note`` says which values it covers and why; ``interpretation`` says why this pack's
    set differs from another shipped pack's set of the same word (lint asks for it).
    """

    zh: str = Field(min_length=1)
    fact: str
    values: list[str] = Field(min_length=1)
    note: Text
    interpretation: Text | None = None


class CalendarSpec(_Strict):
    extra_rest_days: list[date] = []
    extra_working_days: list[date] = []


class PackFile(_Strict):
    """``pack.yaml``: the regulation, its authorities, documents, routes and definitions."""

    pack: str = Field(pattern=ID)
    version: str
    jurisdiction: Jurisdiction
    document: DocumentMeta
    boundaries: Boundaries | None = None
    authorities: list[Named] = []
    documents: list[Named] = []
    routes: dict[str, Text] = {}
    calendar: CalendarSpec | None = None
    sets: dict[str, NamedSet] = {}
    define: dict[str, Any] = {}


class Chapter(_Strict):
    number: int = Field(ge=1, le=MAX_PART)
    title: Text
    damaged: str | None = None


class ArticleSpec(_Strict):
    article: int = Field(ge=1, le=MAX_ARTICLE)
    chapter: int | None = Field(default=None, ge=1, le=MAX_PART)
    title: Text
    paragraphs: int = Field(default=1, ge=1, le=MAX_PART)
    items: dict[_Part, _Count] = {}
    not_checkable: str | None = Field(default=None, min_length=3)
    damaged: str | None = None
    # The article is known to exist but its text is not at hand yet (a page missing from
    # the copy the analyst has): a status of its own, never a rule's source.
    unknown_text: str | None = Field(default=None, min_length=3)


class ArticlesFile(_Strict):
    """``articles.yaml``: the article index."""

    # Why the index is known to be incomplete (articles whose numbers are not known yet).
    incomplete: str | None = Field(default=None, min_length=3)
    chapters: list[Chapter] = []
    articles: list[ArticleSpec]


class Step(_Strict):
    authority: str  # who acts
    action: Action
    # To whom the step is addressed: who receives a report or keeps a filing (报送/备案).
    to: str | None = None


class PeriodSpec(_Strict):
    """Exactly one of days, working_days, months, years."""

    # A century at most: longer periods are typing mistakes and would leave the calendar.
    days: int | None = Field(default=None, ge=0, le=36_600)
    working_days: int | None = Field(default=None, ge=1, le=25_000)
    months: int | None = Field(default=None, ge=1, le=1_200)
    years: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _one_unit(self) -> PeriodSpec:
        given = [
            k for k in ("days", "working_days", "months", "years") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError("a period has exactly one of days, working_days, months, years")
        return self

    @property
    def unit(self) -> Literal["days", "working_days", "months", "years"]:
        for k in ("days", "working_days", "months", "years"):
            if getattr(self, k) is not None:
                return k
        raise AssertionError  # pragma: no cover

    @property
    def amount(self) -> int:
        return int(getattr(self, self.unit))

    def describe(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"


class WindowSpec(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: PeriodSpec = Field(alias="from")
    end: PeriodSpec = Field(alias="to")


# What a named calendar day on a rest day means: ``stays`` (the text names the day itself,
# so it stays the last day) or ``next_working_day`` (Civil Code Art. 203 moves it).
RestDay = Literal["stays", "next_working_day"]


class ByDateSpec(_Strict):
    month: int = Field(ge=1, le=12)
    day: Annotated[int, Field(ge=1, le=31)] | Literal["last"] = "last"
    year: str
    offset: int = Field(default=0, ge=-10, le=10)
    rest_day: RestDay = "next_working_day"


class EachYearSpec(_Strict):
    """A named day of every year from the anchor's year to ``until``'s (or the judged year).

    ``rest_day`` has no default: the analyst states the reading of a day on a rest day.
    """

    month: int = Field(ge=1, le=12)
    day: Annotated[int, Field(ge=1, le=31)] | Literal["last"] = "last"
    until: str | None = None
    rest_day: RestDay


class DocumentChoice(_Strict):
    """One required document that any of several documents satisfies (``A或者B``)."""

    any_of: list[str] = Field(min_length=2)


class AlternativeSpec(_Strict):
    """Another plausible reading of the rule's text: the keys it changes, and why.

    The verdict follows the rule; where the alternative reading gives another status or
    other dates, it reports both (the rule's reading first).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    note: Text


class RuleSpec(_Strict):
    """One rule; which keys apply depends on ``kind`` (checked by the loader)."""

    id: str = Field(pattern=ID)
    kind: Kind
    cite: CiteSpec
    also_cite: list[CiteSpec] = []
    title: Text | None = None
    message: Text
    interpretation: Text | None = None
    when: Any = None
    in_scope_if: Any = None
    prohibits: Any = None
    unless: Any = None
    requires: Any = None
    stage: Stage | None = None
    documents: list[str | DocumentChoice] | None = None
    route: str | None = None
    steps: list[Step] | None = None
    anchor: str | None = None
    within: PeriodSpec | None = None
    at_least: PeriodSpec | None = None
    window: WindowSpec | None = None
    by: ByDateSpec | None = None
    each_year: EachYearSpec | None = None
    done: str | None = None
    exempt_if: Any = None
    exempts: list[str] | None = None
    limit: str | None = None
    shown_by: list[str] | None = None
    despite_scope: bool = False
    alternative: AlternativeSpec | None = None


class RulesFile(_Strict):
    """``rules/<topic>.yaml``."""

    rules: list[RuleSpec]


Outcome = Literal[
    "not_in_force",
    "not_applicable",
    "prohibited",
    "non_compliant",
    "needs_information",
    "compliant",
]


class DeadlineExpect(_Strict):
    due: date | None = None
    earliest: date | None = None
    latest: date | None = None
    status: str | None = None
    provisional: bool | None = None


class Expect(_Strict):
    outcome: Outcome | None = None
    applies: bool | None = None
    cites: list[str] = []
    not_cites: list[str] = []
    findings: dict[str, str] = {}
    final_approver: dict[str, str | None] = {}
    # A route that ends in a filing: the body that keeps it (null: not a filing route).
    filed_with: dict[str, str | None] = {}
    # Each step as [authority, action] or [authority, action, addressee].
    route_steps: dict[str, list[list[str]]] = {}
    deadlines: dict[str, DeadlineExpect] = {}
    required_documents: list[str] = []
    not_required_documents: list[str] = []
    missing_facts: list[str] = []
    interpretations: list[str] = []


class CaseDefaults(_Strict):
    project: dict[str, Any] = {}
    as_of: date | None = None


class TestCase(_Strict):
    name: str = Field(min_length=3)
    article: str
    as_of: date | None = None
    project: dict[str, Any] = {}
    expect: Expect


class TestFile(_Strict):
    """``tests/<topic>.yaml``: article-level cases."""

    __test__ = False  # not a pytest class

    defaults: CaseDefaults | None = None
    cases: list[TestCase]
