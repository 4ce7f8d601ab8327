"""The README says what the product does, to the letter: its demo users and its browser journeys."""

from __future__ import annotations

import re
from pathlib import Path

from requests_app.demo import DEMO_USERS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_every_demo_user_with_their_role() -> None:
    listed = dict(re.findall(r"^\| `([a-z]+)` +\| ([^|]+?) +\| `demo-password-1234` \|$", README, re.M))
    expected = {username: role.label for username, _first, _last, role in DEMO_USERS}
    # The README may say more than the role's name ("Auditor (read-only)"), never another role.
    assert set(listed) == set(expected)
    assert all(listed[username].startswith(label) for username, label in expected.items())


def test_the_readme_describes_every_browser_journey_that_saves_screenshots() -> None:
    folders = {
        folder
        for path in (ROOT / "tests" / "e2e").glob("test_*.py")
        for folder in re.findall(r'journey\("([^"]+)"\)', path.read_text(encoding="utf-8"))
    }
    described = set(re.findall(r"^\| `([a-z0-9-]+)` \|", README, re.M))
    assert folders, "no journeys found: the pattern no longer matches the tests"
    assert folders <= described, sorted(folders - described)
