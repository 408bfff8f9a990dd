"""A verdict's explanations, built from its entries when first read.

Owns what explains a decided verdict: its findings with their messages, the missing facts
that would decide what is unknown, the required documents, the interpretation notes and
the alternative readings that would decide otherwise; which facts leave a rule open is its
kind's (:meth:`~govit_rules._packs.kinds.RuleKind.missing`). None of it is computed until
the verdict is read for it (see :class:`Explain`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._packs.compiled import CompiledPack, CompiledRule
from .._packs.kinds import Entry
from .._vocab.compact import finding_row
from .._vocab.verdict import (
    AlternativeReading,
    CitationRef,
    DeadlineResult,
    Finding,
    InterpretationUsed,
    MissingFact,
    ReadingResult,
    RequiredDocument,
    Status,
    Text,
)
from .decider import COMPILED
from .results import Ctx, make
from .status import Run, status_loop

__all__ = ["Explain", "readings"]

S = Status


def _required_document(
    pack: CompiledPack,
    rule_id: str,
    ref: CitationRef,
    d: str | tuple[str, ...],
    submitted: frozenset[str] | None,
) -> RequiredDocument:
    if isinstance(d, str):
        zh, en = pack.documents[d]
        return make(
            RequiredDocument,
            id=d,
            zh=zh,
            en=en,
            rule_id=rule_id,
            citation=ref,
            submitted=None if submitted is None else d in submitted,
            alternatives=[],
        )
    # One requirement that any of several documents meets ("A或者B").
    return make(
        RequiredDocument,
        id=d[0],
        zh="或".join(pack.documents[x][0] for x in d),
        en=" or ".join(pack.documents[x][1] for x in d),
        rule_id=rule_id,
        citation=ref,
        submitted=None if submitted is None else not submitted.isdisjoint(d),
        alternatives=list(d),
    )


def readings(ctx: Ctx, entries: list[Entry]) -> list[AlternativeReading]:
    """Rules whose other plausible reading decides otherwise for this project."""
    out: list[AlternativeReading] = []
    # The alternative is evaluated on a context of its own: its warnings are not the
    # verdict's (the verdict follows the pack's reading).
    scratch = Ctx(ctx.pack, ctx.p, ctx.as_of)
    stage_rank = ctx.p.stage.rank if ctx.p.stage is not None else None
    for rule, st, _w, _m, _u, extra in entries:
        alt = rule.alternative
        if alt is None:
            continue
        alt_entries: list[Entry] = []
        # An alternative reading is not in the engines' programs: the compiled functions
        # decide it, whichever engine decided the verdict.
        if not alt.kind_def.checked:
            v = alt.main_fn(ctx.p, ctx.clock)
            scope_st = S.satisfied if v is True else S.out_of_scope if v is False else S.unknown
            alt_entries.append((alt, scope_st, True, v, False, None))
        else:
            status_loop((alt,), stage_rank, Run(scratch, COMPILED, [], []), alt_entries, [])
        chosen = _reading(st, extra)
        if alt_entries:
            other = _reading(alt_entries[0][1], alt_entries[0][5])
        else:
            other = make(
                ReadingResult, status=S.not_applicable, due=None, earliest=None, latest=None
            )
        if other != chosen:
            note = rule.alternative_note or ("", "")
            out.append(
                make(
                    AlternativeReading,
                    rule_id=rule.id,
                    citation=ctx.refs[rule.id][0],
                    note=make(Text, zh=note[0], en=note[1]),
                    chosen=chosen,
                    alternative=other,
                )
            )
    return out


def _reading(st: Status, extra: Any) -> ReadingResult:
    if isinstance(extra, DeadlineResult):
        return make(
            ReadingResult, status=st, due=extra.due, earliest=extra.earliest, latest=extra.latest
        )
    return make(ReadingResult, status=st, due=None, earliest=None, latest=None)


class Explain:
    """Builds a verdict's explanatory parts from its entries, on first read.

    Building twice (two threads reading one verdict at once) gives equal results; each
    build works on its own lists and publishes them with one assignment.
    """

    __slots__ = ("built", "ctx", "entries", "rows")

    def __init__(self, ctx: Ctx, entries: list[Entry]) -> None:
        self.ctx = ctx
        self.entries = entries
        self.built: dict[str, Any] | None = None
        self.rows: list[tuple[CompiledRule, Status, list[str], Any]] | None = None

    def __call__(self, name: str) -> Any:
        built = self.built
        if built is None:
            built = self.built = self._build()
        if name == "findings":
            return self._findings(built["_rows"])
        return built[name]

    def compact_findings(self) -> list[dict[str, Any]]:
        """The findings as compact rows (no messages): see :mod:`govit_rules._vocab.compact`."""
        built = self.built
        if built is None:
            built = self.built = self._build()
        facts = self.ctx.p.__dict__
        return [
            finding_row(rule.id, st.value, miss, {f: facts[f] for f in rule.facts})
            for rule, st, miss, _extra in built["_rows"]
        ]

    def _findings(self, rows: list[tuple[CompiledRule, Status, list[str], Any]]) -> list[Finding]:
        ctx = self.ctx
        out = []
        for rule, st, miss, extra in rows:
            out.append(_finding(ctx, rule, st, miss, rule.kind_def.message_values(extra)))
        return out

    def _build(self) -> dict[str, Any]:
        ctx, p, pack = self.ctx, self.ctx.p, self.ctx.pack
        rows: list[tuple[CompiledRule, Status, list[str], Any]] = []
        documents: list[RequiredDocument] = []
        notes: list[InterpretationUsed] = []
        missing: dict[str, list[str]] = {}

        def add_missing(rule: CompiledRule, facts: list[str]) -> None:
            for f in facts:
                lst = missing.setdefault(f, [])
                if rule.id not in lst:
                    lst.append(rule.id)

        for entry in self.entries:
            rule, st, w, _m, _u, extra = entry
            used = ctx.refs[rule.id][3]
            if used is not None:
                notes.append(used)
            kind = rule.kind_def
            miss = kind.missing(p, entry, ctx.clock)
            add_missing(rule, miss)
            if not kind.finding:
                continue
            if rule.documents and w is True:
                submitted = p.submitted_documents
                ref = ctx.refs[rule.id][0]
                for d in rule.documents:
                    documents.append(_required_document(pack, rule.id, ref, d, submitted))
            rows.append((rule, st, miss, extra))
        zh_labels = pack.fact_zh
        return {
            "readings": readings(ctx, self.entries),
            "_rows": rows,
            "required_documents": documents,
            "interpretations": notes,
            "missing_facts": [
                make(MissingFact, fact=f, zh=zh_labels.get(f, f), rules=rules)
                for f, rules in missing.items()
            ],
        }


def _finding(
    ctx: Ctx,
    rule: CompiledRule,
    st: Status,
    missing: list[str],
    extra: Mapping[str, Any] | None = None,
) -> Finding:
    ref, also, interp, _used, thresholds, stage = ctx.refs[rule.id]
    facts = ctx.p.__dict__
    return make(
        Finding,
        rule_id=rule.id,
        kind=rule.kind,
        status=st,
        citation=ref,
        also_cites=also,
        message=ctx.render(rule, st, extra),
        # Set-valued facts as sorted lists: the same verdict gives the same bytes in every
        # process, whatever the string hash seed (and JSON needs no serializer per finding).
        facts={f: sorted(v) if isinstance(v := facts[f], frozenset) else v for f in rule.facts},
        thresholds=thresholds,
        missing_facts=missing,
        interpretation=interp,
        stage=stage,
    )
