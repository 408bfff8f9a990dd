"""Preparing one rule: its keys, conditions, message templates and alternative reading.

Owns the resolve and typecheck stages for a rule: which keys its kind takes, parsing its
conditions (``when``, the kind's main condition, ``unless``), the documents they name,
the date facts of ``limit`` and ``shown_by``, the facts and thresholds a finding shows,
and checking its message templates; the kind's own keys are prepared by the kind
(:mod:`govit_rules._packs.kinds`). Also the pack-wide checks on prepared rules: named
sets and the targets of exemptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._io.yaml import LocDict, locate
from .._lang.conditions import (
    MAX_NODES,
    Cond,
    ConditionParser,
    FactRef,
    Known,
    Test,
    TrueCond,
    describe_test,
    expanded_size,
    facts_of,
    tests_of,
)
from .._vocab.suggest import suggest
from .kinds import KIND_KEYS, KINDS, Preparing, RuleKind
from .loading import Loading, cite
from .schema import PackFile, RuleSpec
from .template import MessageTemplate, TemplateSyntaxError

__all__ = ["check_exempts", "named_sets", "prepare_alternative", "prepare_rule"]


def prepare_rule(
    ld: Loading,
    path: Path,
    raw: LocDict,
    spec: RuleSpec,
    defines: ConditionParser,
    authorities: Mapping[str, Any],
    documents: Mapping[str, Any],
    routes: Mapping[str, Any],
    seen_ids: dict[str, str],
) -> dict[str, Any] | None:
    rel = ld.rel(path)
    before = len(ld.problems)

    def here(*loc: Any) -> tuple[int, int]:
        return locate(raw, loc)

    where = f"{rel}:{raw.start[0]}"
    if spec.id in seen_ids:
        ld.problem(
            path,
            here("id"),
            "duplicate-id",
            f"rule id {spec.id!r} is already used at {seen_ids[spec.id]}",
        )
    seen_ids.setdefault(spec.id, where)

    kind = KINDS[spec.kind]
    required, optional = kind.required, kind.optional
    given = {k for k in raw if k in KIND_KEYS}
    for key in sorted(required - given):
        ld.problem(path, raw.start, "missing-key", f"a {spec.kind} rule needs {key!r}")
    for key in sorted(given - required - optional):
        allowed = ", ".join(sorted(required | optional))
        ld.problem(
            path,
            raw.pos_of_key(key),
            "unknown-key",
            f"{key!r} does not belong in a {spec.kind} rule; it takes: {allowed}",
        )

    parser = ConditionParser(rel, ld.problems, defines.definitions, ld.types, ld.sets)
    parser.share(defines)

    def cond(key: str) -> Cond:
        value = raw.get(key)
        if value is None:
            return TrueCond()
        parser.tainted = False
        tree = parser.parse(value, raw.pos_of_value(key))
        if not parser.tainted and expanded_size(tree) > MAX_NODES:
            ld.problem(
                path,
                raw.pos_of_value(key),
                "too-large",
                f"{key} expands to more than {MAX_NODES} tests and combinators "
                "(named conditions counted at every use); split the rule",
            )
            return TrueCond()
        return tree

    when = cond("when")
    main = cond(kind.main_key) if kind.main_key is not None else TrueCond()
    unless = cond("unless") if "unless" in optional and "unless" in raw else None

    # Documents named in conditions (e.g. an either-or duty) must be declared too.
    for c in (when, main, unless):
        if c is None:
            continue
        for t in tests_of(c):
            if t.fact == "submitted_documents" and not isinstance(t.value, FactRef):
                values = t.value if isinstance(t.value, frozenset) else {t.value}
                for doc in sorted(values):
                    if doc not in documents:
                        ld.problem(
                            path,
                            t.pos,
                            "unknown-document",
                            f"no document {doc!r} in pack.yaml documents{suggest(doc, documents)}",
                        )

    prep = Preparing(
        path=path,
        raw=raw,
        spec=spec,
        types=ld.types,
        authorities=authorities,
        documents=documents,
        routes=routes,
        report=lambda pos, code, message: ld.problem(path, pos, code, message),
    )
    extra: dict[str, Any] = kind.prepare(prep)
    for key, facts_named in (
        ("limit", [spec.limit] if spec.limit else []),
        ("shown_by", list(spec.shown_by or [])),
    ):
        for i, fact in enumerate(facts_named):
            ftype = ld.types.get(fact)
            if ftype is None or ftype.kind != "date":
                dates = [k for k, t in ld.types.items() if t.kind == "date"]
                at = here(key) if key == "limit" else here(key, i)
                ld.problem(
                    path,
                    at,
                    "bad-anchor",
                    f"{key} {fact!r} is not a date fact{suggest(fact, dates)}",
                )
    if spec.limit:
        extra["limit"] = spec.limit
    if spec.shown_by:
        extra["shown_by"] = tuple(spec.shown_by)
    if spec.despite_scope:
        extra["despite_scope"] = True

    facts: list[str] = []
    for c in (when, main, *([unless] if unless is not None else [])):
        for f in facts_of(c):
            if f not in facts:
                facts.append(f)
    for fact in (
        extra.get("anchor"),
        extra.get("done"),
        extra.get("limit"),
        *extra.get("shown_by", ()),
        getattr(extra.get("deadline"), "until", None),  # each_year's last year
    ):
        if isinstance(fact, str) and fact not in facts:
            facts.append(fact)
    thresholds = tuple(
        describe_test(t)
        for c in (when, main, *([unless] if unless is not None else []))
        for t in tests_of(c)
        if isinstance(t, Test | Known)
        and getattr(t, "op", "")
        in (
            "at_least",
            "above",
            "at_most",
            "below",
            "on_or_after",
            "after",
            "on_or_before",
            "before",
        )
    )

    msg_zh = _template(ld, path, raw, kind, spec.message.zh, "zh")
    msg_en = _template(ld, path, raw, kind, spec.message.en, "en")
    names = {n for m in (msg_zh, msg_en) if isinstance(m, MessageTemplate) for n in m.names}
    del before  # a rule with problems is still returned, so its citations count in the index
    return {
        "id": spec.id,
        "kind": spec.kind,
        "kind_def": kind,
        "citation": cite(spec.cite),
        "also": tuple(cite(c) for c in spec.also_cite),
        "message_zh": msg_zh,
        "message_en": msg_en,
        "interpretation": (spec.interpretation.zh, spec.interpretation.en)
        if spec.interpretation
        else None,
        "stage": spec.stage,
        "stage_rank": spec.stage.rank if spec.stage is not None else -1,
        "when": when,
        "main": main,
        "unless": unless,
        "facts": tuple(facts),
        "thresholds": thresholds,
        "source": f"{rel}:{raw.start[0]}",
        "template_vars": frozenset(names),
        "alternative_note": (spec.alternative.note.zh, spec.alternative.note.en)
        if spec.alternative is not None
        else None,
        "_pos": raw.start,
        "_raw": raw,
        "_cite_pos": here("cite"),
        "_path": path,
        **extra,
    }


def prepare_alternative(
    ld: Loading,
    path: Path,
    raw: LocDict,
    spec: RuleSpec,
    defines: ConditionParser,
    authorities: Mapping[str, Any],
    documents: Mapping[str, Any],
    routes: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The rule as its alternative reading has it: the same rule with the keys it changes."""
    assert spec.alternative is not None
    alt_raw = raw.get("alternative")
    overrides = dict(spec.alternative.model_extra or {})
    for key in overrides:
        if key in ("id", "kind", "cite", "also_cite", "message", "alternative", "note"):
            ld.problem(
                path,
                alt_raw.pos_of_key(key) if isinstance(alt_raw, LocDict) else raw.start,
                "unknown-key",
                f"an alternative reading changes what the rule decides, not {key!r}",
            )
            return None
    merged = LocDict(raw)
    merged.start = raw.start
    merged.key_pos = dict(raw.key_pos)
    merged.value_pos = dict(raw.value_pos)
    del merged["alternative"]
    exclusive = KINDS[spec.kind].exclusive
    for key in exclusive:
        if key in overrides:
            for other in exclusive:
                merged.pop(other, None)
    for key, value in overrides.items():
        merged[key] = alt_raw[key] if isinstance(alt_raw, LocDict) else value
        if isinstance(alt_raw, LocDict):
            merged.key_pos[key] = alt_raw.pos_of_key(key)
            merged.value_pos[key] = alt_raw.pos_of_value(key)
    merged["id"] = f"{spec.id}.alternative"
    try:
        alt_spec = RuleSpec.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            ld.problem(
                path,
                locate(merged, tuple(err["loc"])),
                "bad-alternative",
                f"alternative reading: {err['msg']}",
            )
        return None
    return prepare_rule(ld, path, merged, alt_spec, defines, authorities, documents, routes, {})


