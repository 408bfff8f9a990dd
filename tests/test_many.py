"""evaluate_many: verdicts for many projects, in order, in one process or over a pool."""

from __future__ import annotations

import os
import pickle
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from govit_rules import ProjectValidationError, evaluate, evaluate_many, get_pack
from govit_rules._packs.registry import shipped_packs_dir

AS_OF = date(2026, 11, 25)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench import portfolio  # noqa: E402


def _projects(jurisdiction: str, n: int) -> list[dict[str, object]]:
    folder = shipped_packs_dir() / jurisdiction / "examples"
    return [p.model_dump(mode="json", exclude_none=True) for p in portfolio(n, 11, folder)]


@pytest.mark.parametrize("jurisdiction", ["dazhou", "wendeng"])
def test_one_process_gives_the_verdicts_evaluate_gives_in_input_order(jurisdiction: str) -> None:
    projects = _projects(jurisdiction, 30)
    got = list(evaluate_many(projects, jurisdiction, as_of=AS_OF))
    want = [evaluate(p, jurisdiction, as_of=AS_OF) for p in projects]
    assert [v.to_json() for v in got] == [v.to_json() for v in want]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_workers_give_the_same_verdicts_in_input_order(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVIT_START_METHOD", method)
    projects = _projects("dazhou", 600)
    got = list(evaluate_many(projects, "dazhou", as_of=AS_OF, workers=2))
    want = [evaluate(p, "dazhou", as_of=AS_OF) for p in projects]
    assert [v.outcome for v in got] == [v.outcome for v in want]
    assert [v.final_approver() for v in got] == [v.final_approver() for v in want]
    assert [[d.due for d in v.deadlines] for v in got] == [
        [d.due for d in v.deadlines] for v in want
    ]
    # Reading everything gives exactly what evaluate() gives.
    for a, b in zip(got[:40], want[:40], strict=True):
        assert a.to_json() == b.to_json()
        assert a == b


def test_a_pooled_verdict_read_for_findings_explains_itself_like_evaluate() -> None:
    projects = _projects("hailing", 20)
    got = list(evaluate_many(projects, "hailing", as_of=AS_OF, workers=2))
    want = [evaluate(p, "hailing", as_of=AS_OF) for p in projects]
    for a, b in zip(got, want, strict=True):
        assert [f.message for f in a.findings] == [f.message for f in b.findings]
        assert [d.message for d in a.deadlines] == [d.message for d in b.deadlines]


def test_an_invalid_project_raises_its_validation_error_at_its_place() -> None:
    projects: list[object] = _projects("dazhou", 5)
    projects.insert(3, {"total_investmnt": 5})
    it = evaluate_many(projects, "dazhou", as_of=AS_OF, workers=2)  # type: ignore[arg-type]
    assert [v.outcome for v in (next(it), next(it), next(it))]
    with pytest.raises(ProjectValidationError) as exc:
        next(it)
    assert "total_investment" in str(exc.value.problems[0])


def test_workers_must_be_a_positive_whole_number() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(evaluate_many([{}], "dazhou", workers=0))
    with pytest.raises(TypeError, match="whole number"):
        list(evaluate_many([{}], "dazhou", workers=2.5))  # type: ignore[arg-type]


def test_a_lazy_verdict_pickles_as_the_whole_verdict() -> None:
    project = _projects("dazhou", 1)[0]
    v = evaluate(project, "dazhou", as_of=AS_OF)
    again = pickle.loads(pickle.dumps(v))
    assert again.to_json() == evaluate(project, "dazhou", as_of=AS_OF).to_json()


def test_a_verdict_read_from_many_threads_builds_one_set_of_findings() -> None:
    from concurrent.futures import ThreadPoolExecutor

    project = yaml.safe_load(
        (shipped_packs_dir() / "dazhou" / "examples" / "non-compliant.yaml").read_text("utf-8")
    )
    v = evaluate(project, get_pack("dazhou", AS_OF).id, as_of=AS_OF)
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda _: [f.rule_id for f in v.findings], range(32)))
    assert all(r == results[0] for r in results)
    assert v.to_json() == evaluate(project, "dazhou", as_of=AS_OF).to_json()
    assert os.cpu_count()
