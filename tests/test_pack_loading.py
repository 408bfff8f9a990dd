"""Loading packs: every problem located and coded, nothing silently accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from govit_rules import PackError, PackNotFoundError, load_pack
from helpers import MINI, copy_mini


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    return copy_mini(tmp_path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_pack(folder)
    return [str(p) for p in info.value.problems]


def test_the_mini_pack_loads_with_no_warnings() -> None:
    pack = load_pack(MINI)
    assert pack.id == "mini"
    assert pack.warnings == ()
    assert len(pack.rules) == 10
    assert len(pack.content_hash) == 16


def test_a_misspelled_fact_fails_the_load_with_its_location_and_a_suggestion(
    pack_copy: Path,
) -> None:
    edit(
        pack_copy / "rules" / "main.yaml",
        "in_scope_if: {total_investment:",
        "in_scope_if: {total_investmnt:",
    )
    (msg,) = problems_of(pack_copy)
    assert msg.endswith(
        "main.yaml:11:19: unknown-fact: no fact 'total_investmnt' in the project model; did you mean 'total_investment'?"
    )


def test_a_citation_missing_from_the_index_fails_the_load(pack_copy: Path) -> None:
    edit(
        pack_copy / "rules" / "main.yaml",
        "cite: {article: 3, paragraph: 2, item: 1}",
        "cite: {article: 3, paragraph: 2, item: 3}",
    )
    (msg,) = problems_of(pack_copy)
    assert "unknown-citation" in msg and "Art. 3(2)(iii)" in msg and "第三条第二款第（三）项" in msg


def test_a_citation_of_an_article_beyond_the_index_fails_the_load(pack_copy: Path) -> None:
    edit(pack_copy / "rules" / "main.yaml", "cite: {article: 6}", "cite: {article: 60}")
    msgs = problems_of(pack_copy)
    assert any("cites Art. 60" in m and "indexed articles: 1-9" in m for m in msgs)
    # Article 6 is now cited by nothing and not marked not_checkable: a silent gap.
    assert any("uncovered-article" in m and "article 6 " in m for m in msgs)


def test_every_problem_of_a_broken_pack_is_listed_at_once(pack_copy: Path) -> None:
    rules = pack_copy / "rules" / "main.yaml"
    edit(rules, "contains: server_room", "contains: server_rooms")
    edit(rules, "authority: mayor", "authority: mayr")
    edit(rules, "documents: [plan, feasibility]", "documents: [plan, feasability]")
    edit(rules, "anchor: budget_review_submitted_on", "anchor: budget_review_submitted")
    msgs = problems_of(pack_copy)
    codes = sorted(m.split(": ")[1] for m in msgs)
    assert codes == ["bad-anchor", "unknown-authority", "unknown-document", "unknown-value"]
    assert all(":" in m.split(": ")[0] for m in msgs)  # path:line:col


def test_a_duplicate_key_is_an_error_not_a_silent_overwrite(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yaml", 'version: "1"\n', 'version: "1"\nversion: "2"\n')
    (msg,) = problems_of(pack_copy)
    assert "pack.yaml:4:1: duplicate-key" in msg and "first at line 3" in msg


def test_an_unknown_key_names_the_allowed_keys(pack_copy: Path) -> None:
    edit(pack_copy / "rules" / "main.yaml", "    prohibits:", "    prohibit:")
    msgs = problems_of(pack_copy)
    assert any("unknown-key" in m and "did you mean 'prohibits'" in m for m in msgs)


def test_a_damaged_article_needs_an_interpretation_note(pack_copy: Path) -> None:
    edit(
        pack_copy / "rules" / "main.yaml",
        "    interpretation: {zh: 按3至6个月理解。, en: Read as 3 to 6 months.}\n",
        "",
    )
    (msg,) = problems_of(pack_copy)
    assert "missing-interpretation" in msg and "Art. 7" in msg


def test_an_article_both_encoded_and_marked_not_checkable_is_contradictory(pack_copy: Path) -> None:
    edit(
        pack_copy / "articles.yaml",
        "title: {zh: 审批, en: Approval}",
        "title: {zh: 审批, en: Approval}, not_checkable: nothing to check",
    )
    (msg,) = problems_of(pack_copy)
    assert "contradictory-article" in msg


def test_a_gap_in_the_article_index_is_reported(pack_copy: Path) -> None:
    edit(
        pack_copy / "articles.yaml",
        "  - {article: 5, chapter: 1, title: {zh: 材料, en: Documents}}\n",
        "",
    )
    msgs = problems_of(pack_copy)
    assert any("missing-article" in m and "skips article(s) 5" in m for m in msgs)


def test_python_tags_in_a_pack_are_refused(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yaml", 'version: "1"', "version: !!python/object/apply:os.getcwd []")
    (msg,) = problems_of(pack_copy)
    assert "parse: tags are not allowed" in msg


def test_a_folder_without_pack_yaml_is_not_a_pack(tmp_path: Path) -> None:
    with pytest.raises(PackNotFoundError):
        load_pack(tmp_path)