def named_sets(
    ld: Loading, path: Path, raw: Any, meta: PackFile
) -> dict[str, tuple[str, frozenset[Any]]]:
    """pack.yaml ``sets``: each word's fact and values, checked like a condition's."""
    out: dict[str, tuple[str, frozenset[Any]]] = {}
    parser = ConditionParser(ld.rel(path), ld.problems, {}, ld.types)
    for name, spec in meta.sets.items():
        if spec.fact not in ld.types:
            ld.problem(
                path,
                locate(raw, ("sets", name, "fact")),
                "unknown-fact",
                f"no fact {spec.fact!r} in the project model{suggest(spec.fact, ld.types)}",
            )
            continue
        entry = raw["sets"][name] if isinstance(raw, Mapping) else None
        listed = entry["values"] if isinstance(entry, Mapping) else spec.values
        # Checked as the condition {fact: {in: values}}: unknown values are located errors.
        cond = parser.parse({spec.fact: {"in": listed}}, locate(raw, ("sets", name)))
        if isinstance(cond, Test):
            out[name] = (spec.fact, cond.value)
    return out


def check_exempts(ld: Loading, prepared: list[dict[str, Any]]) -> None:
    """Every rule an exemption lifts exists and is a duty, a route or a deadline."""

    kinds = {pr["id"]: pr["kind_def"] for pr in prepared}
    liftable = [k for k, v in kinds.items() if v.checked]
    for pr in prepared:
        for i, target in enumerate(pr.get("exempts", ())):
            kind = kinds.get(target)
            if kind is None and target in ld.unloaded_rules:
                continue
            if kind is None or not kind.checked:
                ld.problem(
                    pr["_path"],
                    locate(pr["_raw"], ("exempts", i)),
                    "unknown-rule",
                    f"an exemption lifts a duty, route or deadline of this pack; "
                    f"{target!r} is {'a ' + kind.name + ' rule' if kind else 'no rule id'}"
                    f"{suggest(target, liftable)}",
                )


