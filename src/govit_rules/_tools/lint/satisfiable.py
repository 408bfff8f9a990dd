"""``never-holds`` / ``always-holds``: a condition no project can satisfy, or every one does."""

from __future__ import annotations

from collections.abc import Mapping

from ..._lang.facts import FactType
from ..._lang.interpreter import interpret
from ..._lang.nodes import TrueCond
from ..._lang.text import cond_text
from ..._packs.loader import CompiledRule
from ...errors import Problem
from .places import problem_at, trees
from .samples import (
    MAX_COMBOS,
    Probe,
    has_fact_ref,
    sample_combos,
    unique_facts,
)

__all__ = ["check_satisfiable"]


def check_satisfiable(rule: CompiledRule, types: Mapping[str, FactType]) -> list[Problem]:
    out: list[Problem] = []
    for name, cond in trees(rule):
        if isinstance(cond, TrueCond) or has_fact_ref(cond):
            continue
        facts = unique_facts([cond])
        combos = sample_combos(facts, [cond], types, MAX_COMBOS)
        if combos is None:
            continue
        results = {interpret(cond, Probe(c)) for c in combos}
        if results == {False}:
            out.append(
                problem_at(
                    rule,
                    "never-holds",
                    f"rule {rule.id!r}: its {name} can never hold ({cond_text(cond)}); "
                    "the rule can never fire",
                )
            )
        elif results == {True}:
            what = "the rule always fires" if name != "unless" else "the exception always applies"
            out.append(
                problem_at(
                    rule,
                    "always-holds",
                    f"rule {rule.id!r}: its {name} holds for every value of its facts "
                    f"({cond_text(cond)}); "
                    f"{what}",
                )
            )
    return out
