"""The fact vocabulary as data: reading fact declarations from YAML.

This module owns the declaration format shared by the library's vocabulary
(``vocabulary.yaml``, the facts several regulations speak about) and a pack's own
``facts.yaml`` (the facts only its regulation speaks about), and turns each declared type
into the annotation the project model validates with. Nothing in a declaration is executed:
type names come from a closed table and enum names from :data:`values.ENUMS`.

A declaration file is a mapping with one key, ``facts``, a list of entries::

    - name: total_investment        # a snake_case identifier
      type: money                   # see TYPES; "enum <Name>", "set of <Name>", "set of text"
      unit: 万元                    # required for money (万元) and percent (%), else absent
      zh: 总投资（万元）
      en: Total investment in 万元.
      stage: declaration            # optional: the lifecycle stage of a date
      shared_because: …             # optional: why a fact one pack reads is shared
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import PackError, Problem
from .suggest import suggest
from .values import ENUMS, Count, IsoDate, IsoDates, Money, Percent, Stage, Year

__all__ = [
    "RESERVED",
    "TYPES",
    "FactSpec",
    "annotation_of",
    "read_facts",
    "shared_facts",
    "shipped_facts_files",
    "shipped_local_facts",
    "shipped_packs_dir",
]

# The scalar types a fact may have, and the annotation each validates with.
TYPES: dict[str, Any] = {
    "bool": bool,
    "money": Money,
    "percent": Percent,
    "count": Count,
    "year": Year,
    "date": IsoDate,
    "dates": IsoDates,
    "text": str,
    "set of text": frozenset[str],
}
_UNITS = {"money": "万元", "percent": "%"}
# Names a condition reads that are not facts of a project.
RESERVED = {"today": "conditions read it as the evaluation date"}

_KEYS = ("name", "type", "unit", "zh", "en", "stage", "shared_because")
_REQUIRED = ("name", "type", "zh", "en")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_VOCABULARY = "vocabulary.yaml"
# A facts file is small; the cap keeps a hostile one from exhausting memory.
_MAX_BYTES = 1_000_000
_SUMMARY = "the fact declarations could not be read"

try:  # the C loader keeps the import of the package fast
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One declared fact: what it is called, its type and labels, and where it was declared."""

    name: str
    type: str
    zh: str
    en: str
    unit: str | None = None
    stage: Stage | None = None
    shared_because: str | None = None
    source: str = ""

    @property
    def annotation(self) -> Any:
        return annotation_of(self.type)

    @property
    def file(self) -> Path:
        """The declaration file (a pack's facts.yaml lies in the pack's folder)."""
        return Path(self.source.rpartition(":")[0])

    def problem(self, code: str, message: str) -> Problem:
        """A problem located at this declaration."""
        where, line, col = [*self.source.rsplit(":", 2), "0", "0"][:3]
        return Problem(where, int(line or 0), int(col or 0), code, message)


def annotation_of(type_name: str) -> Any:
    """The annotation of a declared type (``money``, ``enum Stage``, ``set of Component`` …)."""
    if type_name in TYPES:
        return TYPES[type_name]
    kind, _, enum = type_name.rpartition(" ")
    if kind in ("enum", "set of") and enum in ENUMS:
        return ENUMS[enum] if kind == "enum" else frozenset[ENUMS[enum]]  # type: ignore[valid-type]
    raise ValueError(f"unknown fact type {type_name!r}")


def _type_names() -> list[str]:
    return [*TYPES, *(f"enum {e}" for e in ENUMS), *(f"set of {e}" for e in ENUMS)]


