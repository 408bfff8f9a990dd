"""The workbench page in a real browser: headless Chromium from the system, driven by Playwright.

The browser is Debian's ``chromium`` (``.ci/run`` installs it; pip cannot download one).
Screenshots go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import ARTIFACTS, AS_OF, LiveServer

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = next(
    (p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary on this machine (apt-get install chromium chromium-driver)",
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # Offline: every request that is not to our own server fails the test.
    outside: list[str] = []
    pg.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    yield pg
    context.close()
    assert not errors, f"the page raised: {errors}"
    assert not outside, f"the page reached outside the service: {outside}"


def _open(page: Any, server: LiveServer, lang: str = "en") -> None:
    page.goto(f"{server.url}/?lang={lang}&as_of={AS_OF}")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_a_1000_wan_self_built_dazhou_project_goes_to_the_standing_committee_under_art_10_2_iv(
    page: Any, live_server: LiveServer
) -> None:
    _open(page, live_server)
    page.select_option("#jurisdiction", "dazhou")
    page.click("#tab-project")
    page.select_option("#f-unit_type", "government_organ")
    page.select_option("#f-unit_level", "own_level")
    page.check("#f-funding_sources input[value='local_budget']")
    page.select_option("#f-is_secret", "false")
    page.select_option("#f-delivery_mode", "self_build")
    page.fill("#f-total_investment", "1000")
    page.select_option("#f-collectively_reviewed", "false")
    page.fill("#f-budget_review_submitted_on", "2026-09-25")
    routes = page.locator("#routes")
    routes.get_by_text("Standing Committee of the Municipal Party Committee").first.wait_for()
    assert "Art. 10(2)(iv)" in routes.inner_text()
    assert page.locator("#outcome").get_attribute("data-outcome") == "needs_information"
    _shot(page, "workbench-dazhou-1000-wan.png")

    # Art. 38's 30 working days run across National Day: the timeline marks the holidays.
    deadlines = page.locator("#deadlines")
    deadlines.get_by_text("2026-09-25 → 2026-11-12").wait_for()
    page.wait_for_selector("#deadlines .timeline .day.holiday[title^='2026-10-01']")
    assert page.locator("#deadlines .timeline .day.due[title^='2026-11-12']").count() >= 1
    deadlines.screenshot(path=str(ARTIFACTS / "workbench-deadlines.png"))

    # Answer a missing fact in place: the funds were diverted, which Art. 31(1) prohibits.
    page.select_option("#q-funds_diverted", "true")
    page.wait_for_selector("#outcome[data-outcome='prohibited']", timeout=15_000)
    assert page.locator("#f-funds_diverted").input_value() == "true"
    assert "Art. 31(1)" in page.locator("#finding-art-31").inner_text()
    _shot(page, "workbench-dazhou-answered.png")


def test_the_pack_reads_by_chapter_and_article_with_status_rules_and_test_cases(
    page: Any, live_server: LiveServer
) -> None:
    _open(page, live_server, lang="zh")
    page.select_option("#jurisdiction", "dazhou")
    article = page.locator("#art-10")
    article.locator("summary").click()
    article.locator(".rule code", has_text="approval.tier-4").wait_for()
    text = article.inner_text()
    assert "第十条" in text and "Art. 10(2)(iv)" in text
    assert "a 1,000万 self-built project not collectively reviewed" in text  # a pinning case
    assert page.locator("#art-10 .badge.st-encoded").count() == 1
    _shot(page, "workbench-pack-zh.png")


def test_the_tabs_and_the_form_work_from_the_keyboard(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server)
    page.focus("#tab-pack")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-project"
    assert page.locator("#panel-project").is_visible()
    page.focus("#f-total_investment")
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.wait_for_function(
        "document.querySelector('#findings').innerText.includes('Art. 2(1)')", timeout=15_000
    )


def test_a_pasted_yaml_project_is_judged_and_its_bad_fields_are_located(
    page: Any, live_server: LiveServer
) -> None:
    _open(page, live_server)
    page.select_option("#jurisdiction", "dazhou")
    page.click("#tab-project")
    page.click("#paste-box summary")
    page.fill(
        "#paste", "total_investment: 1000\ncollectively_reviewed: false\ntotal_investmnt: 3\n"
    )
    page.click("#use-paste")
    page.locator("#errors .problem", has_text="did you mean 'total_investment'").wait_for()
    assert "project_text:3:1" in page.locator("#errors").inner_text()
    page.fill("#paste", "total_investment: 1000\ncollectively_reviewed: false\n")
    page.click("#use-paste")
    page.locator("#routes", has_text="Art. 10(2)(iv)").wait_for()


def test_compare_shows_every_jurisdiction_side_by_side(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server)
    page.click("#tab-project")
    page.fill("#f-total_investment", "1000")
    page.click("#tab-compare")
    page.click("#run-compare")
    table = page.locator("#compare-table")
    table.wait_for()
    heads = table.locator("thead th").all_inner_texts()
    assert heads[1:] == ["dazhou", "hailing", "lushan", "qinzhou", "wendeng"]
    _shot(page, "workbench-compare.png")
