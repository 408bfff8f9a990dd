"""Boundaries of a rule pack as data: every threshold, period and exception, with its side.

Owns the listing behind ``govit-rules boundaries`` and the arithmetic of "one step" that
counterfactuals use: money moves on a grid of 0.01万, whole numbers by 1 and dates by one
day. A threshold says whether its boundary value itself satisfies the test (the regulation's
以上含本数 / 以下不含本数 convention, e.g. Dazhou Art. 62); a period says how it is counted
(Civil Code Arts. 201–203); an exception is one alternative of a prohibition's ``unless``.
Everything is read from the checked condition trees of the compiled pack.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, localcontext
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .._lang.conditions import (
    DATE_OPS,
    NUMERIC_OPS,
    AnyOf,
    Cond,
    FactRef,
    Test,
    dated,
    describe_test,
    known_fact_types,
    tests_of,
)
from .._packs.loader import MAIN_KEY, CompiledPack, CompiledRule
from .._vocab.verdict import CitationRef, Text

__all__ = [
    "NEGATE",
    "Boundary",
    "bound_of",
    "boundaries",
    "cites_of",
    "exceptions_of",
    "first_on_side",
    "grid_step",
    "probe_values",
    "rule_trees",
    "step_toward",
    "threshold_side",
    "tidy",
]

ORDER_OPS = frozenset(NUMERIC_OPS) | frozenset(DATE_OPS)
INCLUSIVE_OPS = frozenset({"at_least", "at_most", "on_or_after", "on_or_before"})
CENT = Decimal("0.01")
_TYPES = known_fact_types()
# The opposite of each ordering test: the test that holds exactly when it fails.
NEGATE = {
    "at_least": "below",
    "below": "at_least",
    "above": "at_most",
    "at_most": "above",
    "on_or_after": "before",
    "before": "on_or_after",
    "after": "on_or_before",
    "on_or_before": "after",
}


def grid_step(fact: str) -> Any:
    """One step of a fact: 0.01万 for money and decimals, 1 for integers, one day for dates."""
    kind = _TYPES[fact].kind
    if kind == "integer":
        return 1
    if kind == "date":
        return timedelta(days=1)
    return CENT


def step_toward(fact: str, value: Any, target: Any) -> Any:
    """``value`` moved one step toward ``target`` (``value`` itself when they are equal)."""
    if value == target:
        return value
    step = grid_step(fact)
    return value - step if target < value else value + step


def first_on_side(fact: str, op: str, bound: Any) -> Any:
    """The value nearest to ``bound`` on the grid that satisfies ``fact op bound``."""
    kind = _TYPES[fact].kind
    up = op in ("at_least", "above", "on_or_after", "after")
    strict = op not in INCLUSIVE_OPS
    if kind == "date":
        one = timedelta(days=1)
        if not strict:
            return bound
        return bound + one if up else bound - one
    if kind == "integer":
        whole = Decimal(bound)
        base = whole.to_integral_value(ROUND_CEILING if up else ROUND_FLOOR)
        value = int(base)
        if strict and Decimal(value) == whole:
            value += 1 if up else -1
        return value
    exact = Decimal(bound)
    with localcontext(_wide(exact)):
        base = exact.quantize(CENT, ROUND_CEILING if up else ROUND_FLOOR)
        if strict and base == exact:
            base += CENT if up else -CENT
        return tidy(base)


def _wide(value: Decimal) -> Context:
    """Enough precision to count cents of ``value`` exactly, however large it is."""
    return Context(prec=max(28, value.adjusted() + 12))


def tidy(value: Decimal) -> Decimal:
    """A decimal without trailing zeros and never in exponent form (200, not 2E+2)."""
    with localcontext(_wide(value)):
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


class Boundary(BaseModel):
    """One threshold, period or exception of a pack, with its side and its citation.

    A ``date`` boundary is a test of the evaluation date, or of the last day of a period
    counted from a date: it moves with the day the project is evaluated on.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["threshold", "date", "period", "exception"]
    rule_id: str
    condition: str  # when / in_scope_if / prohibits / requires / unless / deadline
    fact: str | None = None
    test: str
    value: str
    included: bool | None = None  # does the boundary value itself satisfy the test?
    side: Text
    cites: list[CitationRef]


