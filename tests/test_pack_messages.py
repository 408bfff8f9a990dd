"""Message templates are data: a closed formatter, every template checked when a pack loads."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from govit_rules import PackError, load_pack
from govit_rules._packs.template import MessageTemplate, TemplateSyntaxError

PACKS = Path(__file__).resolve().parents[1] / "rulepacks"
DELIVERY_ZH = "本项目的实施方式为 {{ delivery_mode }}。"


@pytest.fixture
def lushan(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PACKS / "lushan", tmp_path / "lushan"))


def with_message(pack: Path, template: str) -> Path:
    """Put ``template`` in the zh message of delivery.model (rules/delivery.yaml)."""
    f = pack / "rules" / "delivery.yaml"
    text = f.read_text(encoding="utf-8")
    assert DELIVERY_ZH in text
    f.write_text(text.replace(DELIVERY_ZH, template, 1), encoding="utf-8")
    return f


def template_problems(pack: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_pack(pack)
    return [str(p) for p in info.value.problems if p.code == "bad-template"]


def test_the_cycler_globals_payload_is_a_located_load_error_and_runs_nothing(
    lushan: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    payload = "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}"
    with_message(lushan, payload)
    problems = template_problems(lushan)
    assert len(problems) == 1
    line = next(
        n
        for n, text in enumerate(
            (lushan / "rules" / "delivery.yaml").read_text("utf-8").splitlines(), 1
        )
        if "cycler" in text
    )
    assert f"rules/delivery.yaml:{line}:" in problems[0]
    assert "bad-template" in problems[0]
    assert not marker.exists()


def test_a_bare_unknown_global_such_as_cycler_is_an_unknown_name(lushan: Path) -> None:
    with_message(lushan, "{{ cycler }}")
    (problem,) = template_problems(lushan)
    assert "unknown name 'cycler'" in problem
    assert "project facts, status" in problem


def test_a_for_loop_is_refused_at_load_time_without_being_run(lushan: Path) -> None:
    with_message(lushan, "{% for i in range(100000000) %}x{% endfor %}")
    t0 = time.perf_counter()
    (problem,) = template_problems(lushan)
    assert time.perf_counter() - t0 < 5
    assert "unknown statement {% for %}" in problem
    assert "{% if name %}, {% else %} and {% endif %}" in problem


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ delivery_mod }}", "did you mean 'delivery_mode'?"),
        ("{{ delivery_mode | upper }}", "unknown filter 'upper'; filters: join, default"),
        ("{{ delivery_mode | join }}", 'takes one quoted text: join("…")'),
        ("{{ delivery_mode.value }}", "is not a name with optional filters"),
        ("{{ delivery_mode", "is never closed by }}"),
        ("{# note #}", "comments"),
        ("{% if delivery_mode %}x", "never closed by {% endif %}"),
        ("x{% endif %}", "{% endif %} without an open {% if %}"),
        ("{% if delivery_mode == 'a' %}x{% endif %}", "must be one bare name"),
        ("{% if a %}{% else %}{% else %}{% endif %}", "a second {% else %}"),
        ("{{ due }}", "computed only for a deadline rule, and this is an obligation rule"),
    ],
)
def test_every_construct_outside_the_closed_language_is_a_located_bad_template(
    lushan: Path, template: str, expected: str
) -> None:
    f = with_message(lushan, template)
    line = next(
        n for n, text in enumerate(f.read_text("utf-8").splitlines(), 1) if template in text
    )
    problems = template_problems(lushan)
    assert problems, template
    assert all(f":{line}:" in p for p in problems)
    assert any(expected in p for p in problems), problems


def test_if_nests_at_most_four_deep() -> None:
    four = "{% if a %}" * 4 + "x" + "{% endif %}" * 4
    assert MessageTemplate(four).render({"a": 1}) == "x"
    with pytest.raises(TemplateSyntaxError, match="more than 4 deep") as info:
        MessageTemplate("{% if a %}" * 5 + "x" + "{% endif %}" * 5)
    assert info.value.offset == 40


def test_a_name_shows_its_value_and_an_unknown_one_shows_a_question_mark() -> None:
    t = MessageTemplate("total {{ total_investment }} on {{ due }}")
    assert (
        t.render({"total_investment": 300, "due": date(2026, 9, 30)}) == "total 300 on 2026-09-30"
    )
    assert t.render({}) == "total ? on ?"
    assert t.names == {"total_investment", "due"}


def test_default_replaces_unknown_and_empty_values_but_shows_zero_and_false() -> None:
    t = MessageTemplate("{{ n | default('未说明') }}")
    assert t.render({"n": None}) == "未说明"
    assert t.render({"n": ""}) == "未说明"
    assert t.render({"n": []}) == "未说明"
    assert t.render({"n": 0}) == "0"
    assert t.render({"n": False}) == "False"


def test_join_then_default_shows_a_list_or_the_fallback() -> None:
    t = MessageTemplate('{{ xs | join("、") | default("未说明") }}')
    assert t.render({"xs": ["a", "b"]}) == "a、b"
    assert t.render({"xs": []}) == "未说明"
    assert t.render({}) == "未说明"


def test_if_keeps_its_part_only_for_a_known_non_empty_true_value() -> None:
    t = MessageTemplate("A{% if due %} by {{ due }}{% else %} (no date){% endif %}.")
    assert t.render({"due": "2026-01-01"}) == "A by 2026-01-01."
    for blank in (None, False, "", []):
        assert t.render({"due": blank}) == "A (no date)."


def test_rendering_a_large_template_is_linear_and_exact() -> None:
    source = "{% if a %}[{{ a }}]{% endif %}" * 5000
    t = MessageTemplate(source)
    assert t.render({"a": 7}) == "[7]" * 5000
    assert t.render({"a": None}) == ""


def test_qinzhou_messages_keep_their_text_after_leaving_jinja2() -> None:
    pack = load_pack(PACKS / "qinzhou")
    scope = pack.rule("scope.funding")
    assert "资金来源：未说明）" in scope.message_zh.render({"funding_sources": []})  # type: ignore[union-attr]
    assert "(sources given: a, b)" in scope.message_en.render({"funding_sources": ["a", "b"]})  # type: ignore[union-attr]
    perf = next(r for r in pack.rules if "consecutive_failed_acceptances" in r.template_vars)
    assert "连续未通过次数：未说明" in perf.message_zh.render({})  # type: ignore[union-attr]
    assert "(consecutive failures: 0)" in perf.message_en.render(  # type: ignore[union-attr]
        {"consecutive_failed_acceptances": 0}
    )


def test_evaluating_a_project_does_not_import_jinja2() -> None:
    code = (
        "import sys, datetime\n"
        "from govit_rules import evaluate\n"
        "evaluate({'total_investment': 300}, jurisdiction='qinzhou', as_of=datetime.date(2027, 3, 1))\n"
        "print('jinja2' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_python_tag_in_a_pack_file_is_a_located_error_and_never_executes(
    lushan: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "tagged"
    f = lushan / "rules" / "delivery.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(
        text.replace(
            "    cite: {article: 5}\n",
            f"    cite: !!python/object/apply:os.system ['touch {marker}']\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(PackError) as info:
        load_pack(lushan)
    assert any("delivery.yaml:" in str(p) and "tag" in p.message for p in info.value.problems)
    assert not marker.exists()
