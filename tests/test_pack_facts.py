"""A pack outside the library declares the facts only its regulation speaks about in its own
``facts.yaml``, and the pack reads projects with the library's model plus those facts.

``tests/fixtures/newcity`` declares ``uses_egov_network`` (issue 13: a new jurisdiction in
YAML only); its rule ``network.extranet`` (Art. 3(1)) requires it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govit_rules import PackError, Project, ProjectValidationError, evaluate, load_pack
from helpers import ROOT, copy_fixture

NEWCITY = ROOT / "tests" / "fixtures" / "newcity"
AS_OF = date(2026, 6, 1)
BASE = {"funding_sources": ["local_budget"], "is_secret": False, "total_investment": 100}


def test_a_pack_with_its_own_facts_reads_projects_with_them() -> None:
    pack = load_pack(NEWCITY)
    assert "uses_egov_network" in pack.project_model.model_fields
    assert "uses_egov_network" not in Project.model_fields
    v = pack.evaluate({**BASE, "stage": "construction", "uses_egov_network": False}, AS_OF)
    assert v.finding("network.extranet").status.value == "violated"
    assert v.cites("3(1)")


def test_a_project_of_the_shipped_model_leaves_the_packs_own_facts_unknown() -> None:
    pack = load_pack(NEWCITY)
    v = pack.evaluate(Project.model_validate({**BASE, "stage": "construction"}), AS_OF)
    finding = v.finding("network.extranet")
    assert finding.status.value == "unknown"
    assert finding.missing_facts == ["uses_egov_network"]


def test_another_pack_refuses_the_fact_it_does_not_know_with_a_located_error() -> None:
    with pytest.raises(ProjectValidationError) as exc:
        evaluate({**BASE, "uses_egov_network": True}, "dazhou", as_of=AS_OF)
    assert exc.value.problems[0].code == "unknown-fact"
    assert "uses_egov_network" in exc.value.problems[0].message


def test_a_misspelt_own_fact_gets_a_did_you_mean_from_the_packs_model() -> None:
    with pytest.raises(ProjectValidationError) as exc:
        load_pack(NEWCITY).evaluate({**BASE, "uses_egov_netwrok": True}, AS_OF)
    assert "did you mean 'uses_egov_network'?" in exc.value.problems[0].message


def test_the_shipped_packs_read_the_shipped_model() -> None:
    from govit_rules import get_pack

    assert get_pack("dazhou", "2026-06-01").project_model is Project


def test_a_pack_may_not_declare_again_a_fact_the_vocabulary_has(tmp_path: Path) -> None:
    pack = copy_fixture(NEWCITY, tmp_path)
    facts = pack / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + "  - name: is_secret\n    type: bool\n    zh: 涉密\n    en: Secret.\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError) as exc:
        load_pack(pack)
    found = [p for p in exc.value.problems if p.code == "duplicate-fact"]
    assert found and "is_secret" in found[0].message and "reuse it" in found[0].message
    assert found[0].path.endswith("facts.yaml") and found[0].line > 0


def test_a_rule_misspelling_an_own_fact_is_told_the_packs_fact(tmp_path: Path) -> None:
    pack = copy_fixture(NEWCITY, tmp_path)
    rules = pack / "rules" / "main.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "requires: {uses_egov_network: true}", "requires: {uses_egov_netwrk: true}"
        ),
        encoding="utf-8",
    )
    with pytest.raises(PackError) as exc:
        load_pack(pack)
    assert any("did you mean 'uses_egov_network'" in p.message for p in exc.value.problems)


def test_a_bad_facts_file_is_a_located_pack_error(tmp_path: Path) -> None:
    pack = copy_fixture(NEWCITY, tmp_path)
    (pack / "facts.yaml").write_text(
        "facts:\n  - name: net_fee\n    type: monye\n    zh: 费\n    en: Fee.\n", encoding="utf-8"
    )
    with pytest.raises(PackError) as exc:
        load_pack(pack)
    problem = exc.value.problems[0]
    assert problem.path.endswith("facts.yaml") and problem.line == 2
    assert "did you mean 'money'" in problem.message


def test_counterfactuals_and_the_rete_engine_know_the_packs_own_facts() -> None:
    pack = load_pack(NEWCITY)
    project = {**BASE, "stage": "construction", "uses_egov_network": False}
    v = evaluate(project, pack=pack, as_of=AS_OF)
    changes = [c.changes for c in v.counterfactuals(["network.extranet"])]
    assert [[(ch.fact, ch.before, ch.after) for ch in cs] for cs in changes] == [
        [("uses_egov_network", False, True)]
    ]
    pytest.importorskip("durable")
    rete = evaluate(project, pack=pack, as_of=AS_OF, engine="rete")
    assert rete.finding("network.extranet").status.value == "violated"


def test_what_if_sets_a_packs_own_fact_from_the_command_line(tmp_path: Path) -> None:
    from helpers import run_cli

    project = tmp_path / "p.yaml"
    project.write_text(
        "funding_sources: [local_budget]\nis_secret: false\ntotal_investment: 100\n"
        "stage: construction\nuses_egov_network: false\n",
        encoding="utf-8",
    )
    r = run_cli(
        "what-if",
        str(project),
        "--pack",
        str(NEWCITY),
        "--as-of",
        "2026-06-01",
        "--set",
        "uses_egov_network=true",
    )
    assert r.returncode == 0, r.stderr
    assert "network.extranet: violated → satisfied" in r.stdout
