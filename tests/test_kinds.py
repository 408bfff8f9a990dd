"""Rule kinds as objects and engines as deciders (issue 12: one module per kind).

Each kind module owns its keys, preparation, reference status and fused source; the
evaluator asks a decider for every condition. These tests pin that the table, not a
string switch, is what the loader and the engines consult.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from govit_rules import Outcome, Status, load_pack
from govit_rules._engine.evaluate import evaluate_pack
from govit_rules._lang.clock import Clock
from govit_rules._packs.compiled import CompiledRule
from govit_rules._packs.kinds import KINDS, MAIN_KEY
from govit_rules._vocab.project import Project
from helpers import FEATURES, FEATURES_AS_OF, FEATURES_BASE

AS_OF = FEATURES_AS_OF
BASE = FEATURES_BASE


@pytest.fixture(scope="module")
def pack():  # type: ignore[no-untyped-def]
    return load_pack(FEATURES)


def test_every_kind_of_the_pack_format_is_one_object_in_the_table() -> None:
    from govit_rules._packs.schema import Kind

    assert sorted(KINDS) == sorted(Kind.__args__)  # type: ignore[attr-defined]
    assert all(k.name == name for name, k in KINDS.items())


def test_the_main_condition_keys_are_derived_from_the_kinds() -> None:
    assert MAIN_KEY == {
        "scope": "in_scope_if",
        "prohibition": "prohibits",
        "obligation": "requires",
        "exemption": "exempt_if",
    }


def test_a_kind_stays_one_object_when_pickled_or_copied() -> None:
    for kind in KINDS.values():
        assert pickle.loads(pickle.dumps(kind)) is kind
        assert copy.deepcopy(kind) is kind


def test_every_compiled_rule_holds_the_kind_object_its_kind_names(pack) -> None:  # type: ignore[no-untyped-def]
    assert all(r.kind_def is KINDS[r.kind] for r in pack.rules)
    assert {r.kind for r in pack.checked_rules} <= {n for n, k in KINDS.items() if k.checked}


def test_only_scope_and_exemption_rules_are_left_out_of_the_status_loop(pack) -> None:  # type: ignore[no-untyped-def]
    left_out = {r.kind for r in pack.rules} - {r.kind for r in pack.checked_rules}
    assert left_out == {"scope", "exemption"}
    assert pack.scope_rules and pack.exemption_rules


class _KnowsNothing:
    """A decider for which every condition is unknown."""

    compiled = False

    def when(self, rule: CompiledRule, p: Project, clock: Clock) -> bool | None:
        return None

    def main(self, rule: CompiledRule, p: Project, clock: Clock) -> bool | None:
        return None

    def unless(self, rule: CompiledRule, p: Project, clock: Clock) -> bool | None:
        return None


def test_the_evaluator_takes_every_condition_from_the_decider_it_is_given(pack) -> None:  # type: ignore[no-untyped-def]
    known = evaluate_pack(pack, BASE, AS_OF)
    unknown = evaluate_pack(pack, BASE, AS_OF, decider=_KnowsNothing())
    assert known.applicability.applies is True
    assert [r.rule_id for r in known.approval_routes] == ["approval.route"]
    assert unknown.outcome is Outcome.needs_information
    assert unknown.applicability.applies is None
    # Routes apply only when their `when` is known to hold.
    assert unknown.approval_routes == []
    statuses = {f.status for f in unknown.findings if f.kind in ("prohibition", "obligation")}
    assert statuses == {Status.unknown}


def test_the_compiled_decider_gives_the_same_verdict_through_the_reference_loop(pack) -> None:  # type: ignore[no-untyped-def]
    from govit_rules._engine.decider import CompiledDecider

    class _Reference(CompiledDecider):
        compiled = False  # not the fused function: the loop over the kinds

    for raw in (BASE, {**BASE, "total_investment": "49.99"}, {**BASE, "delivery_mode": None}):
        fused = evaluate_pack(pack, raw, AS_OF).model_dump(mode="json")
        loop = evaluate_pack(pack, raw, AS_OF, decider=_Reference()).model_dump(mode="json")
        assert loop == fused


def test_an_unknown_key_names_the_keys_the_kind_takes(tmp_path: Path) -> None:
    import shutil

    from govit_rules.errors import PackError

    shutil.copytree(FEATURES, tmp_path / "p")
    rules = sorted((tmp_path / "p" / "rules").glob("*.yaml"))
    text = rules[0].read_text(encoding="utf-8")
    assert "  - id: " in text
    rules[0].write_text(text.replace("  - id: ", "  - steps: []\n    id: ", 1), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(tmp_path / "p")
    problem = next(p for p in exc.value.problems if p.code == "unknown-key")
    assert "'steps' does not belong in a" in problem.message
