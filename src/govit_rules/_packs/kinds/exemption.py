"""The exemption kind: a rule that lifts other rules' duties for the projects it names.

Its keys are ``exempt_if`` (the main condition), ``exempts`` (the rules it lifts) and
``when``. The evaluator decides exemptions before the duties: one that holds is a finding
of its own (``exempt``); one that is unknown lifts nothing but turns a breach of a rule it
may lift into an unknown. By itself an exemption never counts for the outcome.
"""

from __future__ import annotations

from typing import Any

from ..._vocab.verdict import Status
from ._base import Preparing, RuleKind

__all__ = ["EXEMPTION"]


class Exemption(RuleKind):
    name = "exemption"
    required = frozenset({"exempt_if", "exempts"})
    optional = frozenset({"when"})
    main_key = "exempt_if"
    checked = False

    def prepare(self, prep: Preparing) -> dict[str, Any]:
        # The targets are checked once every rule is prepared (the loader's _check_exempts).
        return {"exempts": tuple(prep.spec.exempts or ())}

    def weight(self, status: Status, counts: Any) -> int:
        return 0


EXEMPTION = Exemption()
