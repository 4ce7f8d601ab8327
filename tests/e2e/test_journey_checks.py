"""The checks every journey relies on fail when they should: axe, unchecked pages, policy violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import E2E, Journey

pytestmark = E2E

_BREAK_THE_PAGE = """() => {
  const main = document.querySelector("main");
  const picture = document.createElement("img");
  picture.src = "/static/nhsuk/assets/images/favicon.svg";
  main.append(picture);
  const box = document.createElement("input");
  box.id = "unlabelled-box";
  main.append(box);
}"""
_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "document.title = 'changed';";
  document.body.append(script);
}"""


def test_axe_runs_under_the_pages_own_security_policy_and_names_each_serious_violation(
    page: Page, live_server: LiveServer
) -> None:
    response = page.goto(live_server.url + reverse("login"))
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert_accessible(page)

    page.evaluate(_BREAK_THE_PAGE)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "image-alt (critical)" in report
    assert "label (critical)" in report
    assert "#unlabelled-box" in report
    assert "https://dequeuniversity.com/rules/axe/" in report


def test_a_journey_fails_on_a_page_it_never_checked_and_on_a_policy_violation(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    journey = Journey("self-check", page, live_server.url, screenshots=tmp_path)
    journey.open(reverse("login"))
    journey.at("Log in to IG Portal")
    page.evaluate(_INLINE_SCRIPT)
    journey.open(reverse("login"))
    with pytest.raises(AssertionError, match="pages loaded but never checked"):
        journey.finish()

    journey.at("Log in to IG Portal")
    with pytest.raises(AssertionError, match="Content Security Policy"):
        journey.finish()
