"""The fact vocabulary is data: the shared vocabulary and each pack's facts.yaml declare the
facts, the project model is built from them, and each fact lives where it is used."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from govit_rules import PackError, Project, Stage
from govit_rules._vocab import project as project_module
from govit_rules._vocab.project import build_project_model
from govit_rules._vocab.vocabulary import (
    read_facts,
    shared_facts,
    shipped_local_facts,
    shipped_packs_dir,
)

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / "tests" / "fixtures" / "localfacts" / "facts.yaml"
PACKS = sorted(p.parent.name for p in shipped_packs_dir().glob("*/pack.yaml"))


def _tokens(node: Any, out: set[str]) -> None:
    # Interpretation notes and alternative-reading notes are prose about other facts too.
    if isinstance(node, dict):
        for key, value in node.items():
            out.add(str(key))
            if key not in ("interpretation", "note"):
                _tokens(value, out)
    elif isinstance(node, list):
        for value in node:
            _tokens(value, out)
    elif isinstance(node, str):
        out.update(re.findall(r"[a-z_][a-z0-9_]*", node))


def _used_by(pack: str) -> set[str]:
    """Every identifier a pack's rules and named conditions mention (a superset of its facts)."""
    folder = shipped_packs_dir() / pack
    out: set[str] = set()
    for path in [folder / "pack.yaml", *sorted((folder / "rules").glob("*.yaml"))]:
        _tokens(yaml.safe_load(path.read_text(encoding="utf-8")), out)
    return out


USED = {pack: _used_by(pack) for pack in PACKS}


def _users(fact: str) -> list[str]:
    return [pack for pack in PACKS if fact in USED[pack]]


def test_the_project_model_holds_exactly_the_shared_vocabulary_and_the_packs_own_facts() -> None:
    declared = [s.name for s in (*shared_facts(), *shipped_local_facts())]
    assert list(Project.model_fields) == declared
    assert len(declared) == len(set(declared))


def test_every_fact_is_read_by_a_pack_or_says_why_it_is_shared() -> None:
    unused = [s.name for s in shared_facts() if not _users(s.name) and not s.shared_because]
    assert unused == []


def test_no_shared_fact_is_read_by_one_pack_only_unless_it_says_why_it_is_shared() -> None:
    single = {s.name: _users(s.name) for s in shared_facts() if len(_users(s.name)) < 2}
    assert {name for name in single if not _shared_because(name)} == set()


def _shared_because(name: str) -> str | None:
    return next(s.shared_because for s in shared_facts() if s.name == name)


@pytest.mark.parametrize("pack", PACKS)
def test_a_packs_own_facts_are_read_by_that_pack_and_by_no_other(pack: str) -> None:
    own = read_facts(shipped_packs_dir() / pack / "facts.yaml")
    assert own, f"{pack} declares no facts of its own"
    for spec in own:
        assert _users(spec.name) == [pack], (
            f"{spec.name} ({spec.source}) is read by {_users(spec.name)}"
        )


def test_the_facts_the_engine_reads_by_name_are_typed_as_the_vocabulary_declares() -> None:
    # The static view of Project (for mypy) types these facts by hand; it must agree.
    source = Path(project_module.__file__).read_text(encoding="utf-8")
    stub = source[source.index("class Project(_ProjectBase):") :].split("def __getattr__")[0]
    typed = dict(re.findall(r"^        (\w+): (.+?) = None$", stub, flags=re.M))
    assert set(typed) == {"stage", "submitted_documents"}
    spelled = {"enum Stage": "Stage | None", "set of text": "frozenset[str] | None"}
    types = {s.name: s.type for s in shared_facts()}
    assert {name: spelled[types[name]] for name in typed} == typed
    assert Project.model_fields["stage"].annotation == Stage | None


def test_a_fact_keeps_its_labels_and_stage_in_the_json_schema() -> None:
    props = Project.model_json_schema()["properties"]
    assert (
        props["declared_on"]["zh"] == "申报日期" and props["declared_on"]["stage"] == "declaration"
    )
    assert props["performance_rating"]["zh"] == "绩效评价综合评价等次"
    assert "stage" not in props["is_secret"]


def test_the_shipped_project_model_can_be_pickled_for_worker_processes() -> None:
    import pickle

    p = Project.model_validate({"total_investment": "12.5", "stage": "operation"})
    assert pickle.loads(pickle.dumps(p)) == p


# --- a pack's own facts: build_project_model -----------------------------------------------


@pytest.fixture(scope="module")
def local_model() -> type[Project]:
    return build_project_model(read_facts(LOCAL))


