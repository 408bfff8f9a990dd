"""The engine's plain-data views that front ends render: explain, what would change, compare.

Uses the mini fixture pack, called directly (no CLI), so that a front end other than the
command line gets the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from govit_rules import load_pack
from govit_rules._engine.compare import compare_rows
from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._engine.explain_view import explain_rule, explain_tree, what_would_change
from govit_rules._io.project_files import validate_project
from govit_rules._lang.clock import Clock
from govit_rules._lang.nodes import (
    All,
    AnyOf,
    FactRef,
    Known,
    Not,
    Test,
    TrueCond,
    children,
    expanded_size,
    facts_of,
)
from govit_rules._lang.text import cond_text
from govit_rules._packs.loader import CompiledPack

MINI = Path(__file__).parent / "fixtures" / "mini"
PACK = load_pack(MINI)
ON = date(2026, 6, 1)
BASE: dict[str, Any] = {
    "funding_sources": ["local_budget"],
    "is_secret": False,
    "total_investment": 600,
}


def test_explain_rule_art_3_2_i_shows_each_leaf_with_value_threshold_and_unknown_result() -> None:
    p = validate_project(BASE)
    view = explain_rule(PACK.rule("ban.server-room"), p, evaluate_pack(PACK, p, ON))
    assert view["citation"] == {"zh": "第三条第二款第（一）项", "en": "Art. 3(2)(i)"}
    assert [c["name"] for c in view["conditions"]] == ["when", "prohibits", "unless"]
    prohibits = view["conditions"][1]["tree"]
    assert prohibits["node"] == "all" and prohibits["result"] == "unknown"
    contains, secret = prohibits["parts"]
    assert contains["test"] == "components ∋ server_room"
    assert contains["value"] is None and contains["result"] == "unknown"
    assert secret["value"] == "false" and secret["result"] == "true"
    assert view["status"] == "unknown"
    assert view["missing_facts"] == ["components", "exempted_by_law"]


def test_explain_rule_art_4_1_i_is_not_applicable_when_its_band_does_not_hold() -> None:
    p = validate_project(BASE)
    verdict = evaluate_pack(PACK, p, ON)
    small = explain_rule(PACK.rule("approval.small"), p, verdict)
    large = explain_rule(PACK.rule("approval.large"), p, verdict)
    assert small["status"] == "not_applicable"
    assert large["status"] == "required"
    assert large["steps"] == [
        {"authority": "bureau", "action": "review"},
        {"authority": "council", "action": "decide"},
    ]
    leaf = large["conditions"][0]["tree"]
    assert (leaf["value"], leaf["threshold"], leaf["result"]) == ("600", "500", "true")


def test_explain_rule_art_5_says_which_listed_documents_were_submitted() -> None:
    p = validate_project({**BASE, "project_nature": "new", "submitted_documents": ["plan"]})
    view = explain_rule(PACK.rule("documents.new"), p, evaluate_pack(PACK, p, ON))
    assert view["documents"] == {"plan": True, "feasibility": False}


def test_explain_tree_gives_not_and_any_their_three_valued_results() -> None:
    p = validate_project({"total_investment": 600})
    tree = AnyOf(
        (Not(Test("total_investment", "at_least", 500)), Known("is_secret", expected=True))
    )
    view = explain_tree(tree, p, Clock(ON))
    assert view["node"] == "any" and view["result"] == "false"
    assert view["parts"][0] == {
        "node": "not",
        "result": "false",
        "parts": [explain_tree(Test("total_investment", "at_least", 500), p, Clock(ON))],
    }
    assert view["parts"][1]["threshold"] == "given"
    assert explain_tree(TrueCond(), p, Clock(ON)) == {"node": "always", "result": "true"}


def test_what_would_change_names_the_verdict_it_was_asked_about() -> None:
    p = validate_project({**BASE, "total_investment": 499})
    verdict = evaluate_pack(PACK, p, ON)
    changes = what_would_change(verdict, {"approval.small"})
    assert changes.pack == PACK.id and changes.as_of == ON
    assert changes.outcome == verdict.outcome.value
    assert changes.as_dict()["counterfactuals"] == [
        cf.model_dump(mode="json") for cf in verdict.counterfactuals({"approval.small"})
    ]


def test_compare_rows_give_a_row_per_pack_and_an_error_row_for_one_that_fails() -> None:
    def broken() -> CompiledPack:
        return load_pack(MINI / "no-such-pack")

    packs: list[tuple[str, Callable[[], CompiledPack]]] = [("mini", lambda: PACK), ("x", broken)]
    p = validate_project({**BASE, "submitted_documents": ["plan", "elsewhere"]})
    ok, failed = compare_rows(lambda model: p, ON, packs)
    assert ok["jurisdiction"] == "mini" and ok["final_approver"] == "council"
    assert ok["documents_not_in_pack"] == ["elsewhere"]
    assert failed["jurisdiction"] == "x" and "error" in failed and "outcome" not in failed


def test_cond_text_brackets_nested_alternatives_and_negations() -> None:
    inner = AnyOf((Test("total_investment", "below", 30), Known("is_secret", expected=False)))
    text = cond_text(Not(inner))
    assert text == "not (total_investment < 30 or is_secret is not given)"
    assert cond_text(None) == "always"


def test_the_one_walk_reads_facts_in_order_and_counts_shared_subtrees_at_every_use() -> None:
    shared = All((Test("total_investment", "at_least", FactRef("approved_estimate")),))
    tree = AnyOf((shared, Not(shared), Known("is_secret", expected=True)))
    assert list(facts_of(tree)) == [
        "total_investment",
        "approved_estimate",
        "total_investment",
        "approved_estimate",
        "is_secret",
    ]
    assert children(tree) == tree.parts and children(Known("is_secret", expected=True)) == ()
    assert expanded_size(tree) == 1 + 2 + (1 + 2) + 1


def test_compare_names_the_facts_each_pack_needs_that_the_project_does_not_give() -> None:
    from govit_rules import get_pack, validate_project
    from govit_rules._engine.compare import compare_rows

    on = date(2026, 11, 25)
    p = validate_project({"stage": "declaration", "plan_year": 2027})
    packs = [(j, lambda j=j: get_pack(j, on)) for j in ("dazhou", "hailing")]
    rows = compare_rows(lambda model: p, on, packs)
    by = {r["jurisdiction"]: r for r in rows}
    # Scope facts decide whether the measures apply at all: each pack asks for its own.
    assert "funding_sources" in by["dazhou"]["facts_needed"]
    assert "plan_year" not in by["hailing"]["facts_needed"]
    assert by["dazhou"]["facts_needed"] != by["hailing"]["facts_needed"]


def test_a_project_may_carry_the_facts_of_several_packs_and_each_pack_reads_its_own() -> None:
    from govit_rules import get_pack, validate_project
    from govit_rules._engine.compare import compare_rows

    on = date(2026, 6, 1)
    newcity = load_pack(MINI.parent / "newcity")
    packs: list[tuple[str, Callable[[], CompiledPack]]] = [
        ("newcity", lambda: newcity),
        ("dazhou", lambda: get_pack("dazhou", on)),
    ]
    data = {**BASE, "uses_egov_network": False, "collectively_reviewed": True}
    seen: list[type] = []

    def read(model: type) -> Any:
        seen.append(model)
        return validate_project(data, model)

    rows = {r["jurisdiction"]: r for r in compare_rows(read, on, packs)}
    # Read once, with both packs' facts: newcity's own fact is not an unknown field.
    assert len(seen) == 1 and {"uses_egov_network", "collectively_reviewed"} <= set(
        seen[0].model_fields
    )
    # Art. 3(1) of newcity reads its own fact; Dazhou judges without it and says so.
    assert rows["newcity"]["facts_not_read"] == []
    assert rows["dazhou"]["facts_not_read"] == ["uses_egov_network"]
    assert "error" not in rows["dazhou"] and "error" not in rows["newcity"]


def test_a_fact_no_compared_pack_knows_is_still_refused_with_a_did_you_mean(
    tmp_path: Path,
) -> None:
    from tests.helpers import run_cli

    project = tmp_path / "p.yaml"
    project.write_text("is_secret: false\nuses_egov_netwrk: true\n", "utf-8")
    out = run_cli(
        "compare",
        str(project),
        "-p",
        str(MINI.parent / "newcity"),
        "-p",
        str(MINI.parents[2] / "rulepacks" / "dazhou"),
    )
    assert out.returncode == 64  # bad input, as for check
    assert "did you mean 'uses_egov_network'?" in out.stderr


def test_the_project_schema_of_a_pack_holds_its_own_facts_and_marks_what_its_rules_read() -> None:
    from govit_rules import project_schema

    newcity = project_schema(pack=MINI.parent / "newcity")
    assert newcity["x-pack"]["id"] == "newcity"
    # Art. 3(1) of newcity reads its own fact, declared in its facts.yaml.
    assert newcity["properties"]["uses_egov_network"]["x-used-by"] == ["network.extranet"]
    assert all("x-used-by" in newcity["properties"][f] for f in newcity["x-pack-facts"])
    hailing = project_schema("hailing")
    assert "uses_egov_network" not in hailing["properties"]
    assert set(hailing["x-pack-facts"]) <= set(hailing["properties"])
    assert "x-pack" not in project_schema()


def test_schema_project_on_the_command_line_takes_a_pack_and_refuses_it_for_pack_files() -> None:
    from tests.helpers import run_cli

    ok = run_cli("schema", "project", "--pack", str(MINI.parent / "newcity"))
    assert ok.returncode == 0 and '"uses_egov_network"' in ok.stdout
    bad = run_cli("schema", "rules", "-j", "hailing")
    assert bad.returncode == 64 and "project schema of a pack" in bad.stderr
