"""Pack conditions of any shape load in bounded time or fail with a located error."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from govit_rules import PackError, load_pack
from govit_rules._engine.evaluate import validate_project
from govit_rules._lang.clock import Clock
from govit_rules._lang.conditions import MAX_DEPTH, MAX_NODES, interpret

_CLOCK = Clock(date(2026, 6, 1))  # the evaluation date a condition may read

PACKS = Path(__file__).resolve().parents[1] / "rulepacks"
AS_OF = date(2025, 6, 1)
# A lushan project in scope, so that every obligation is evaluated.
BASE = {"total_investment": 300, "funding_sources": ["local_budget"], "stage": "construction"}


def lushan_with(
    tmp_path: Path, condition: object, defines: dict[str, object] | None = None
) -> Path:
    """A copy of the Lushan pack with one extra obligation (citing Art. 5) and named conditions.

    YAML is a superset of JSON, so the trees are written as JSON: no anchors or aliases.
    """
    root = Path(shutil.copytree(PACKS / "lushan", tmp_path / "lushan"))
    rule = {
        "id": "extra.limit",
        "kind": "obligation",
        "cite": {"article": 5},
        "requires": condition,
        "message": {"zh": "测试规则。", "en": "A test rule."},
    }
    (root / "rules" / "extra.yaml").write_text(
        json.dumps({"rules": [rule]}, ensure_ascii=False), encoding="utf-8"
    )
    if defines:
        pack = root / "pack.yaml"
        text = pack.read_text(encoding="utf-8")
        lines = "".join(f"  {name}: {json.dumps(tree)}\n" for name, tree in defines.items())
        pack.write_text(text.replace("define:\n", "define:\n" + lines, 1), encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_pack(root)
    return [str(p) for p in info.value.problems]


def status(root: Path, **facts: object) -> str:
    verdict = load_pack(root).evaluate({**BASE, **facts}, AS_OF)
    return next(f.status.value for f in verdict.findings if f.rule_id == "extra.limit")


def at_least(n: int) -> dict[str, object]:
    return {"total_investment": {"at_least": n}}


def dag(levels: int) -> dict[str, object]:
    defines: dict[str, object] = {"dag0": at_least(1)}
    for n in range(1, levels + 1):
        defines[f"dag{n}"] = {"all": [{"use": f"dag{n - 1}"}, {"use": f"dag{n - 1}"}]}
    return defines


def test_named_conditions_reused_exponentially_fail_fast_with_a_located_size_error(
    tmp_path: Path,
) -> None:
    root = lushan_with(tmp_path, {"use": "dag30"}, dag(30))
    t0 = time.perf_counter()
    problems = problems_of(root)
    assert time.perf_counter() - t0 < 2
    too_large = [p for p in problems if "too-large" in p]
    # dag12 is the first to expand past the cap; the ones built on it are not reported again.
    assert len(too_large) == 1, problems
    assert "pack.yaml:" in too_large[0]
    assert "'dag12'" in too_large[0]
    assert f"more than {MAX_NODES}" in too_large[0]


def test_a_shared_named_condition_within_the_cap_compiles_and_decides_correctly(
    tmp_path: Path,
) -> None:
    root = lushan_with(tmp_path, {"use": "dag10"}, dag(10))  # 2047 nodes expanded
    assert status(root, total_investment=300) == "satisfied"
    assert status(root, total_investment=0) == "violated"


def test_an_all_of_three_hundred_parts_compiles_and_keeps_three_valued_logic(
    tmp_path: Path,
) -> None:
    root = lushan_with(tmp_path, {"all": [at_least(n) for n in range(1, 301)]})
    assert status(root, total_investment=300) == "satisfied"
    assert status(root, total_investment=299) == "violated"
    assert status(root, total_investment=None) == "unknown"


def test_an_any_of_three_hundred_parts_is_true_as_soon_as_one_part_holds(tmp_path: Path) -> None:
    root = lushan_with(tmp_path, {"any": [{"total_investment": n} for n in range(300)]})
    assert status(root, total_investment=299) == "satisfied"
    assert status(root, total_investment=300) == "violated"


def test_thirty_two_nested_nots_compile_and_two_hundred_are_a_located_depth_error(
    tmp_path: Path,
) -> None:
    tree: object = at_least(100)
    for _ in range(MAX_DEPTH):
        tree = {"not": tree}
    root = lushan_with(tmp_path / "ok", tree)
    assert status(root, total_investment=300) == "satisfied"  # an even number of nots
    for _ in range(200 - MAX_DEPTH):
        tree = {"not": tree}
    problems = problems_of(lushan_with(tmp_path / "deep", tree))
    assert len(problems) == 1, problems
    assert "rules/extra.yaml:1:" in problems[0]
    assert f"too-deep: conditions nest at most {MAX_DEPTH} levels" in problems[0]


def test_alternating_all_and_any_thirty_two_deep_compiles_to_the_reference_semantics(
    tmp_path: Path,
) -> None:
    tree: object = at_least(100)
    for level in range(MAX_DEPTH):
        parts = [tree, *(at_least(200 + level * 20 + k) for k in range(19))]
        tree = {"all" if level % 2 else "any": parts}
    root = lushan_with(tmp_path, tree)
    pack = load_pack(root)
    rule = pack.rule("extra.limit")
    for total in (None, 0, 150, 250, 500, 1000):
        p = validate_project({**BASE, "total_investment": total})
        assert rule.main_fn(p, _CLOCK) == interpret(rule.main, p), total


def test_a_named_condition_used_too_deep_is_a_located_error_at_the_use(tmp_path: Path) -> None:
    deep: object = at_least(1)
    for _ in range(20):
        deep = {"not": deep}
    wrapped: object = {"use": "deep"}
    for _ in range(20):
        wrapped = {"not": wrapped}
    problems = problems_of(lushan_with(tmp_path, wrapped, {"deep": deep}))
    assert len(problems) == 1, problems
    assert "rules/extra.yaml:" in problems[0]
    assert "named condition 'deep' nests 20 levels" in problems[0]


def test_a_define_cycle_is_reported_once_in_pack_yaml(tmp_path: Path) -> None:
    defines = {"loop_a": {"use": "loop_b"}, "loop_b": {"use": "loop_a"}}
    problems = problems_of(lushan_with(tmp_path, {"use": "loop_a"}, defines))
    cycles = [p for p in problems if "cyclic-definition" in p]
    assert len(cycles) == 1, problems
    assert "pack.yaml:" in cycles[0]
    assert "loop_a -> loop_b -> loop_a" in cycles[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def lushan(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PACKS / "lushan", tmp_path / "lushan"))


@pytest.mark.parametrize("article", ["1000", "10000", "1" + "0" * 39])
def test_a_rule_citing_an_article_beyond_999_is_a_located_error(lushan: Path, article: str) -> None:
    edit(lushan / "rules" / "delivery.yaml", "cite: {article: 5}", f"cite: {{article: {article}}}")
    problems = problems_of(lushan)
    bad = [p for p in problems if "rules/delivery.yaml:4:" in p]
    assert len(bad) == 1, problems
    assert "less than or equal to 999" in bad[0]
    assert not any("uncovered-article" in p for p in problems), problems


def test_article_nine_hundred_ninety_nine_is_the_last_accepted(lushan: Path) -> None:
    edit(lushan / "rules" / "delivery.yaml", "cite: {article: 5}", "cite: {article: 999}")
    problems = problems_of(lushan)
    assert any("unknown-citation" in p and "Art. 999" in p for p in problems), problems
    assert not any("less than or equal" in p for p in problems)


@pytest.mark.parametrize("article", ["10000000", "1" + "0" * 39])
def test_a_huge_article_number_in_the_index_is_a_short_located_error(
    lushan: Path, article: str
) -> None:
    edit(lushan / "articles.yaml", "  - article: 5\n", f"  - article: {article}\n")
    t0 = time.perf_counter()
    problems = problems_of(lushan)
    assert time.perf_counter() - t0 < 2
    assert any("articles.yaml:24:" in p and "less than or equal to 999" in p for p in problems)
    assert all(len(p) < 1000 for p in problems)


def test_skipped_articles_are_listed_as_spans(lushan: Path) -> None:
    edit(lushan / "articles.yaml", "  - article: 5\n", "  - article: 999\n")
    problems = [p for p in problems_of(lushan) if "missing-article" in p]
    assert len(problems) == 1
    assert "skips article(s) 5, " in problems[0]
    assert "-998;" in problems[0]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("paragraphs: 2", "paragraphs: 100"),
        ("chapter: 1\n", "chapter: 100\n"),
    ],
)
def test_paragraph_and_chapter_numbers_above_99_are_located_errors(
    lushan: Path, old: str, new: str
) -> None:
    text = (lushan / "articles.yaml").read_text(encoding="utf-8")
    if old not in text:
        pytest.skip(f"{old!r} not in the Lushan index")
    edit(lushan / "articles.yaml", old, new)
    assert any("less than or equal to 99" in p for p in problems_of(lushan))


def test_in_force_until_before_in_force_from_is_a_located_error(lushan: Path) -> None:
    edit(lushan / "pack.yaml", "  in_force_until: null", "  in_force_until: 2021-12-26")
    (problem,) = problems_of(lushan)
    assert "pack.yaml:17:19: bad-value:" in problem
    assert "in_force_until 2021-12-26 is before in_force_from 2021-12-27" in problem


def test_in_force_until_on_in_force_from_is_a_one_day_pack(lushan: Path) -> None:
    edit(lushan / "pack.yaml", "  in_force_until: null", "  in_force_until: 2021-12-27")
    assert load_pack(lushan).in_force(date(2021, 12, 27))


def test_one_invalid_rule_keeps_the_rest_of_its_file_and_causes_no_uncovered_articles(
    lushan: Path,
) -> None:
    edit(lushan / "rules" / "delivery.yaml", "    kind: obligation\n", "    kind: obligaton\n")
    problems = problems_of(lushan)
    assert len(problems) == 1, problems
    assert "rules/delivery.yaml:3:" in problems[0]


def test_a_pack_file_above_the_size_limit_is_refused_before_it_is_read(lushan: Path) -> None:
    from govit_rules._packs.loading import MAX_FILE_BYTES

    (lushan / "rules" / "huge.yaml").write_text("#" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    problems = problems_of(lushan)
    assert len(problems) == 1, problems
    assert "huge.yaml: too-large: the file has 1000001 bytes" in problems[0]


@pytest.mark.parametrize("name", ["articles.yaml", "rules/delivery.yaml"])
def test_an_empty_pack_file_is_a_located_error_not_a_silent_gap(lushan: Path, name: str) -> None:
    (lushan / name).write_text("", encoding="utf-8")
    problems = problems_of(lushan)
    assert any(f"{name}:1:1: empty-file" in p for p in problems), problems


def test_a_problem_quoting_a_huge_value_is_clipped_to_a_thousand_characters(
    tmp_path: Path,
) -> None:
    problems = problems_of(lushan_with(tmp_path, {"project_nature": list(range(2000))}))
    assert problems
    assert all(len(p.split(": ", 2)[-1]) <= 1000 for p in problems), problems


def test_bare_lists_nested_three_hundred_deep_are_a_located_depth_error(tmp_path: Path) -> None:
    tree: object = at_least(1)
    for _ in range(300):
        tree = [tree]
    problems = problems_of(lushan_with(tmp_path, tree))
    assert len(problems) == 1, problems
    assert "rules/extra.yaml:1:" in problems[0]
    assert "too-deep" in problems[0]
