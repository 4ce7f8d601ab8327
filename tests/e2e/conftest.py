"""Fixtures for the browser tests: one Chromium for the run, a fresh context and journey per test."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Generator, Iterator

import pytest
from django.apps import apps
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.e2e.browser import VIEWPORT, launch_chromium
from tests.e2e.journey import Journey

# Pages answer in well under a second; the margin is for a loaded two-core CI machine.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# The data migrations that load the starting rows: the role groups and the data item catalogue.
STARTING_DATA = (
    ("requests_app.migrations.0002_role_groups", "create_role_groups"),
    ("requests_app.migrations.0004_data_item_catalogue", "load_catalogue"),
)


@pytest.fixture
def starting_data(transactional_db: None) -> None:
    """Put back the rows the migrations load, which the previous transactional test emptied.

    A transactional test ends by emptying every table, so only the first one to run would see the
    catalogue the wizard offers. The loaders are the migrations' own (get_or_create, so harmless
    when the rows are there), which keeps one definition of the starting data. (Django's
    serialized_rollback would do this too, but it collides with the content types that the other
    transactional tests' flushes re-create.)
    """
    for module, loader in STARTING_DATA:
        getattr(importlib.import_module(module), loader)(apps, None)


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
