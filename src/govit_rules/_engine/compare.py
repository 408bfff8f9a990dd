"""The same project under several jurisdictions, side by side, as plain data.

Owns :func:`compare_rows`, one row per pack: whether the regulation applies, the outcome,
the final approver of project approval, deadlines counted and missed, prohibitions hit, the
facts the pack needs that the project does not give; a pack that fails to load gives an
error row instead of stopping the comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import GovitRulesError, PackError
from .evaluate import evaluate_pack

if TYPE_CHECKING:
    from .._packs.loader import CompiledPack
    from .._vocab.project import Project

__all__ = ["compare_rows"]


def compare_rows(
    p: Project, as_of: date | None, packs: Sequence[tuple[str, Callable[[], CompiledPack]]]
) -> list[dict[str, Any]]:
    """One row per jurisdiction; a pack that fails to load gives an error row."""
    rows: list[dict[str, Any]] = []
    for name, get in packs:
        foreign: list[str] = []
        try:
            compiled = get()
            judged = p
            if p.submitted_documents:
                # Document ids are each pack's own: a project written for one pack is
                # judged by another on the documents that pack knows, and the row says so.
                foreign = sorted(p.submitted_documents - compiled.documents.keys())
                if foreign:
                    judged = p.model_copy(
                        update={
                            "submitted_documents": p.submitted_documents & compiled.documents.keys()
                        }
                    )
            v = evaluate_pack(compiled, judged, as_of)
        except PackError as exc:
            first = str(exc.problems[0]) if exc.problems else exc.summary
            more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            rows.append({"jurisdiction": name, "error": f"{exc.summary}: {first}{more}"})
            continue
        except (GovitRulesError, OSError) as exc:
            rows.append({"jurisdiction": name, "error": str(exc).splitlines()[0]})
            continue
        missed = [d.rule_id for d in v.deadlines if d.status.value in ("missed", "too_early")]
        prohibitions = [
            {"rule": f.rule_id, "citation": f.citation.en, "citation_zh": f.citation.zh}
            for f in v.findings
            if f.kind == "prohibition" and f.status.value == "violated"
        ]
        route = v.route("project_approval")
        rows.append(
            {
                "jurisdiction": name,
                "pack": v.pack.id,
                "version": v.pack.version,
                "applies": v.applies,
                "outcome": v.outcome.value,
                "final_approver": route.final_approver if route else None,
                "final_approver_citation": route.citation.en if route else None,
                "deadlines": sum(1 for d in v.deadlines if d.status.value != "not_applicable"),
                "missed": missed,
                "prohibitions": prohibitions,
                "documents_not_in_pack": foreign,
                # The facts this pack's rules need that the project does not give.
                "facts_needed": [m.fact for m in v.missing_facts],
            }
        )
    return rows
