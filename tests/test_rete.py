"""The Rete engine (durable-rules): exact money, sets, state, threads, and its absence.

The broad agreement with the compiled engine is ``test_differential.py``; these tests pin
the places where a JSON-based Rete engine is most likely to go wrong.
"""

from __future__ import annotations

import sys
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from govit_rules import evaluate
from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._lang.conditions import All, AnyOf, FactRef, Known, Not, interpret
from govit_rules._lang.conditions import Test as Leaf
from govit_rules._packs.loader import load_pack
from govit_rules._vocab.project import Component, Project
from govit_rules.errors import GovitRulesError

MINI = Path(__file__).parent / "fixtures" / "mini"
AS_OF = date(2026, 6, 1)
BASE = {"funding_sources": ["local_budget"], "is_secret": False}


def test_missing_durable_rules_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs everywhere, also where durable-rules is absent (Python 3.13).
    from govit_rules._engine.rete import ReteUnavailableError

    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    with pytest.raises(ReteUnavailableError, match=r"govit-rules\[rete\].*Python 3\.13") as info:
        evaluate({"total_investment": 100}, pack=load_pack(MINI), as_of=AS_OF, engine="rete")
    assert isinstance(info.value, GovitRulesError)


durable = pytest.importorskip("durable.engine", reason="durable-rules is not installed")

from govit_rules._engine.rete import (  # noqa: E402
    ReteEncodingError,
    compile_conditions,
    evaluate_rete,
    rete_program,
)
from govit_rules._lang.clock import Clock  # noqa: E402

_CLOCK = Clock(date(2026, 6, 1))  # the evaluation date a condition may read


@pytest.fixture(scope="module")
def mini():  # type: ignore[no-untyped-def]
    return load_pack(MINI)


def _both(pack, project, as_of=AS_OF):  # type: ignore[no-untyped-def]
    compiled = evaluate_pack(pack, project, as_of)
    rete = evaluate_rete(pack, project, as_of)
    assert rete.model_dump(mode="json") == compiled.model_dump(mode="json")
    return rete


@pytest.mark.parametrize(
    ("amount", "applies"),
    [
        ("29.99", False),
        ("30", True),
        ("29.9999999999", False),  # finer than any literal: decided by the floor, exactly
        ("30.0000000001", True),
        ("1E+30", True),  # far beyond int64 when scaled: clamped past every literal
    ],
)
def test_money_thresholds_are_exact(mini, amount: str, applies: bool) -> None:  # type: ignore[no-untyped-def]
    v = _both(mini, {**BASE, "total_investment": amount})
    assert v.applies is applies


def test_the_api_runs_the_rete_engine(mini) -> None:  # type: ignore[no-untyped-def]
    v = evaluate({**BASE, "total_investment": 500}, pack=mini, as_of=AS_OF, engine="rete")
    assert v.final_approver() == "council"
    assert not v.cites("4(1)(i)")
    v = evaluate(
        {**BASE, "total_investment": 100, "components": ["server_room"]},
        pack=mini,
        as_of=AS_OF,
        engine="rete",
    )
    assert (
        v.outcome.value == "prohibited" and v.finding("ban.server-room").status.value == "violated"
    )


def test_fact_to_fact_comparison_is_exact() -> None:
    at_least = Leaf("total_investment", "at_least", FactRef("approved_estimate", Decimal("0.1")))
    at_most = Leaf("total_investment", "at_most", FactRef("approved_estimate", Decimal("0.1")))
    prog = compile_conditions([at_least, at_most], "ref")

    def decide(a: str, b: str) -> list[bool | None]:
        return prog.decide(
            Project(total_investment=Decimal(a), approved_estimate=Decimal(b)), _CLOCK
        )

    # In floats 7 * 0.1 is 0.7000000000000001, so "0.7 >= 7 x 0.1" would come out false.
    assert decide("0.7", "7") == [True, True]
    assert decide("0.70001", "7") == [True, False]
    assert decide("0.69999", "7") == [False, True]
    assert prog.decide(Project(total_investment=Decimal("1")), _CLOCK) == [None, None]


