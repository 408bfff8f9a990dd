"""``literal-words`` / ``set-differs``: the regulations' words for kinds of work and delivery."""

from __future__ import annotations

from ..._io.yaml import load_yaml, locate
from ..._lang.nodes import FactRef, tests_of
from ..._packs.loader import CompiledPack
from ...errors import Problem
from .places import problem_at, show, shown_path, trees

__all__ = ["check_words"]


_WORD_FACTS = ("project_nature", "delivery_mode")


def check_words(pack: CompiledPack) -> list[Problem]:
    """``literal-words``: a rule listing kinds of work or delivery instead of a named set;
    ``set-differs``: a named set whose word another shipped pack defines otherwise, with no
    interpretation note saying why."""
    out: list[Problem] = []
    for rule in pack.rules:
        for _key, tree in trees(rule):
            for t in tests_of(tree):
                if (
                    t.fact in _WORD_FACTS
                    and t.op in ("in", "not_in")
                    and t.named is None
                    and not isinstance(t.value, FactRef)
                ):
                    out.append(
                        problem_at(
                            rule,
                            "literal-words",
                            f"rule {rule.id!r} lists {t.fact} values "
                            f"({', '.join(sorted(show(v) for v in t.value))}); name the "
                            "regulation's word as a set in pack.yaml sets and use "
                            f"{{{t.fact}: {{in: <set>}}}}",
                        )
                    )
    mine = pack.meta.sets
    if not mine:
        return out
    pack_yaml = pack.path / "pack.yaml"
    raw, _ = load_yaml(pack_yaml)
    for sibling in sorted(pack.path.parent.iterdir()):
        if sibling == pack.path or not (sibling / "pack.yaml").is_file():
            continue
        other, problems = load_yaml(sibling / "pack.yaml")
        if problems or not isinstance(other, dict) or not isinstance(other.get("sets"), dict):
            continue
        for name, spec in mine.items():
            for oname, ospec in other["sets"].items():
                if not isinstance(ospec, dict) or ospec.get("zh") != spec.zh:
                    continue
                if ospec.get("fact") != spec.fact:
                    continue
                if set(map(str, ospec.get("values") or [])) == set(spec.values):
                    continue
                if spec.interpretation is None:
                    line, col = locate(raw, ("sets", name))
                    out.append(
                        Problem(
                            shown_path(pack_yaml),
                            line,
                            col,
                            "set-differs",
                            f"set {name!r} ({spec.zh}) holds {sorted(spec.values)}, but "
                            f"{sibling.name}'s {oname!r} ({spec.zh}) holds "
                            f"{sorted(map(str, ospec.get('values') or []))}; add an "
                            "interpretation saying why this regulation's word differs",
                        )
                    )
    return out
