"""Differential tests: the compiled engine and the Rete engine must agree.

Two levels:

* every shipped pack that loads (and ``tests/fixtures/mini``): hypothesis draws projects
  biased to the pack's own thresholds (value - 0.01, value, value + 0.01 for every numeric
  literal; ±1 day around date literals and deadline periods), missing facts, every enum
  value and sets, and both engines must return the same verdict as JSON;
* condition semantics alone: random condition trees over a few facts, decided by
  durable-rules, must equal the reference interpreter ``interpret`` (three-valued).

CI size: ``GOVIT_DIFF_EXAMPLES`` examples per pack (default 300, about 40 s for six packs
on one core) and as many batches of up to 12 trees x 12 projects. A larger run::

    GOVIT_DIFF_EXAMPLES=5000 .venv/bin/pytest tests/test_differential.py -q
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable.engine", reason="durable-rules is not installed (Python 3.13?)")

from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._engine.rete import compile_conditions, evaluate_rete
from govit_rules._lang.clock import Clock
from govit_rules._lang.conditions import (
    All,
    AnyOf,
    Cond,
    FactRef,
    Known,
    Not,
    TrueCond,
    fact_types,
    interpret,
)
from govit_rules._lang.conditions import Test as Leaf
from govit_rules._lang.conditions import tests_of as leaves_of
from govit_rules._packs.loader import CompiledPack, load_pack
from govit_rules._packs.registry import default_registry
from govit_rules._vocab.project import Project
from govit_rules.errors import GovitRulesError

_CLOCK = Clock(date(2026, 6, 1))  # the evaluation date a condition may read

EXAMPLES = int(os.environ.get("GOVIT_DIFF_EXAMPLES", "300"))
MINI = Path(__file__).parent / "fixtures" / "mini"
TYPES = fact_types()
CENT = Decimal("0.01")


def _packs() -> list[Any]:
    out: list[Any] = [pytest.param(MINI, id="mini")]
    reg = default_registry()
    for jid in reg.jurisdictions():
        for folder in reg._index()[jid]:  # every version, loaded or not
            out.append(pytest.param(folder, id=folder.name))
    return out


def _load(folder: Path) -> CompiledPack:
    try:
        return default_registry().load(folder) if folder != MINI else load_pack(folder)
    except GovitRulesError as exc:  # packs are written concurrently; a broken one is skipped
        pytest.skip(f"pack {folder.name} does not load: {str(exc).splitlines()[0]}")


# --- projects biased to a pack's boundaries -------------------------------------------------


def _pack_conditions(pack: CompiledPack) -> list[Cond]:
    return [c for r in pack.rules for c in (r.when, r.main, r.unless) if c is not None]


def _fact_strategies(pack: CompiledPack) -> dict[str, st.SearchStrategy[Any]]:
    """One strategy per fact the pack reads, each including ``None`` (unknown)."""
    numbers: dict[str, set[Decimal]] = {}
    ints: dict[str, set[int]] = {}
    dates: dict[str, set[date]] = {}
    members: dict[str, set[Any]] = {}
    for cond in _pack_conditions(pack):
        for t in leaves_of(cond):
            if isinstance(t.value, FactRef) or t.fact == "today":  # the date, not a fact
                continue
            values = t.value if isinstance(t.value, frozenset) else {t.value}
            kind = TYPES[t.fact].kind
            for v in values:
                if kind == "number":
                    numbers.setdefault(t.fact, set()).update({v - CENT, v, v + CENT})
                elif kind == "integer":
                    ints.setdefault(t.fact, set()).update({v - 1, v, v + 1})
                elif kind == "date":
                    dates.setdefault(t.fact, set()).update(
                        {v - timedelta(days=1), v, v + timedelta(days=1)}
                    )
                elif kind == "set":
                    members.setdefault(t.fact, set()).add(v)
    facts = {f for r in pack.rules for f in r.facts} | {"stage", "submitted_documents"}
    out: dict[str, st.SearchStrategy[Any]] = {}
    for fact in sorted(facts):
        ftype = TYPES[fact]
        kind = ftype.kind
        if kind == "number":
            edges = sorted(v for v in numbers.get(fact, set()) if _valid(fact, v))
            base: st.SearchStrategy[Any] = st.decimals(
                min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False
            ).filter(lambda v, fact=fact: _valid(fact, v))
            if edges:
                base = st.one_of(st.sampled_from(edges), base)
        elif kind == "integer":
            edges_i = sorted(v for v in ints.get(fact, set()) if _valid(fact, v))
            base = (
                st.integers(min_value=2020, max_value=2030) if "year" in fact else st.integers(0, 5)
            )
            if edges_i:
                base = st.one_of(st.sampled_from(edges_i), base)
        elif kind == "date":
            base = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))
            if dates.get(fact):
                base = st.one_of(st.sampled_from(sorted(dates[fact])), base)
        elif kind == "dates":
            base = st.lists(
                st.dates(min_value=date(2022, 1, 1), max_value=date(2028, 12, 31)), max_size=4
            )
        elif kind == "bool":
            base = st.booleans()
        elif kind == "enum":
            assert ftype.enum is not None
            base = st.sampled_from(list(ftype.enum))
        elif kind == "set":
            pool: list[Any] = (
                list(ftype.enum)
                if ftype.enum is not None
                # Only declared document ids: an undeclared one is an input error (issue 11).
                else sorted({*members.get(fact, set()), *pack.documents}, key=str)
            )
            base = (
                st.frozensets(st.sampled_from(pool), max_size=min(4, len(pool)))
                if pool
                else st.just(frozenset())
            )
        else:
            base = st.text(alphabet="ab", max_size=2)
        out[fact] = st.one_of(st.none(), base)
    return out


def _valid(fact: str, value: Any) -> bool:
    """The model accepts ``value`` for ``fact`` (e.g. a percent is at most 100)."""
    try:
        Project.model_validate({fact: value})
    except ValueError:
        return False
    return True


def _deadline_nudges(pack: CompiledPack) -> list[tuple[str, str]]:
    """(anchor, done) pairs: done dates are drawn near the anchor to hit the periods."""
    return [
        (r.anchor, r.done)
        for r in pack.rules
        if r.kind == "deadline" and r.done and r.anchor and TYPES[r.anchor].kind == "date"
    ]


def _year_ends(draw: st.DrawFn, first: int) -> list[date]:
    """Report dates a day or so either side of some year-ends from ``first`` on."""
    years = draw(st.lists(st.integers(first, first + 4), max_size=5, unique=True))
    return [date(y, 12, 31) + timedelta(days=draw(st.integers(-2, 4))) for y in years]


def _ref_tests(pack: CompiledPack) -> list[Leaf]:
    return [
        t
        for cond in _pack_conditions(pack)
        for t in leaves_of(cond)
        if isinstance(t.value, FactRef) and t.fact != "today" and TYPES[t.fact].kind == "number"
    ]


@st.composite
def _projects(draw: st.DrawFn, pack: CompiledPack) -> dict[str, Any]:
    strategies = _fact_strategies(pack)
    data = {fact: draw(s) for fact, s in strategies.items()}
    for anchor, done in _deadline_nudges(pack):
        if data.get(anchor) is not None and draw(st.booleans()):
            if TYPES[done].kind == "dates":
                # A yearly deadline: reports around each year-end from the anchor's year on.
                data[done] = _year_ends(draw, data[anchor].year)
            else:
                data[done] = data[anchor] + timedelta(days=draw(st.integers(-3, 200)))
    for t in _ref_tests(pack):
        ref = t.value
        assert isinstance(ref, FactRef)
        if data.get(ref.fact) is not None and draw(st.booleans()):
            exact = data[ref.fact] * (ref.times if ref.times is not None else 1)
            nudged = exact + draw(st.sampled_from([-CENT, 0, CENT]))
            if _valid(t.fact, nudged):
                data[t.fact] = nudged
    return {k: v for k, v in data.items() if v is not None}


def _as_of(pack: CompiledPack) -> st.SearchStrategy[date]:
    start = pack.in_force_from
    return st.sampled_from([start, start + timedelta(days=400), date(2026, 10, 15)])


@pytest.mark.parametrize("folder", _packs())
def test_engines_agree_on_pack(folder: Path) -> None:
    pack = _load(folder)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(project=_projects(pack), as_of=_as_of(pack))
    def check(project: dict[str, Any], as_of: date) -> None:
        compiled = evaluate_pack(pack, project, as_of).model_dump(mode="json")
        rete = evaluate_rete(pack, project, as_of).model_dump(mode="json")
        assert rete == compiled

    check()


# --- condition semantics: durable-rules against the reference interpreter ---------------------

# A few facts of every kind, including two money facts for fact-to-fact comparisons.
_MONEY = ("total_investment", "approved_estimate")
_LITERALS = [Decimal(x) for x in ("0", "0.05", "29.99", "30", "30.001", "500", "1000.5")]


def _money_values() -> st.SearchStrategy[Decimal]:
    near = [v + d for v in _LITERALS for d in (Decimal("-0.001"), Decimal(0), Decimal("0.001"))]
    return st.one_of(
        st.sampled_from([v for v in near if v >= 0]),
        st.decimals(min_value=0, max_value=2000, places=4, allow_nan=False, allow_infinity=False),
    )


_DAYS = [date(2026, 1, 1), date(2026, 1, 2), date(2026, 6, 30)]


def _leaf() -> st.SearchStrategy[Cond]:
    from govit_rules._vocab.project import Component, DeliveryMode

    modes = list(DeliveryMode)
    comps = [Component.server_room, Component.data_center, Component.mobile_app]
    money_ops = st.sampled_from(["at_least", "above", "at_most", "below", "eq", "ne"])
    return st.one_of(
        st.builds(Leaf, st.sampled_from(_MONEY), money_ops, st.sampled_from(_LITERALS)),
        st.builds(
            Leaf,
            st.sampled_from(_MONEY),
            st.sampled_from(["in", "not_in"]),
            st.frozensets(st.sampled_from(_LITERALS), min_size=1, max_size=3),
        ),
        st.builds(
            Leaf,
            st.just("total_investment"),
            money_ops,
            st.builds(
                FactRef,
                st.just("approved_estimate"),
                st.sampled_from([None, Decimal("0.10"), Decimal("0.15"), Decimal("1.5")]),
            ),
        ),
        st.builds(
            Leaf,
            st.just("plan_year"),
            st.sampled_from(["at_least", "above", "at_most", "below", "eq", "ne"]),
            st.integers(2025, 2027),
        ),
        st.builds(Leaf, st.just("is_secret"), st.sampled_from(["eq", "ne"]), st.booleans()),
        st.builds(
            Leaf, st.just("delivery_mode"), st.sampled_from(["eq", "ne"]), st.sampled_from(modes)
        ),
        st.builds(
            Leaf,
            st.just("delivery_mode"),
            st.sampled_from(["in", "not_in"]),
            st.frozensets(st.sampled_from(modes), min_size=1, max_size=3),
        ),
        st.builds(
            Leaf,
            st.just("components"),
            st.sampled_from(["contains_any", "contains_all", "contains_none"]),
            st.frozensets(st.sampled_from(comps), min_size=1, max_size=3),
        ),
        st.builds(Leaf, st.just("components"), st.just("contains"), st.sampled_from(comps)),
        st.builds(
            Leaf,
            st.just("submitted_documents"),
            st.sampled_from(["contains_any", "contains_all", "contains_none"]),
            st.frozensets(st.sampled_from(["plan", "feasibility"]), min_size=1, max_size=2),
        ),
        st.builds(
            Leaf,
            st.just("declared_on"),
            st.sampled_from(["on_or_after", "after", "on_or_before", "before", "eq", "ne"]),
            st.sampled_from(_DAYS),
        ),
        st.builds(
            Leaf,
            st.just("declared_on"),
            st.sampled_from(["on_or_before", "after"]),
            st.builds(FactRef, st.just("approved_on")),
        ),
        st.builds(
            Leaf, st.just("name"), st.sampled_from(["eq", "ne"]), st.sampled_from(["a", "b"])
        ),
        st.builds(
            Known, st.sampled_from(["total_investment", "components", "is_secret"]), st.booleans()
        ),
        st.just(TrueCond()),
    )


def _trees() -> st.SearchStrategy[Cond]:
    return st.recursive(
        _leaf(),
        lambda inner: st.one_of(
            st.builds(All, st.lists(inner, min_size=1, max_size=3).map(tuple)),
            st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
            st.builds(Not, inner),
        ),
        max_leaves=8,
    )


def _maybe(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), s)


def _tree_projects() -> st.SearchStrategy[Project]:
    from govit_rules._vocab.project import Component, DeliveryMode

    return st.builds(
        Project,
        total_investment=_maybe(_money_values()),
        approved_estimate=_maybe(_money_values()),
        plan_year=_maybe(st.integers(2024, 2028)),
        is_secret=_maybe(st.booleans()),
        delivery_mode=_maybe(st.sampled_from(list(DeliveryMode))),
        components=_maybe(
            st.frozensets(
                st.sampled_from([Component.server_room, Component.data_center, Component.servers]),
                max_size=3,
            )
        ),
        submitted_documents=_maybe(
            st.frozensets(st.sampled_from(["plan", "feasibility"]), max_size=2)
        ),
        declared_on=_maybe(st.sampled_from([*_DAYS, date(2025, 12, 31)])),
        approved_on=_maybe(st.sampled_from(_DAYS)),
        name=_maybe(st.sampled_from(["a", "b", "c"])),
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    trees=st.lists(_trees(), min_size=1, max_size=12),
    projects=st.lists(_tree_projects(), min_size=1, max_size=12),
)
def test_rete_matches_reference_semantics(trees: list[Cond], projects: list[Project]) -> None:
    program = compile_conditions(trees, "semantics")
    for p in projects:
        expected = [interpret(t, p) for t in trees]
        assert program.decide(p, _CLOCK) == expected, p


def test_three_values_pinned() -> None:
    """Pinned cases of the Kleene semantics, so a vacuous differential cannot pass silently."""
    tree = AnyOf(
        (Leaf("total_investment", "at_least", Decimal("30")), Leaf("is_secret", "eq", True))
    )
    known = Known("is_secret", True)
    program = compile_conditions([tree, Not(tree), known, Not(known)], "three-values")
    assert program.decide(Project(total_investment=Decimal("30")), _CLOCK) == [
        True,
        False,
        False,
        True,
    ]
    # 29.999 is below 30 and is_secret is not given: any(false, unknown) is unknown
    assert program.decide(Project(total_investment=Decimal("29.999")), _CLOCK) == [
        None,
        None,
        False,
        True,
    ]
    assert program.decide(Project(total_investment=Decimal("29.999"), is_secret=False), _CLOCK) == [
        False,
        True,
        True,
        False,
    ]
    assert program.decide(Project(is_secret=True), _CLOCK) == [True, False, True, False]