def test_values_too_precise_for_int64_are_refused_not_rounded() -> None:
    cond = Leaf("total_investment", "at_most", FactRef("approved_estimate"))
    prog = compile_conditions([cond], "precise")
    p = Project(total_investment=Decimal("1.00000000000000000001"), approved_estimate=Decimal("1"))
    with pytest.raises(ReteEncodingError, match="64-bit"):
        prog.decide(p, _CLOCK)


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        (None, [None, None, None]),
        (frozenset(), [True, False, False]),  # "none of" on an empty set holds
        (frozenset({Component.server_room}), [False, True, False]),
        (frozenset({Component.server_room, Component.data_center}), [False, True, True]),
    ],
)
def test_sets(components, expected) -> None:  # type: ignore[no-untyped-def]
    room, dc = Component.server_room, Component.data_center
    conds = [
        Leaf("components", "contains_none", frozenset({room, dc})),
        Leaf("components", "contains_any", frozenset({room, dc})),
        Leaf("components", "contains_all", frozenset({room, dc})),
    ]
    prog = compile_conditions(conds, "sets")
    p = Project(components=components)
    assert prog.decide(p, _CLOCK) == expected == [interpret(c, p) for c in conds]


def test_an_or_of_many_ands_is_split_into_rules_durable_rules_accepts() -> None:
    # Unsplit, 'none of the 16 pairs' is an $and of 16 $or's: 34 entries of durable-rules'
    # 32-entry expression sequence (error 113).
    pairs = [
        All((Leaf("total_investment", "at_least", Decimal(n)), Leaf("plan_year", "eq", 2020 + n)))
        for n in range(16)
    ]
    cond = Not(AnyOf(tuple(pairs)))
    prog = compile_conditions([cond], "wide")
    for p in (
        Project(),
        Project(total_investment=Decimal(7), plan_year=2027),
        Project(total_investment=Decimal(7), plan_year=2030),
        Project(plan_year=2025),
    ):
        assert prog.decide(p, _CLOCK) == [interpret(cond, p)]


def test_known_false_alone_does_not_loop() -> None:
    # A durable rule made only of a negation fires forever; every pattern carries the mark.
    prog = compile_conditions([Known("is_secret", False)], "known")
    assert prog.decide(Project(), _CLOCK) == [True]
    assert prog.decide(Project(is_secret=True), _CLOCK) == [False]
    assert all("govit__project" in str(p) for p in prog.patterns.values())


def test_no_session_is_left_behind(mini) -> None:  # type: ignore[no-untyped-def]
    # durable-rules keeps at most 1,024 live sessions per ruleset (then MemoryError).
    prog = rete_program(mini).program
    p = Project(total_investment=Decimal(100))
    for _ in range(1100):
        prog.decide(p, _CLOCK)


def test_one_ruleset_per_pack_content(mini) -> None:  # type: ignore[no-untyped-def]
    again = load_pack(MINI)
    assert again is not mini
    assert rete_program(again) is rete_program(mini)
    assert rete_program(mini).program.name.startswith("govit_mini_")


def test_concurrent_callers_get_their_own_answers(mini) -> None:  # type: ignore[no-untyped-def]
    amounts = [Decimal(n) / 4 for n in range(0, 2400, 7)]
    expected = {
        a: evaluate_pack(mini, {**BASE, "total_investment": a}, AS_OF).model_dump(mode="json")
        for a in amounts
    }
    errors: list[str] = []

    def work(offset: int) -> None:
        for a in amounts[offset:] + amounts[:offset]:
            got = evaluate_rete(mini, {**BASE, "total_investment": a}, AS_OF).model_dump(
                mode="json"
            )
            if got != expected[a]:
                errors.append(f"{a}: {got['outcome']} != {expected[a]['outcome']}")

    threads = [threading.Thread(target=work, args=(k * 50,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_mini_pack_cases_agree(mini) -> None:  # type: ignore[no-untyped-def]
    from govit_rules._tools.testing import iter_cases

    cases = list(iter_cases(mini))
    assert cases
    for case in cases:
        _both(mini, case.project, case.as_of)


@pytest.mark.parametrize("op", ["$lt", "$lte", "$gt", "$gte", "$neq", "$eq"])
def test_durable_rules_never_matches_a_comparison_with_an_absent_key(op: str) -> None:
    # The translation relies on this instead of guarding each test with `$ex`.
    from govit_rules._engine.rete import _host

    fired: list[str] = []
    name = f"absent_key_probe_{op[1:]}_{id(fired)}"  # unique: names cannot be reused
    test = {"x": 1} if op == "$eq" else {op: {"x": 1}}
    _host().register_rulesets(
        {
            name: {
                "probe": {
                    "all": [{"m": {"$and": [{"k": 1}, test]}}],
                    "run": lambda c: fired.append("x"),
                },
                "seen": {"all": [{"m": {"k": 1}}], "run": lambda c: None},
            }
        }
    )
    for sid, fact in (("1", {"k": 1}), ("2", {"k": 1, "y": 1}), ("3", {"k": 1, "x": None})):
        _host().assert_fact(name, {**fact, "sid": sid})
        _host().delete_state(name, sid)
    assert fired == []
