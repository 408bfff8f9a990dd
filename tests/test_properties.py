"""Properties over every shipped pack: no crash on any valid project, JSON round trips,
and approval tiers that never go down as the investment grows."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govit_rules import Project, Verdict, evaluate, get_pack, jurisdictions
from govit_rules._lang.conditions import FactRef, fact_types
from govit_rules._lang.conditions import tests_of as leaf_tests

TYPES = fact_types()
PACKS = jurisdictions()


def _literals(jurisdiction: str) -> dict[str, list[Any]]:
    """Every literal each fact is compared with in a pack: the values worth probing."""
    out: dict[str, list[Any]] = {}
    for rule in get_pack(jurisdiction).rules:
        for cond in (rule.when, rule.main, rule.unless):
            if cond is None:
                continue
            for t in leaf_tests(cond):
                if isinstance(t.value, FactRef | frozenset) or t.fact == "today":
                    continue
                out.setdefault(t.fact, []).append(t.value)
    return out


def _value(name: str, probes: list[Any]) -> st.SearchStrategy[Any]:
    ft = TYPES[name]
    if ft.kind == "number":
        near = [v + d for v in probes for d in (Decimal("-0.01"), Decimal(0), Decimal("0.01"))]
        near = [v for v in near if v >= 0]
        upper = 100 if name.endswith("_percent") else 100000
        return st.one_of(
            st.sampled_from(near) if near else st.nothing(),
            st.decimals(
                min_value=0, max_value=upper, places=2, allow_nan=False, allow_infinity=False
            ),
        ).filter(lambda v: v <= upper)
    if ft.kind == "integer":
        return st.integers(
            min_value=0 if "year" not in name else 2000, max_value=2035 if "year" in name else 5
        )
    if ft.kind == "bool":
        return st.booleans()
    if ft.kind == "date":
        return st.dates(min_value=date(2015, 1, 1), max_value=date(2029, 12, 31))
    if ft.kind == "dates":
        return st.lists(
            st.dates(min_value=date(2015, 1, 1), max_value=date(2029, 12, 31)), max_size=4
        )
    if ft.kind == "enum":
        assert ft.enum is not None
        return st.sampled_from(list(ft.enum))
    if ft.kind == "set":
        if ft.enum is not None:
            return st.frozensets(st.sampled_from(list(ft.enum)), max_size=4)
        return st.frozensets(st.text(alphabet="abcdefghij_", min_size=1, max_size=12), max_size=3)
    return st.text(max_size=8)


def projects_for(jurisdiction: str) -> st.SearchStrategy[Project]:
    probes = _literals(jurisdiction)
    fields = {
        name: st.one_of(st.none(), _value(name, probes.get(name, [])))
        for name in TYPES
        if name not in ("project_id", "name", "unit_name")
    }
    # Only the pack's own document ids: an undeclared id is an input error (issue 11).
    documents = sorted(get_pack(jurisdiction).documents)
    fields["submitted_documents"] = st.one_of(
        st.none(), st.frozensets(st.sampled_from(documents), max_size=3)
    )
    return st.fixed_dictionaries({}, optional=fields).map(lambda d: Project(**d))


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_every_shipped_pack_loads_with_no_warnings(jurisdiction: str) -> None:
    assert get_pack(jurisdiction).warnings == ()


@pytest.mark.parametrize("jurisdiction", PACKS)
def test_evaluation_never_raises_and_the_verdict_json_round_trips(jurisdiction: str) -> None:
    pack = get_pack(jurisdiction)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(project=projects_for(jurisdiction), as_of=st.dates(date(2015, 1, 1), date(2030, 12, 31)))
    def prop(project: Project, as_of: date) -> None:
        v = evaluate(project, pack=pack, as_of=as_of)
        text = v.to_json()
        again = Verdict.model_validate_json(text)
        assert again.model_dump(mode="json") == json.loads(text)
        # Every finding, route and deadline carries a citation that exists in the index.
        for c in v.citations(include_not_applicable=True):
            assert pack.articles[c.article].has(c.as_citation())
        # A fact listed as missing was indeed not given.
        assert all(getattr(project, m.fact) is None for m in v.missing_facts)

    prop()


# Dazhou Art. 10(2): the one-by-one approval climbs with the investment, never down.
DAZHOU_RANK = {
    "vice_mayor_for_finance": 1,
    "mayor": 2,
    "government_executive_meeting": 3,
    "municipal_party_standing_committee": 4,
}
AMOUNTS = st.decimals(min_value=30, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(a=AMOUNTS, b=AMOUNTS)
def test_dazhou_approval_tier_never_decreases_as_investment_grows(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    base = {
        "unit_type": "government_organ",
        "unit_level": "own_level",
        "funding_sources": ["local_budget"],
        "is_secret": False,
        "collectively_reviewed": False,
        "delivery_mode": "self_build",
    }
    on = date(2026, 11, 25)
    first = evaluate({**base, "total_investment": low}, "dazhou", as_of=on).final_approver()
    second = evaluate({**base, "total_investment": high}, "dazhou", as_of=on).final_approver()
    assert first is not None and second is not None
    assert DAZHOU_RANK[first] <= DAZHOU_RANK[second]


@pytest.mark.parametrize(
    ("amount", "approver"),
    [
        ("199.99", "vice_mayor_for_finance"),
        ("200", "mayor"),
        ("499.99", "mayor"),
        ("500", "government_executive_meeting"),
        ("999.99", "government_executive_meeting"),
        ("1000", "municipal_party_standing_committee"),
    ],
)
def test_dazhou_art_10_2_tiers_switch_exactly_at_their_boundaries(
    amount: str, approver: str
) -> None:
    v = evaluate(
        {
            "unit_type": "government_organ",
            "unit_level": "own_level",
            "funding_sources": ["local_budget"],
            "is_secret": False,
            "collectively_reviewed": False,
            "total_investment": amount,
        },
        "dazhou",
        as_of=date(2026, 11, 25),
    )
    assert v.final_approver() == approver
