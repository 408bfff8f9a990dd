"""The documents kind: the documents a project must submit (``documents``).

Each entry is one document id, or a choice (``any_of``, the text's "A或者B") that any one
of its documents meets. The status reads ``submitted_documents``: not given is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._lang.clock import Clock
from ..._vocab.project import Project
from ..._vocab.suggest import suggest
from ..._vocab.verdict import Status
from ._base import Emitter, Entry, Preparing, RuleKind, StatusRun, Tri, undecided

if TYPE_CHECKING:
    from ..compiled import CompiledRule

__all__ = ["DOCUMENTS", "lacking_documents"]

S = Status


def lacking_documents(
    documents: tuple[str | tuple[str, ...], ...], submitted: frozenset[str]
) -> list[str]:
    """The required documents not submitted; a choice is lacking when none of it is in."""
    out = []
    for d in documents:
        if isinstance(d, str):
            if d not in submitted:
                out.append(d)
        elif submitted.isdisjoint(d):
            out.append("|".join(d))
    return out


class Documents(RuleKind):
    name = "documents"
    required = frozenset({"documents"})
    optional = frozenset({"when", "stage"})
    computed = ("missing_documents",)

    def prepare(self, prep: Preparing) -> dict[str, Any]:
        entries: list[str | tuple[str, ...]] = []
        for i, entry in enumerate(prep.spec.documents or []):
            ids = [entry] if isinstance(entry, str) else list(entry.any_of)
            for j, doc in enumerate(ids):
                if doc not in prep.documents:
                    loc = (
                        ("documents", i)
                        if isinstance(entry, str)
                        else ("documents", i, "any_of", j)
                    )
                    prep.report(
                        prep.at(*loc),
                        "unknown-document",
                        f"no document {doc!r} in pack.yaml documents{suggest(doc, prep.documents)}",
                    )
            entries.append(entry if isinstance(entry, str) else tuple(entry.any_of))
        return {"documents": tuple(entries)}

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        miss = undecided(entry[0], p, entry, clock)
        lacking, st = entry[5], entry[1]
        if lacking is None and st is S.unknown and "submitted_documents" not in miss:
            miss.append("submitted_documents")
        return miss

    def message_values(self, extra: Any) -> Mapping[str, Any] | None:
        return {"missing_documents": extra or []}

    def status(self, rule: CompiledRule, w: Tri, not_due: bool, run: StatusRun) -> Entry:
        submitted = run.p.submitted_documents
        lacking = None if submitted is None else lacking_documents(rule.documents, submitted)
        if lacking == []:
            st = S.satisfied
        elif not_due:
            st = S.required
        elif w is None or lacking is None:
            st = S.unknown
        else:
            st = S.violated
        return (rule, st, w, True, False, lacking)

    def emit(self, rule: CompiledRule, r: str, indent: int, due: str, out: Emitter) -> None:
        docs = out.const(tuple(rule.documents))
        if all(isinstance(d, str) for d in rule.documents):
            out.line(
                indent, f"lacking = None if sub is None else [d for d in {docs} if d not in sub]"
            )
        else:
            out.line(indent, f"lacking = None if sub is None else _lacking({docs}, sub)")
        out.line(indent, "if lacking == []:")
        out.line(indent + 1, "st = _SAT")
        out.line(indent, f"elif {due}:")
        out.line(indent + 1, "st = _REQ")
        out.line(indent, "elif w is None or lacking is None:")
        out.line(indent + 1, "st = _UNK; unknown = True")
        out.line(indent, "else:")
        out.line(indent + 1, "st = _VIO; violated = True")
        out.line(indent, f"add(({r}, st, w, True, False, lacking))")


DOCUMENTS = Documents()
