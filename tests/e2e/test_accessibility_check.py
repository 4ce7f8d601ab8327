"""The accessibility check itself: it passes a clean page and names what fails on a broken one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import E2E

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