def read_facts(path: Path, text: str | None = None) -> tuple[FactSpec, ...]:
    """The facts a declaration file declares, or a :class:`PackError` locating every problem."""
    where = str(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PackError(_SUMMARY, [Problem(where, 0, 0, "unreadable", str(exc))]) from None
        if len(raw) > _MAX_BYTES:
            raise PackError(
                _SUMMARY, [Problem(where, 0, 0, "too-large", "a facts file is at most 1 MB")]
            )
        text = raw.decode("utf-8", errors="replace")
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        raise PackError(
            _SUMMARY, [Problem(where, line, col, "yaml", str(exc).splitlines()[0])]
        ) from None
    problems: list[Problem] = []
    specs: list[FactSpec] = []
    entries = _facts_list(root, where, problems)
    seen: set[str] = set()
    for node in entries:
        name = _name_of(node)
        if name in seen:
            problems.append(_at(node, where, "duplicate-fact", f"fact {name!r} is declared twice"))
            continue
        if name is not None:
            seen.add(name)
        spec = _entry(node, where, problems)
        if spec is not None:
            specs.append(spec)
    if problems:
        raise PackError(_SUMMARY, problems)
    return tuple(specs)


def _name_of(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "name" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def _at(node: yaml.Node, where: str, code: str, message: str) -> Problem:
    return Problem(where, node.start_mark.line + 1, node.start_mark.column + 1, code, message)


def _facts_list(root: yaml.Node | None, where: str, problems: list[Problem]) -> list[yaml.Node]:
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value != "facts":
                hint = suggest(str(key.value), ["facts"])
                problems.append(_at(key, where, "unknown-key", f"unknown key {key.value!r}{hint}"))
            elif isinstance(value, yaml.SequenceNode):
                return list(value.value)
            elif not (isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~")):
                problems.append(_at(value, where, "bad-type", "facts must be a list of facts"))
        return []
    problems.append(_at(root, where, "bad-type", "a facts file is a mapping with a 'facts' list"))
    return []


def _entry(node: yaml.Node, where: str, problems: list[Problem]) -> FactSpec | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(_at(node, where, "bad-type", "a fact is a mapping of name, type, zh, en …"))
        return None
    values: dict[str, str] = {}
    before = len(problems)
    for key, value in node.value:
        k = str(key.value)
        if k not in _KEYS:
            problems.append(_at(key, where, "unknown-key", f"unknown key {k!r}{suggest(k, _KEYS)}"))
        elif not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            problems.append(_at(value, where, "bad-type", f"{k} must be non-empty text"))
        else:
            values[k] = str(value.value)
    for k in _REQUIRED:
        if k not in values and not any(p.message.startswith(f"{k} ") for p in problems[before:]):
            problems.append(_at(node, where, "missing-key", f"a fact needs {k!r}"))
    if len(problems) > before:
        return None
    name, ftype = values["name"], values["type"]
    if not _NAME.fullmatch(name):
        problems.append(_at(node, where, "bad-name", f"{name!r} is not a snake_case fact name"))
    elif name in RESERVED:
        problems.append(
            _at(
                node,
                where,
                "bad-name",
                f"{name!r} is reserved: {RESERVED[name]}; pick another name",
            )
        )
    if ftype not in _type_names():
        hint = suggest(ftype, _type_names())
        problems.append(_at(node, where, "unknown-type", f"unknown fact type {ftype!r}{hint}"))
    if values.get("unit") != _UNITS.get(ftype):
        want = _UNITS.get(ftype)
        message = f"a {ftype} fact has unit {want!r}" if want else f"a {ftype} fact has no unit"
        problems.append(_at(node, where, "bad-unit", message))
    stage = values.get("stage")
    if stage is not None and stage not in Stage.__members__:
        hint = suggest(stage, list(Stage.__members__))
        problems.append(_at(node, where, "unknown-stage", f"unknown stage {stage!r}{hint}"))
    if len(problems) > before:
        return None
    return FactSpec(
        name=name,
        type=ftype,
        zh=values["zh"],
        en=values["en"],
        unit=values.get("unit"),
        stage=Stage(stage) if stage is not None else None,
        shared_because=values.get("shared_because"),
        source=f"{where}:{node.start_mark.line + 1}",
    )


def shipped_packs_dir() -> Path:
    """The folder holding the shipped rule packs (inside the wheel, or the source checkout)."""
    try:
        inside = Path(str(resources.files("govit_rules") / "rulepacks"))
        if inside.is_dir():
            return inside
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    # An editable install or a source checkout: src/govit_rules/../../rulepacks
    return Path(__file__).resolve().parents[3] / "rulepacks"


@cache
def shared_facts() -> tuple[FactSpec, ...]:
    """The library's shared vocabulary, in its order."""
    return read_facts(Path(__file__).with_name(_VOCABULARY))


@cache
def shipped_local_facts() -> tuple[FactSpec, ...]:
    """The own facts of every shipped pack (``<pack>/facts.yaml``), pack by pack."""
    out: list[FactSpec] = []
    for path in sorted(shipped_packs_dir().glob("*/facts.yaml")):
        out.extend(read_facts(path))
    return tuple(out)


@cache
def shipped_facts_files() -> frozenset[Path]:
    """The shipped packs' ``facts.yaml`` files (resolved): their facts are in Project."""
    return frozenset(path.resolve() for path in shipped_packs_dir().glob("*/facts.yaml"))
