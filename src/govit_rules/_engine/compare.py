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

from .._vocab.project import union_project_model
from ..errors import GovitRulesError, PackError
from .evaluate import evaluate_pack

if TYPE_CHECKING:
    from .._packs.loader import CompiledPack
    from .._vocab.project import Project

__all__ = ["compare_rows"]


def compare_rows(
    read: Callable[[type[Project]], Project],
    as_of: date | None,
    packs: Sequence[tuple[str, Callable[[], CompiledPack]]],
) -> list[dict[str, Any]]:
    """One row per jurisdiction; a pack that fails to load gives an error row.

    ``read`` reads the project with a model: it is given the union of the loaded packs'
    models, so a project may carry the facts of several packs (a fact none of them knows
    is still refused, located); each pack then judges the facts it knows, and the row lists
    those it does not read.
    """
    loaded: list[tuple[str, CompiledPack | None, dict[str, Any] | None]] = []
    for name, get in packs:
        try:
            loaded.append((name, get(), None))
        except (GovitRulesError, OSError) as exc:
            loaded.append((name, None, _error_row(name, exc)))
    p = read(union_project_model(c.project_model for _n, c, _e in loaded if c is not None))
    rows: list[dict[str, Any]] = []
    for name, compiled, error in loaded:
        if compiled is None:
            assert error is not None
            rows.append(error)
            continue
        foreign: list[str] = []
        not_read = sorted(p.model_fields_set - compiled.project_model.model_fields.keys())
        try:
            judged = p
            if not_read:
                judged = compiled.project_model.model_validate(
                    {k: getattr(p, k) for k in p.model_fields_set if k not in not_read}
                )
            if p.submitted_documents:
                # Document ids are each pack's own: a project written for one pack is
                # judged by another on the documents that pack knows, and the row says so.
                foreign = sorted(p.submitted_documents - compiled.documents.keys())
                if foreign:
                    judged = judged.model_copy(
                        update={
                            "submitted_documents": p.submitted_documents & compiled.documents.keys()
                        }
                    )
            v = evaluate_pack(compiled, judged, as_of)
        except (GovitRulesError, OSError) as exc:
            rows.append(_error_row(name, exc))
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
                # Facts the project gives for other packs, which this pack does not read.
                "facts_not_read": not_read,
                # The facts this pack's rules need that the project does not give.
                "facts_needed": [m.fact for m in v.missing_facts],
            }
        )
    return rows


def _error_row(name: str, exc: GovitRulesError | OSError) -> dict[str, Any]:
    if isinstance(exc, PackError):
        first = str(exc.problems[0]) if exc.problems else exc.summary
        more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return {"jurisdiction": name, "error": f"{exc.summary}: {first}{more}"}
    return {"jurisdiction": name, "error": str(exc).splitlines()[0]}
