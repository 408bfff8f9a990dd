"""The origin the engine records on each verdict: the pack and project it judged.

Owns :class:`EngineOrigin`, which lets a verdict ask the engine for its counterfactuals
without the verdict models importing the engine.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .._vocab.verdict import Verdict, VerdictOrigin

__all__ = ["EngineOrigin"]


class EngineOrigin(VerdictOrigin):
    """A verdict's origin that can re-evaluate its project: counterfactuals come from here."""

    __slots__ = ()

    def counterfactuals(self, verdict: Verdict, rules: Collection[str] | None) -> list[Any]:
        from .counterfactual import counterfactuals

        return list(counterfactuals(self.pack, self.project, verdict, rules))
