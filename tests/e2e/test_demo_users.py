"""Each demo user's first login on a freshly seeded SQLite server, as `make run` serves it.

The server is the newcomer's: a new SQLite file, ``migrate``, ``seed_demo`` and ``serve_demo`` in
their own processes with make run's settings. Each demo user logs in through the real page, at an
office PC's width (1280 px) and a phone's (390 px), and finds a home page with something to do in
every section (no empty dashboard), axe-clean; the DPO's register dashboard shows its charts. The
screenshots are kept in test-artifacts/screenshots/demo-users/.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect

from requests_app.demo import DEMO_PASSWORD, DEMO_USERS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.png import png_size
from tests.igportal.processes import free_port, stop, wait_for
from tests.smoke.test_crawl import ROOT, _newcomer_env, _run

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots" / "demo-users"
WIDTHS: dict[str, ViewportSize] = {
    "1280": {"width": 1280, "height": 800},
    "390": {"width": 390, "height": 844},
}


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The newcomer's server on a fresh, seeded SQLite file; its address."""
    tmp_path = tmp_path_factory.mktemp("newcomer")
    env = _newcomer_env(tmp_path)
    for args in (["manage.py", "migrate", "--noinput"], ["manage.py", "seed_demo", "--quiet-users"]):
        done = _run(args, env)
        assert done.returncode == 0, done.stderr
    port = free_port(range(8400, 8500))
    log = tmp_path / "server.log"
    with log.open("ab") as out:
        server = subprocess.Popen(  # noqa: S603 - this interpreter running this repository's manage.py
            [sys.executable, "manage.py", "serve_demo", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            # Unbuffered, as on a terminal, so the banner is in the log as soon as it is printed.
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: _listening(port), timeout=60, what="serve_demo listening", log=log)
        # What the newcomer reads last on the console: the address and the demo users.
        wait_for(lambda: "Stop the server" in log.read_text(), timeout=10, what="the banner", log=log)
        banner = log.read_text()
        assert f"IG Portal is running at http://127.0.0.1:{port}/" in banner
        assert all(username in banner for username, *_ in DEMO_USERS)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture(scope="module")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


def _open(browser: Browser, server: str, viewport: ViewportSize) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)

    def refuse(route: Route) -> None:
        route.abort()

    context.route(lambda url: not url.startswith(server), refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A script error or a Content-Security-Policy violation fails the test, as in the journeys; the
    # refused NHS font (no network in tests) is only a failed resource load.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return page, errors


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("username", [username for username, *_ in DEMO_USERS])
def test_each_demo_user_logs_in_to_a_home_page_with_something_to_do(
    browser: Browser, demo_server: str, screenshots: Path, username: str, width: str
) -> None:
    page, errors = _open(browser, demo_server, WIDTHS[width])
    page.goto(demo_server + "/")
    expect(page.get_by_role("heading", name="Log in to IG Portal")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("here is what needs you")
    sections = page.locator("main section.nhsuk-card")
    assert sections.count() >= 1
    for index in range(sections.count()):
        section = sections.nth(index)
        heading = section.locator("h2").inner_text()
        # Every role's section lists something real from the demo data (a count or a reference, not
        # only the standing "start a new request" link), never its empty message.
        real = section.locator("li a").filter(has_text=re.compile(r"\d"))
        assert real.count() >= 1, f"{username}: '{heading}' has nothing real at {width} px"
    assert_accessible(page)
    shot = screenshots / f"{username}-home-{width}.png"
    page.screenshot(path=shot, full_page=True)
    assert png_size(shot)[0] >= WIDTHS[width]["width"] and shot.stat().st_size > 20_000
    assert not errors, errors
    page.context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_dpos_register_dashboard_has_real_charts(
    browser: Browser, demo_server: str, screenshots: Path, width: str
) -> None:
    page, errors = _open(browser, demo_server, WIDTHS[width])
    page.goto(demo_server + "/accounts/login/?next=/registers/")
    page.get_by_label("Username").fill("dpo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/registers/")
    main = page.locator("main").inner_text()
    assert "No data" not in main and "Nothing to show" not in main, main[:2000]
    # Every register counted with something in it.
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", main, flags=re.MULTILINE)]
    assert numbers and any(numbers), main[:2000]
    assert page.locator("main svg").count() >= 1
    assert_accessible(page)
    shot = screenshots / f"dpo-dashboard-{width}.png"
    page.screenshot(path=shot, full_page=True)
    assert png_size(shot)[0] >= WIDTHS[width]["width"] and shot.stat().st_size > 20_000
    assert not errors, errors
    page.context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_public_transparency_page_lists_the_demo_flows(
    browser: Browser, demo_server: str, screenshots: Path, width: str
) -> None:
    page, errors = _open(browser, demo_server, WIDTHS[width])
    page.goto(demo_server + "/transparency/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    main = page.locator("main").inner_text()
    assert "Northshire Community Trust" in main, main[:2000]
    assert_accessible(page)
    shot = screenshots / f"transparency-{width}.png"
    page.screenshot(path=shot, full_page=True)
    assert png_size(shot)[0] >= WIDTHS[width]["width"] and shot.stat().st_size > 20_000
    assert not errors, errors
    page.context.close()
