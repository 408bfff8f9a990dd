"""Did-you-mean hints: one helper decides what is close, and mistyped ids are never folded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govit_rules import PackRegistry, UnknownJurisdictionError, get_pack
from govit_rules._vocab.suggest import suggest, suggestion
from helpers import ROOT, run_cli

IDS = ["dazhou", "hailing", "lushan", "qinzhou", "wendeng"]


def test_the_same_name_in_another_case_is_suggested_first() -> None:
    assert suggestion("DAZHOU", IDS) == "dazhou"
    assert suggestion("Wendeng", IDS) == "wendeng"
    assert suggest("DAZHOU", IDS) == "; did you mean 'dazhou'?"


def test_a_misspelling_gets_the_closest_name_whatever_its_case() -> None:
    assert suggestion("dazou", IDS) == "dazhou"
    assert suggestion("QINZOU", IDS) == "qinzhou"
    assert suggestion("total_investmnt", ["total_investment", "total_area"]) == "total_investment"


def test_nothing_is_suggested_for_a_name_unlike_every_candidate() -> None:
    assert suggestion("atlantis", IDS) is None
    assert suggest("atlantis", IDS) == ""
    assert suggest("dazhou", []) == ""
    assert suggest("", IDS) == ""


def test_a_name_is_never_suggested_as_itself() -> None:
    assert suggestion("dazhou", IDS) is None


def test_a_very_long_name_is_not_compared_at_all() -> None:
    assert suggestion("dazhou" * 100, IDS) is None


def test_names_that_are_not_text_are_compared_as_text() -> None:
    assert suggestion(123, ["124", "abc"]) == "124"


@given(st.text(max_size=120), st.lists(st.text(max_size=30), max_size=20))
def test_a_suggestion_is_always_one_of_the_candidates_and_never_the_name(
    name: str, candidates: list[str]
) -> None:
    match = suggestion(name, candidates)
    assert match is None or (match in candidates and match != name)


def test_a_jurisdiction_in_capitals_is_refused_with_the_right_id_suggested() -> None:
    with pytest.raises(UnknownJurisdictionError, match="did you mean 'dazhou'"):
        get_pack("DAZHOU")
    with pytest.raises(UnknownJurisdictionError, match="did you mean 'wendeng'"):
        PackRegistry(ROOT / "rulepacks").versions("WenDeng")


def test_the_cli_suggests_the_jurisdiction_for_a_wrong_case_and_exits_64() -> None:
    done = run_cli(
        "check",
        "rulepacks/dazhou/examples/compliant.yaml",
        "--jurisdiction",
        "DAZHOU",
        "--as-of",
        "2026-11-25",
    )
    assert done.returncode == 64
    assert "no rule pack for jurisdiction 'DAZHOU'; did you mean 'dazhou'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_explain_suggests_a_rule_id_typed_in_capitals() -> None:
    done = run_cli(
        "explain",
        "rulepacks/dazhou/examples/compliant.yaml",
        "-j",
        "dazhou",
        "--as-of",
        "2026-11-25",
        "--rule",
        "APPROVAL.TIER-4",
    )
    assert done.returncode == 64
    assert "did you mean 'approval.tier-4'?" in done.stderr
