"""The condition language: parsing errors, three-valued semantics, compiled == interpreted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govit_rules import Project
from govit_rules._io.yaml import load_yaml
from govit_rules._lang.clock import Clock
from govit_rules._lang.conditions import (
    ConditionCompiler,
    ConditionParser,
    TrueCond,
    deciding_missing,
    interpret,
)
from govit_rules.errors import Problem

_CLOCK = Clock(date(2026, 6, 1))  # the evaluation date a condition may read


def parse(text: str, definitions: dict[str, Any] | None = None) -> tuple[Any, list[Problem]]:
    raw, problems = load_yaml("c.yaml", text)
    assert not problems
    parser = ConditionParser("c.yaml", problems, definitions or {})
    return parser.parse(raw, raw.start), problems


def compiled(cond: Any) -> Any:
    """The compiled function of ``cond``, asked on the evaluation date of ``_CLOCK``."""
    c = ConditionCompiler()
    c.add_function("f", cond)
    fn = c.build("<test>")["f"]
    return lambda p: fn(p, _CLOCK)


def test_a_misspelled_fact_is_reported_with_its_place_and_the_closest_name() -> None:
    _, problems = parse("all:\n  - total_investmnt: {at_least: 200}\n")
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.col, p.code) == (2, 5, "unknown-fact")
    assert "did you mean 'total_investment'" in p.message


def test_every_problem_in_a_condition_is_reported_not_only_the_first() -> None:
    _, problems = parse(
        "delivery_mode: self_built\ncomponents: server_room\ntotal_investment: {atleast: 3}\n"
    )
    codes = [p.code for p in problems]
    assert codes == ["unknown-value", "bad-operator", "unknown-operator"]
    assert "did you mean 'self_build'" in problems[0].message
    assert "did you mean 'at_least'" in problems[2].message


def test_an_operator_that_does_not_suit_the_fact_type_is_rejected() -> None:
    _, problems = parse("delivery_mode: {at_least: 3}\n")
    assert problems[0].code == "bad-operator"
    assert "use one of: eq, ne, in, not_in, known" in problems[0].message


def test_a_cyclic_named_condition_is_reported() -> None:
    raw, _ = load_yaml("d.yaml", "a: {use: b}\nb: {use: a}\n")
    _, problems = parse("use: a\n", dict(raw))
    assert any(p.code == "cyclic-definition" for p in problems)


def test_money_literals_are_exact_decimals() -> None:
    cond, problems = parse('total_investment: {at_least: "0.05"}\n')
    assert not problems
    f = compiled(cond)
    assert f(Project(total_investment=Decimal("0.05"))) is True
    assert f(Project(total_investment=Decimal("0.0499"))) is False


def test_an_unknown_fact_makes_the_test_unknown_and_is_named_as_deciding() -> None:
    cond, _ = parse("all:\n  - total_investment: {at_least: 200}\n  - is_secret: false\n")
    p = Project(is_secret=False)
    assert compiled(cond)(p) is None
    assert deciding_missing(cond, p) == ["total_investment"]


def test_a_false_part_decides_an_all_even_when_another_is_unknown() -> None:
    cond, _ = parse("all:\n  - total_investment: {at_least: 200}\n  - is_secret: false\n")
    p = Project(is_secret=True)
    assert compiled(cond)(p) is False
    assert deciding_missing(cond, p) == []


def test_a_true_part_decides_an_any_and_only_unknown_parts_are_deciding() -> None:
    cond, _ = parse(
        "all:\n  - any: [{is_secret: true}, {exempted_by_law: true}]\n  - total_investment: {below: 5}\n"
    )
    p = Project(is_secret=True)
    assert compiled(cond)(p) is None
    assert deciding_missing(cond, p) == ["total_investment"]


def test_fact_against_scaled_fact_compares_exactly() -> None:
    cond, problems = parse(
        'supplementary_contract_amount: {at_most: {fact: original_contract_amount, times: "0.10"}}\n'
    )
    assert not problems
    f = compiled(cond)
    assert (
        f(
            Project(
                supplementary_contract_amount=Decimal("10"), original_contract_amount=Decimal("100")
            )
        )
        is True
    )
    assert (
        f(
            Project(
                supplementary_contract_amount=Decimal("10.01"),
                original_contract_amount=Decimal("100"),
            )
        )
        is False
    )
    assert f(Project(supplementary_contract_amount=Decimal("10"))) is None


def test_known_is_never_unknown() -> None:
    cond, _ = parse("approved_on: {known: false}\n")
    assert compiled(cond)(Project()) is True
    assert compiled(cond)(Project(approved_on=date(2026, 1, 1))) is False


def test_an_empty_condition_is_a_problem_not_a_crash() -> None:
    cond, problems = parse("{}\n")
    assert isinstance(cond, TrueCond)
    assert problems[0].code == "bad-condition"


# --- property: the compiled function agrees with the reference interpreter ------------------

LEAVES = [
    "total_investment: {at_least: 200}",
    "total_investment: {below: 500}",
    'total_investment: {above: "199.99"}',
    "is_secret: false",
    "exempted_by_law: true",
    "delivery_mode: [self_build, ppp]",
    "components: {contains_any: [server_room, servers]}",
    "components: {contains_none: [mobile_app]}",
    "approved_on: {before: 2026-10-01}",
    "approved_on: {known: true}",
]


def trees(depth: int = 3) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(LEAVES).map(lambda s: "{" + s + "}")
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(
                lambda xs: "{all: [" + ", ".join(xs) + "]}"
            ),
            st.lists(inner, min_size=1, max_size=3).map(
                lambda xs: "{any: [" + ", ".join(xs) + "]}"
            ),
            inner.map(lambda x: "{not: " + x + "}"),
        ),
        max_leaves=8,
    )


projects = st.builds(
    Project,
    total_investment=st.one_of(
        st.none(),
        st.sampled_from(
            [Decimal(x) for x in ("0", "199.99", "200", "200.01", "499.99", "500", "1e3")]
        ),
    ),
    is_secret=st.one_of(st.none(), st.booleans()),
    exempted_by_law=st.one_of(st.none(), st.booleans()),
    delivery_mode=st.one_of(
        st.none(), st.sampled_from(["self_build", "ppp", "purchase_of_service"])
    ),
    components=st.one_of(
        st.none(),
        st.frozensets(st.sampled_from(["server_room", "servers", "mobile_app", "e_license"])),
    ),
    approved_on=st.one_of(
        st.none(), st.dates(min_value=date(2026, 9, 1), max_value=date(2026, 10, 31))
    ),
)


@settings(max_examples=300, deadline=None)
@given(text=trees(), project=projects)
def test_compiled_conditions_agree_with_the_reference_interpreter(
    text: str, project: Project
) -> None:
    cond, problems = parse(text + "\n")
    assert not problems
    assert compiled(cond)(project) is interpret(cond, project)


@settings(max_examples=200, deadline=None)
@given(text=trees(), project=projects)
def test_filling_in_the_deciding_facts_is_what_leaves_a_result_unknown(
    text: str, project: Project
) -> None:
    cond, _ = parse(text + "\n")
    missing = deciding_missing(cond, project)
    assert (interpret(cond, project) is None) == bool(missing)
    assert all(getattr(project, f) is None for f in missing)


@pytest.mark.parametrize("text", ["a: !!python/object/apply:os.system ['echo hi']\n"])
def test_python_tags_are_refused_by_the_safe_loader(text: str) -> None:
    data, problems = load_yaml("x.yaml", text)
    assert data is None
    assert problems[0].code == "parse"


@settings(max_examples=300, deadline=None)
@given(text=trees(), project=projects)
def test_the_compiled_missing_facts_agree_with_the_reference_walk(
    text: str, project: Project
) -> None:
    cond, _ = parse(text + "\n")
    c = ConditionCompiler()
    c.add_missing_function("m", cond)
    if interpret(cond, project) is None:
        assert c.build("<test>")["m"](project, _CLOCK) == deciding_missing(cond, project)
