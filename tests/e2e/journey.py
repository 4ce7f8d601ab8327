"""A journey: one browser tab going through the portal the way a person does, checked on every page.

``Journey.at`` is called on arriving at each page: it waits for the page's heading, runs axe-core on
it and, for the key pages, saves a full-page screenshot named so that a person can follow the journey
in ``test-artifacts/screenshots/<journey>/``. A page arrived at without ``at`` fails the journey, so
"every page the journeys visit" really is every page.

Writing one: mark the module ``pytestmark = E2E``, take the ``journey`` fixture and the people from
tests/conftest.py, make any data with tests/factories.py, then ``j = journey("2-disclosure-log")``;
``j.log_in(person)`` (officers go through their code page), click as a person would and call
``j.at(heading, shot=...)`` on every page reached; end with ``j.finish(*expected_screenshots)``. A file
download (a CSV export, a PDF) loads no page: take it with ``page.expect_download()`` and read it from
``download.path()``.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import ConsoleMessage, Page, expect

from igportal.accounts.mfa import mfa_required_by_role
from tests.conftest import verified_device
from tests.e2e.accessibility import assert_accessible
from tests.e2e.png import png_size
from tests.factories import PASSWORD
from tests.mfa import totp_code

# Every browser test is transactional: the live server's thread must see what the test writes.
E2E = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# A page that rendered shows at least a header, a heading and some text: far more than a blank PNG.
MIN_SCREENSHOT_BYTES = 20_000
MIN_SCREENSHOT_WIDTH = 1000
ARRIVAL_TIMEOUT = 10.0


class Journey:
    """One browser tab's path through the portal; ``finish`` ends it and checks what it left behind."""

    def __init__(self, name: str, page: Page, base_url: str, *, screenshots: Path = SCREENSHOTS) -> None:
        self.name = name
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.folder = screenshots / name
        # Screenshots of an earlier run must not pass for this one's.
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.shots: list[str] = []
        self.loaded: list[str] = []
        self.checked = 0
        self.script_errors: list[str] = []
        self.finished = False
        page.on("load", lambda loaded: self.loaded.append(loaded.url))
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        # A policy violation means a page needs something the Content-Security-Policy forbids.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.script_errors.append(f"{self.page.url}: {message.text}")

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def at(self, heading: str | re.Pattern[str], *, shot: str = "") -> None:
        """Arrived at the page whose main heading is ``heading``: check it, and save it as ``shot``.

        It waits for a page loaded since the last check, so a form that comes back with errors under
        the same heading is not mistaken for the page that was just left.
        """
        deadline = time.monotonic() + ARRIVAL_TIMEOUT
        while len(self.loaded) == self.checked:
            assert time.monotonic() < deadline, f"{self.name}: no new page arrived after {self.page.url}"
            self.page.wait_for_timeout(25)
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        unchecked = self.loaded[self.checked : -1]
        assert not unchecked, f"{self.name}: pages loaded but never checked: {unchecked}"
        self.checked = len(self.loaded)
        assert_accessible(self.page)
        if shot:
            self.shot(shot)

    def shot(self, name: str) -> None:
        """Save the page as it is now (checked on arrival) as the journey's next screenshot."""
        self.shots.append(f"{len(self.shots) + 1:02d}-{name}.png")
        self.page.screenshot(path=self.folder / self.shots[-1], full_page=True)

    def log_in(self, user: User, *, shots: bool = False) -> None:
        """Log in through the real pages: the password, then for officers a code from their authenticator."""
        needs_code = mfa_required_by_role(user)
        device = verified_device(user) if needs_code else None
        if urlsplit(self.page.url).path != reverse("login"):
            self.open(reverse("login"))
            self.at("Log in to IG Portal", shot="log-in" if shots else "")
        self.page.get_by_label("Username").fill(user.get_username())
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        if device is not None:
            self.at("Enter the code from your authenticator app", shot="enter-code" if shots else "")
            self.page.get_by_label("Code", exact=True).fill(self._fresh_code(device))
            self.page.get_by_role("button", name="Continue").click()
        expect(self.page.get_by_test_id("signed-in-as")).to_contain_text(user.get_full_name())

    @staticmethod
    def _fresh_code(device: TOTPDevice) -> str:
        """The code the app shows now; the next one if now's was used (the portal takes a code once).

        A second login by the same officer within 30 seconds is what a person would wait out; the
        portal accepts the next period's code (its clock drift allowance), so the test need not wait.
        """
        device.refresh_from_db()
        now = int((time.time() - device.t0) // device.step)
        return totp_code(device, steps_ahead=1 if device.last_t >= now else 0)

    def log_out(self) -> None:
        self.page.get_by_role("navigation", name="Account").get_by_role("button", name="Log out").click()
        self.at("You have logged out")

    def finish(self, *expected_shots: str) -> None:
        """The journey is over: every page was checked, no script failed, and the screenshots are real.

        ``expected_shots`` are the file names a person will find in the journey's folder, in order.
        """
        unchecked = self.loaded[self.checked :]
        assert not unchecked, f"{self.name}: pages loaded but never checked: {unchecked}"
        assert not self.script_errors, "\n".join(self.script_errors)
        on_disk = sorted(path.name for path in self.folder.iterdir())
        assert on_disk == list(expected_shots), (on_disk, expected_shots)
        for name in expected_shots:
            path = self.folder / name
            width, height = png_size(path)
            assert width > MIN_SCREENSHOT_WIDTH, f"{path} is {width} px wide"
            assert height >= 400, f"{path} is {height} px high"
            assert path.stat().st_size > MIN_SCREENSHOT_BYTES, f"{path} is {path.stat().st_size} bytes"
        self.finished = True