def _template(
    ld: Loading, path: Path, raw: LocDict, kind: RuleKind, text: str, lang: str
) -> MessageTemplate | str:
    """Parse and check one message template; a fault is a located ``bad-template`` problem."""
    if "{" not in text:
        return text
    pos = locate(raw, ("message", lang))
    try:
        tpl = MessageTemplate(text)
    except TemplateSyntaxError as exc:
        ld.problem(
            path, pos, "bad-template", f"message.{lang}, at character {exc.offset}: {exc.message}"
        )
        return text
    if not tpl.name_offsets:
        return text
    computed = kind.computed
    allowed = set(ld.types) | {"status", *computed}
    for name, offset in tpl.name_offsets:
        if name not in allowed:
            shown = name if len(name) <= 40 else name[:39] + "…"
            owner = next((k.name for k in KINDS.values() if name in k.computed), None)
            if owner is not None:
                ld.problem(
                    path,
                    pos,
                    "bad-template",
                    f"message.{lang}, at character {offset}: {name!r} is computed only "
                    f"for a {owner} rule, and this is {'an' if kind.name[0] in 'aeiou' else 'a'} {kind.name} rule",
                )
                continue
            ld.problem(
                path,
                pos,
                "bad-template",
                f"message.{lang}, at character {offset}: unknown name {shown!r}"
                f"{suggest(shown, sorted(allowed))}; a message may show project facts, status"
                + (f" and, in a {kind.name} rule, {', '.join(computed)}" if computed else ""),
            )
    return tpl
