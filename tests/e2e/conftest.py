"""Fixtures for the browser tests: one Chromium for the run, a fresh context and journey per test."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.e2e.browser import VIEWPORT, launch_chromium
from tests.e2e.journey import Journey

# Pages answer in well under a second; the margin is for a loaded two-core CI machine.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running on this thread, and Django refuses ORM calls
    # from a thread with a running loop (it cannot tell this from async code). The tests' own ORM calls
    # (factories, TOTP codes) are plain synchronous code, so the check is switched off while the
    # browser runs; the browser tests are ordered last (tests/conftest.py), so no other test runs then.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer, starting_data: None) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)

    # The browser talks to the live server only: the NHS font's host (assets.nhs.uk) is refused at
    # once, so pages render in the stylesheet's fallback font instead of waiting on a network that
    # test machines do not have.
    def elsewhere(url: str) -> bool:
        return not url.startswith(live_server.url)

    def refuse(route: Route) -> None:
        route.abort()

    context.route(elsewhere, refuse)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


CALL_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed
    return report


@pytest.fixture
def journey(
    request: pytest.FixtureRequest, page: Page, live_server: LiveServer
) -> Iterator[Callable[[str], Journey]]:
    """``journey("police-request")``: this test's tab, saving screenshots under that folder name.

    A test that passes must have called ``finish`` on its journey, which checks the last pages and the
    screenshots; one that failed already says why, so nothing more is asserted then.
    """
    started: list[Journey] = []

    def start(name: str) -> Journey:
        started.append(Journey(name, page, live_server.url))
        return started[-1]

    yield start
    if request.node.stash.get(CALL_PASSED, False):
        unfinished = [each.name for each in started if not each.finished]
        assert not unfinished, f"journey.finish() was never called for {unfinished}"
    elif started:
        # What the browser showed when the journey went wrong, for whoever reads the failure.
        page.screenshot(path=started[-1].folder / "failed-here.png", full_page=True)