def test_a_pack_outside_the_library_adds_its_own_facts_in_yaml(local_model: type[Project]) -> None:
    p = local_model.model_validate(
        {
            "uses_egov_network": True,
            "egov_network_fee": "3.25",
            "network_opened_on": "2026-05-04",
            "network_components": ["private_network"],
            "total_investment": 80,
        }
    )
    assert p.uses_egov_network is True
    assert p.egov_network_fee == Decimal("3.25")
    assert p.network_opened_on == date(2026, 5, 4)
    assert p.total_investment == Decimal(80)
    assert "private_network" in p.network_components


def test_a_local_money_fact_is_validated_like_a_shared_one(local_model: type[Project]) -> None:
    with pytest.raises(ValidationError, match="binary float"):
        local_model.model_validate({"egov_network_fee": 3.25})
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        local_model.model_validate({"network_opened_on": 20260504})


def test_the_model_with_local_facts_keeps_the_projects_rules(local_model: type[Project]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        local_model.model_validate({"uses_egov_netwrok": True})
    p = local_model.model_validate({"uses_egov_network": True})
    with pytest.raises(ValidationError, match="frozen"):
        p.uses_egov_network = False  # type: ignore[misc]
    schema = local_model.model_json_schema()
    assert schema["title"] == "govit-rules project"
    assert schema["properties"]["network_opened_on"]["stage"] == "construction"
    assert "uses_egov_network" not in Project.model_fields


def test_the_model_of_the_same_local_facts_is_built_once(local_model: type[Project]) -> None:
    assert build_project_model(read_facts(LOCAL)) is local_model
    assert build_project_model(shipped_local_facts()) is Project


def test_a_local_fact_may_not_redeclare_a_shared_one(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("facts:\n  - {name: is_secret, type: bool, zh: 涉密, en: Secret.}\n")
    with pytest.raises(ValueError, match=r"'is_secret' is already declared at .*vocabulary\.yaml"):
        build_project_model(read_facts(path))


def test_every_problem_of_a_facts_file_is_located_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        "facts:\n"
        "  - {name: fee, type: mony, zh: 费用, en: A fee.}\n"
        "  - {name: fee2, type: money, zh: 费用, en: A fee.}\n"
        "  - {name: opened, type: date, zh: 日期, en: A date., stag: construction}\n"
        "  - {name: opened2, type: date, zh: 日期, en: A date., stage: buildng}\n"
        "  - {name: Bad-Name, type: bool, zh: 是, en: Yes.}\n"
        "  - {name: kind, type: enum Stge, zh: 类, en: A kind.}\n"
        "  - {name: flag, type: bool, en: No label.}\n"
        "  - {name: fee, type: bool, zh: 重, en: Twice.}\n"
    )
    with pytest.raises(PackError) as exc:
        read_facts(path)
    lines = [str(p) for p in exc.value.problems]
    assert lines == [
        f"{path}:2:5: unknown-type: unknown fact type 'mony'; did you mean 'money'?",
        f"{path}:3:5: bad-unit: a money fact has unit '万元'",
        f"{path}:4:53: unknown-key: unknown key 'stag'; did you mean 'stage'?",
        f"{path}:5:5: unknown-stage: unknown stage 'buildng'",
        f"{path}:6:5: bad-name: 'Bad-Name' is not a snake_case fact name",
        f"{path}:7:5: unknown-type: unknown fact type 'enum Stge'; did you mean 'enum Stage'?",
        f"{path}:8:5: missing-key: a fact needs 'zh'",
        f"{path}:9:5: duplicate-fact: fact 'fee' is declared twice",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("facts: [", "yaml"),
        ("- a list\n", "bad-type"),
        ("fcts: []\n", "unknown-key"),
        ("facts: 3\n", "bad-type"),
        ("facts:\n  - just a name\n", "bad-type"),
        ("facts:\n  - {name: kind, type: Stage, zh: 类, en: A kind.}\n", "unknown-type"),
        ("facts:\n  - {name: kind, type: set of Stages, zh: 类, en: Kinds.}\n", "unknown-type"),
        ("facts:\n  - {name: kind, type: [bool], zh: 类, en: A kind.}\n", "bad-type"),
    ],
)
def test_a_malformed_facts_file_is_a_located_pack_error_never_a_crash(
    tmp_path: Path, text: str, code: str
) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(text)
    with pytest.raises(PackError) as exc:
        read_facts(path)
    assert [p.code for p in exc.value.problems] == [code]


def test_an_empty_facts_file_declares_no_facts(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("facts:\n")
    assert read_facts(path) == ()
