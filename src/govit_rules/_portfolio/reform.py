"""Reforms: a small YAML overlay on a rule pack, applied to its source and checked like a pack.

Owns the reform file format (docs/portfolio.md) and :func:`apply_reform`. A reform names
itself and its pack and lists changes to rules: ``set`` keys by a dotted path (a threshold
``when.total_investment``, a period ``within``, a route step ``steps.2.authority``),
``drop`` a rule, ``add`` a rule. The changes are applied to the pack's YAML source in a
temporary copy, which is then loaded by the ordinary loader, so a reformed pack is checked
exactly like a shipped one. A problem the loader finds in a rule the reform touched is
reported at the reform's change that touched it; other problems at their place in the
original pack. Nothing in a reform is executed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._io.yaml import LocDict, LocList, load_yaml
from .._packs.loader import CompiledPack, load_pack
from .._vocab.suggest import suggest
from ..errors import PackError, Problem, ReformError

__all__ = ["Reform", "apply_reform", "load_reform"]

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_ADDED_FILE = "zz-reform.yaml"  # sorts after the pack's own files: added rules come last


@dataclass(frozen=True)
class Change:
    """One change of a reform: where it stands in the reform file and what it does."""

    op: str  # set | drop | add
    rule: str
    pos: tuple[int, int]
    values: dict[str, Any]  # set: dotted path -> value; add: the rule itself


@dataclass(frozen=True)
class Reform:
    """A checked reform file."""

    id: str
    pack: str
    title_zh: str
    title_en: str
    path: str
    changes: tuple[Change, ...]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_reform(path: str | Path) -> Reform:
    """Read and check the shape of a reform file (its effect is checked by applying it)."""
    name = str(path)
    raw, problems = load_yaml(path)
    if raw is None or problems:
        raise ReformError(f"{name}: the reform cannot be read", problems)
    out: list[Problem] = []

    def bad(pos: tuple[int, int], code: str, message: str) -> None:
        out.append(Problem(name, pos[0], pos[1], code, message))

    if not isinstance(raw, LocDict):
        raise ReformError(
            f"{name}: not a reform",
            [Problem(name, 1, 1, "bad-shape", "a reform is a mapping with reform, pack, changes")],
        )
    allowed = ("reform", "pack", "title", "changes")
    for key in raw:
        if key not in allowed:
            bad(
                raw.pos_of_key(key), "unknown-key", f"unknown key {key!r}{_hint(str(key), allowed)}"
            )
    rid, pack = raw.get("reform"), raw.get("pack")
    if not isinstance(rid, str) or not _ID.match(rid):
        bad(
            raw.pos_of_value("reform"),
            "bad-value",
            "reform: give the reform an id of lower-case letters, digits, '.', '-' or '_'",
        )
    if not isinstance(pack, str):
        bad(raw.pos_of_value("pack"), "bad-value", "pack: name the jurisdiction it reforms")
    title = raw.get("title") or {}
    if not isinstance(title, dict):
        bad(raw.pos_of_value("title"), "bad-value", "title: write {zh: …, en: …}")
        title = {}
    changes = raw.get("changes")
    parsed: list[Change] = []
    if not isinstance(changes, LocList) or not changes:
        bad(raw.pos_of_value("changes"), "bad-value", "changes: list at least one change")
        changes = LocList()
    for i, ch in enumerate(changes):
        pos = changes.pos_of(i)
        change = _change(ch, pos, bad)
        if change is not None:
            parsed.append(change)
    if out:
        raise ReformError(f"{name}: {len(out)} problem(s) in the reform", out)
    return Reform(
        id=str(rid),
        pack=str(pack),
        title_zh=str(title.get("zh", rid)),
        title_en=str(title.get("en", rid)),
        path=name,
        changes=tuple(parsed),
    )


def _hint(word: str, choices: Any) -> str:
    return suggest(word, [str(c) for c in choices])


def _change(ch: Any, pos: tuple[int, int], bad: Any) -> Change | None:
    if not isinstance(ch, LocDict):
        bad(pos, "bad-shape", "a change is {rule: ID, set: {...}}, {drop: ID} or {add: RULE}")
        return None
    if "drop" in ch and len(ch) == 1 and isinstance(ch["drop"], str):
        return Change("drop", ch["drop"], ch.pos_of_value("drop"), {})
    if "add" in ch and len(ch) == 1 and isinstance(ch["add"], dict):
        rule = _plain(ch["add"])
        return Change("add", str(rule.get("id", "")), ch.pos_of_value("add"), rule)
    if set(ch) == {"rule", "set"} and isinstance(ch["set"], LocDict) and ch["set"]:
        return Change("set", str(ch["rule"]), ch.pos_of_key("set"), _plain(ch["set"]))
    for key in ch:
        if key not in ("rule", "set", "drop", "add"):
            bad(
                ch.pos_of_key(key),
                "unknown-key",
                f"unknown key {key!r} in a change{_hint(str(key), ('rule', 'set', 'drop', 'add'))}",
            )
            return None
    bad(pos, "bad-shape", "a change is {rule: ID, set: {PATH: VALUE}}, {drop: ID} or {add: RULE}")
    return None


def _set_path(rule: dict[str, Any], dotted: str, value: Any) -> str | None:
    """Set ``rule[a][b]…`` (list items by index); return a problem or None."""
    parts = dotted.split(".")
    node: Any = rule
    for n, part in enumerate(parts[:-1]):
        where = ".".join(parts[: n + 1])
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            keys = list(node) if isinstance(node, dict) else []
            return f"the rule has no {where!r}{_hint(part, keys)}"
    last = parts[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    else:
        return f"{dotted!r} does not name a key or an item of the rule"
    return None


def apply_reform(pack: CompiledPack, reform: Reform | str | Path) -> CompiledPack:
    """The pack with the reform applied, loaded and checked like any pack.

    Raises :class:`ReformError` with every problem located in the reform file (or in the
    original pack, for a problem the reform did not cause).
    """
    ref = reform if isinstance(reform, Reform) else load_reform(reform)
    problems: list[Problem] = []

    def bad(change: Change, message: str, code: str = "bad-change") -> None:
        problems.append(Problem(ref.path, change.pos[0], change.pos[1], code, message))

    if ref.pack != pack.jurisdiction:
        raise ReformError(
            f"{ref.path}: reform {ref.id} is for {ref.pack}",
            [
                Problem(
                    ref.path,
                    1,
                    1,
                    "wrong-pack",
                    f"this reform is for {ref.pack!r}; the pack given is {pack.jurisdiction!r}",
                )
            ],
        )
    with tempfile.TemporaryDirectory(prefix="govit-reform-") as tmp:
        root = Path(tmp) / pack.path.name
        shutil.copytree(pack.path, root, ignore=shutil.ignore_patterns("tests", "examples"))
        files: dict[Path, dict[str, Any]] = {}
        where: dict[str, Path] = {}
        for p in sorted((root / "rules").glob("*.y*ml")):
            data, _ = load_yaml(p)
            files[p] = _plain(data)
            for rule in files[p].get("rules", []):
                where[str(rule.get("id"))] = p
        touched: dict[str, Change] = {}
        changed: set[Path] = set()
        added: list[dict[str, Any]] = []
        for change in ref.changes:
            if change.op == "add":
                if change.rule in where or change.rule in touched:
                    bad(
                        change, f"the pack already has a rule {change.rule!r}; use set to change it"
                    )
                    continue
                added.append(change.values)
                touched[change.rule] = change
                continue
            p_rule = where.get(change.rule)
            if p_rule is None:
                bad(
                    change,
                    f"the pack has no rule {change.rule!r}{_hint(change.rule, where)}",
                    "unknown-rule",
                )
                continue
            changed.add(p_rule)
            rules = files[p_rule]["rules"]
            index = next(i for i, r in enumerate(rules) if r.get("id") == change.rule)
            if change.op == "drop":
                del rules[index]
                del where[change.rule]
                continue
            for dotted, value in change.values.items():
                msg = _set_path(rules[index], str(dotted), value)
                if msg:
                    bad(change, f"rule {change.rule}: {msg}")
            touched[change.rule] = change
        if problems:
            raise ReformError(f"{ref.path}: {len(problems)} problem(s) in the reform", problems)
        for p in changed:
            p.write_text(yaml.safe_dump(files[p], allow_unicode=True, sort_keys=False), "utf-8")
        if added:
            text = yaml.safe_dump({"rules": added}, allow_unicode=True, sort_keys=False)
            (root / "rules" / _ADDED_FILE).write_text(text, "utf-8")
        pack_yaml = root / "pack.yaml"
        meta = pack_yaml.read_text("utf-8")
        meta = re.sub(
            r'^version:\s*"?([^"\n#]+?)"?\s*(#.*)?$',
            lambda m: f'version: "{m.group(1)}+{ref.id}"',
            meta,
            count=1,
            flags=re.M,
        )
        pack_yaml.write_text(meta, "utf-8")
        try:
            return load_pack(root)
        except PackError as exc:
            mapped = [_map_back(pr, root, pack.path, ref, touched) for pr in exc.problems]
            raise ReformError(
                f"reform {ref.id} breaks pack {pack.id}: {len(mapped)} problem(s)", mapped
            ) from None


def _map_back(
    pr: Problem, root: Path, original: Path, ref: Reform, touched: dict[str, Change]
) -> Problem:
    """Locate a problem of the reformed copy in the reform file, or in the original pack."""
    try:
        rel = Path(pr.path).resolve().relative_to(root.resolve())
    except ValueError:
        return pr
    rule_id = _rule_at(root / rel, pr.line)
    if rule_id is not None and rule_id in touched:
        c = touched[rule_id]
        return Problem(ref.path, c.pos[0], c.pos[1], pr.code, f"rule {rule_id}: {pr.message}")
    if rule_id is not None and rel.parts[0] == "rules":
        data, _ = load_yaml(original / rel)
        for i, r in enumerate((data or {}).get("rules", [])):
            if r.get("id") == rule_id:
                line, col = data["rules"].pos_of(i)
                return Problem(str(original / rel), line, col, pr.code, pr.message)
    return Problem(str(original / rel), pr.line, pr.col, pr.code, pr.message)


def _rule_at(path: Path, line: int) -> str | None:
    """The id of the rule whose text spans ``line`` of a rules file."""
    data, _ = load_yaml(path)
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, LocList):
        return None
    found = None
    for i, r in enumerate(rules):
        if rules.pos_of(i)[0] <= line and isinstance(r, dict):
            found = str(r.get("id"))
    return found