def _show(value: Any) -> str:
    if isinstance(value, FactRef):
        shown = value.fact if value.times is None else f"{value.times} × {value.fact}"
        return shown if value.plus is None else f"{shown} + {value.plus.describe()}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def threshold_side(t: Test, shown: str | None = None) -> Text:
    """Which side of a threshold its boundary value (``shown``, if resolved) falls on."""
    value = shown or _show(t.value)
    if t.op in INCLUSIVE_OPS:
        return Text(
            zh=f"界限值 {value} 本身满足“{describe_test(t)}”（含本数）",
            en=f"{value} itself satisfies {describe_test(t)} (included)",
        )
    return Text(
        zh=f"界限值 {value} 本身不满足“{describe_test(t)}”（不含本数）",
        en=f"{value} itself does not satisfy {describe_test(t)} (excluded)",
    )


def cites_of(pack: CompiledPack, rule: CompiledRule) -> list[CitationRef]:
    """The rule's own citation and its also_cite, as verdicts show them."""
    ref, also = pack.fixed[rule.id][:2]
    return [ref, *also]


def rule_trees(rule: CompiledRule) -> Iterator[tuple[str, Cond]]:
    """The condition trees of a rule, each with the name its YAML key gives it."""
    yield "when", rule.when
    if rule.kind in MAIN_KEY:
        yield MAIN_KEY[rule.kind], rule.main
    if rule.unless is not None:
        yield "unless", rule.unless


def exceptions_of(rule: CompiledRule) -> list[Cond]:
    """The alternatives of a prohibition's exception: each lifts it on its own."""
    if rule.unless is None:
        return []
    if isinstance(rule.unless, AnyOf):
        return list(rule.unless.parts)
    return [rule.unless]


def _period_side(rule: CompiledRule) -> Text:
    spec = rule.deadline
    assert spec is not None
    if spec.direction == "at_least":
        return Text(
            zh="最短期间：起算日不计入（民法典第二百零一条），期满之日及其后即满足；不因休息日顺延。",
            en="A minimum period: the start day is not counted (Civil Code Art. 201); the last "
            "day of the period and any later day meet it; it is not extended over rest days.",
        )
    if spec.direction == "each_year" or (spec.direction == "by" and spec.rest_day == "stays"):
        return _named_day_side(spec.direction == "each_year", spec.rest_day == "stays")
    if spec.direction == "by":
        return Text(
            zh="期限日当天仍满足；期限日为法定休息日的，顺延至其后第一个工作日（民法典第二百零三条）。",
            en="The fixed day itself still meets it; a fixed day on a rest day moves to the "
            "next working day (Civil Code Art. 203).",
        )
    if spec.direction == "window":
        return Text(
            zh="起算日不计入（民法典第二百零一条）；窗口首日当天即满足，前一日为过早；窗口最后一日当天"
            "仍满足，最后一日为法定休息日的顺延至其后第一个工作日（第二百零三条）。",
            en="The start day is not counted (Civil Code Art. 201); the first day of the window "
            "already meets it and the day before is too early; the last day still meets it, and "
            "a last day on a rest day moves to the next working day (Art. 203).",
        )
    return Text(
        zh="起算日不计入（民法典第二百零一条），期间最后一日当天仍满足；按日、月、年计算的期间最后"
        "一日为法定休息日的，顺延至其后第一个工作日（第二百零三条）；工作日按官方节假日安排计算。",
        en="The start day is not counted (Civil Code Art. 201) and the last day still meets "
        "it; a period in days, months or years whose last day is a rest day ends on the next "
        "working day (Art. 203); working days follow the official holiday arrangement.",
    )


