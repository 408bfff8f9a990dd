"""Fuzzing the pack loader: a mutated pack loads, or fails with located PackErrors; nothing else.

Each example takes one shipped pack, mutates one of its files (keys, values, nesting,
numbers, templates: drop, duplicate, replace or graft sub-trees, random scalars, huge
numbers, deep nesting, and sometimes the YAML text itself), writes the pack to a temporary
folder and loads it. Allowed outcomes: a compiled pack (which must then evaluate the pack's
own example) or :class:`~govit_rules.errors.PackError`; never another exception, never more
than 2 s, never more than 500 MB. ``GOVIT_FUZZ_EXAMPLES=N`` runs N examples per pack (the
default keeps the suite fast); see docs/fuzzing.md.
"""

from __future__ import annotations

import copy
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govit_rules import CompiledPack, PackError, load_pack

PACKS = Path(__file__).resolve().parents[1] / "rulepacks"
NAMES = sorted(p.name for p in PACKS.iterdir() if (p / "pack.yaml").is_file())
EXAMPLES = int(os.environ.get("GOVIT_FUZZ_EXAMPLES", "15"))
SECONDS = 2.0
MEGABYTES = 500


def _files(pack: str) -> dict[str, str]:
    root = PACKS / pack
    paths = [root / "pack.yaml", root / "articles.yaml", *sorted((root / "rules").glob("*.yaml"))]
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in paths}


SOURCES = {name: _files(name) for name in NAMES}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0, 1, 99, 100, 999, 1000, 9999, 10**4, 10**7, 10**40, -1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.text(max_size=30),
    st.sampled_from(
        [
            "{{ total_investment }}",
            "{{ cycler.__init__.__globals__ }}",
            "{% for i in range(10) %}x{% endfor %}",
            "{% if due %}{{ due | join('、') | default('x') }}{% endif %}",
            "{{ x | upper }}",
            "{{",
            "{% if a %}" * 6,
            "use",
            "all",
            "any",
            "not",
            "known",
            "total_investment",
            "at_least",
            "contains_any",
            "deadline",
            "working_days",
            "9999-12-31",
        ]
    ),
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*here, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*here, i)))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _deep(kind: str, depth: int, leaf: Any) -> Any:
    """``leaf`` nested ``depth`` levels deep, with no shared sub-tree (so no YAML alias)."""
    tree = leaf
    for level in range(depth):
        if kind == "not":
            tree = {"not": tree}
        elif kind == "list":
            tree = [tree]
        else:
            tree = {kind: [tree, {"total_investment": {"at_least": level}}]}
    return tree


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _mutate(data: Any, draw: Any) -> Any:
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    op = draw(
        st.sampled_from(["drop", "duplicate", "scalar", "graft", "rename", "deep", "wide", "key"])
    )
    if not path:
        return draw(scalars) if op == "scalar" else data
    parent, last = _get(data, path[:-1]), path[-1]
    if op == "drop":
        del parent[last]
    elif op == "duplicate":
        if isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        else:
            parent[f"{last}_2"] = copy.deepcopy(parent[last])
    elif op == "scalar":
        parent[last] = draw(scalars)
    elif op == "graft":
        parent[last] = copy.deepcopy(_get(data, draw(st.sampled_from(paths))))
    elif op == "rename" and isinstance(parent, dict):
        new = draw(
            st.one_of(st.text(min_size=1, max_size=12), scalars.filter(lambda s: s is not None))
        )
        parent[new if isinstance(new, str | int | bool) else str(new)] = parent.pop(last)
    elif op == "deep":
        kind = draw(st.sampled_from(["not", "all", "any", "list"]))
        depth = draw(st.integers(min_value=1, max_value=300 if kind in ("not", "list") else 40))
        parent[last] = _deep(kind, depth, parent[last])
    elif op == "wide":
        width = draw(st.integers(min_value=1, max_value=600))
        parts = [{"total_investment": {"at_least": i}} for i in range(width)]
        parent[last] = {draw(st.sampled_from(["all", "any"])): [parent[last], *parts]}
    elif op == "key" and isinstance(parent[last], dict):
        parent[last][draw(st.sampled_from(["use", "when", "message", "cite", "define"]))] = draw(
            scalars
        )
    return data


def _text_mutation(text: str, draw: Any) -> str:
    op = draw(st.sampled_from(["cut", "insert", "alias", "tag", "bytes"]))
    at = draw(st.integers(min_value=0, max_value=len(text)))
    if op == "cut":
        return text[:at]
    if op == "insert":
        return text[:at] + draw(st.text(max_size=20)) + text[at:]
    if op == "alias":
        return "x: &a [1, 2]\ny: &b [*a, *a, *a, *a]\n" + text
    if op == "tag":
        return text[:at] + " !!python/object/apply:os.system ['true'] " + text[at:]
    return text[:at] + "\ufeff\x00\t{{" + text[at:]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("pack", NAMES)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(data=st.data())
def test_a_mutated_shipped_pack_loads_or_fails_with_located_pack_errors_only(
    pack: str, data: st.DataObject
) -> None:
    files = dict(SOURCES[pack])
    target = data.draw(st.sampled_from(sorted(files)), label="file")
    if data.draw(st.integers(min_value=0, max_value=4), label="text?") == 0:
        files[target] = _text_mutation(files[target], data.draw)
    else:
        tree = yaml.safe_load(files[target])
        for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="mutations")):
            tree = _mutate(tree, data.draw)
        files[target] = yaml.dump(tree, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    before = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / pack
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        # CPU time of this process: the machine running the suite may be shared.
        t0 = time.process_time()
        try:
            loaded: CompiledPack | None = load_pack(root)
        except PackError as exc:
            loaded = None
            assert exc.problems, "a PackError lists its problems"
            for p in exc.problems:
                assert p.code and p.message and len(str(p)) < 5000
        elapsed = time.process_time() - t0
        if loaded is not None:
            example = yaml.safe_load(
                (PACKS / pack / "examples" / "compliant.yaml").read_text("utf-8")
            )
            example = {k: v for k, v in example.items()}
            loaded.evaluate(example, date(2026, 6, 1))
    assert elapsed < SECONDS, f"loading took {elapsed:.1f} s"
    assert _rss_mb() - before < MEGABYTES