def boundaries(pack: CompiledPack) -> list[Boundary]:
    """Every threshold, period and exception of a pack, in rule order."""
    out: list[Boundary] = []
    seen: set[tuple[str, str, str]] = set()
    for rule in pack.rules:
        cites = cites_of(pack, rule)
        for name, tree in rule_trees(rule):
            for t in tests_of(tree):
                if t.op not in ORDER_OPS:
                    continue
                key = (rule.id, name, describe_test(t))
                if key in seen:  # a named condition used twice in one tree
                    continue
                seen.add(key)
                out.append(
                    Boundary(
                        kind="date" if dated(t) else "threshold",
                        rule_id=rule.id,
                        condition=name,
                        fact=t.fact,
                        test=describe_test(t),
                        value=_show(t.value),
                        included=t.op in INCLUSIVE_OPS,
                        side=threshold_side(t),
                        cites=cites,
                    )
                )
        if rule.deadline is not None:
            out.append(
                Boundary(
                    kind="period",
                    rule_id=rule.id,
                    condition="deadline",
                    fact=rule.done,
                    test=f"{rule.done or 'the duty'}: {rule.deadline.describe()} from {rule.anchor}",
                    value=rule.deadline.describe(),
                    included=True,
                    side=_period_side(rule),
                    cites=cites,
                )
            )
        for exc in exceptions_of(rule):
            shown = "; ".join(describe_test(t) for t in tests_of(exc)) or "always"
            out.append(
                Boundary(
                    kind="exception",
                    rule_id=rule.id,
                    condition="unless",
                    fact=None,
                    test=shown,
                    value=shown,
                    included=None,
                    side=Text(
                        zh=f"项目证明“{shown}”成立时，本禁止不适用。",
                        en=f"Once the project establishes {shown}, the prohibition is lifted.",
                    ),
                    cites=cites,
                )
            )
    return out


def bound_of(t: Test, p: Any) -> Any:
    """The value a test compares with for project ``p`` (None when a fact it needs is unknown,
    and for a test of the evaluation date or of a period's end: the date moves with the
    evaluation, and a period's last day jumps over rest days, so neither is a fixed bound)."""
    if dated(t):
        return None
    if isinstance(t.value, FactRef):
        other = getattr(p, t.value.fact)
        if other is None:
            return None
        return other if t.value.times is None else other * t.value.times
    return t.value


def probe_values(fact: str, rules: list[CompiledRule], p: Any) -> list[Any]:
    """Values of a missing fact worth asking about: both sides of each of its thresholds."""
    kind = _TYPES[fact].kind
    if kind == "bool":
        return [True, False]
    if kind == "enum":
        enum = _TYPES[fact].enum
        return list(enum) if enum is not None else []
    leaves = [
        t for r in rules for _, tree in rule_trees(r) for t in tests_of(tree) if t.fact == fact
    ]
    if kind == "set":
        out: list[Any] = [frozenset()]
        for t in leaves:
            for m in sorted(t.value if isinstance(t.value, frozenset) else {t.value}, key=str):
                if frozenset({m}) not in out:
                    out.append(frozenset({m}))
        docs = frozenset(d for r in rules for d in r.documents)
        if fact == "submitted_documents" and docs and docs not in out:
            out.append(docs)
        return out
    values: list[Any] = []
    for t in leaves:
        rhs = bound_of(t, p)
        if t.op in ORDER_OPS and rhs is not None:
            for op in (NEGATE[t.op], t.op):
                try:
                    value = first_on_side(fact, op, rhs)
                except ArithmeticError:
                    continue
                if value not in values:
                    values.append(value)
    return sorted(values)


def _named_day_side(each_year: bool, stays: bool) -> Text:
    """The inclusive side of a named calendar day, once or every year."""
    zh = "期限日当天仍满足；"
    en = "The named day itself still meets it; "
    if stays:
        zh += "原文指明日历上的这一天，即使为休息日也不顺延。"
        en += "the text names that calendar day, so it stays the last day even on a rest day."
    else:
        zh += "期限日为法定休息日的，顺延至其后第一个工作日（民法典第二百零三条）。"
        en += "a day on a rest day moves to the next working day (Civil Code Art. 203)."
    if each_year:
        zh += "每年一次：日期在上一年期限日之后、本年期限日（含）之前的报送满足本年。"
        en += (
            " Once a year: a report dated after the previous year's last day and by this "
            "year's meets this year."
        )
    return Text(zh=zh, en=en)
