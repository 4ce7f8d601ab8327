"""Rules every template keeps, checked over the whole templates folder."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FORM_TAG = re.compile(r"<form\b[^>]*>")


def test_every_form_names_the_address_it_submits_to() -> None:
    """A form without an action submits to the page's address fragment and all: after the skip link
    that is ``#maincontent``, and the page that comes back (with its error summary) jumps there,
    taking focus away from the summary that keyboard and screen reader users need to land on."""
    missing = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in FORM_TAG.findall(path.read_text(encoding="utf-8"))
        if "action=" not in tag
    ]
    assert not missing, "Forms without an action:\n" + "\n".join(missing)


def test_every_error_summary_takes_focus_when_the_page_loads() -> None:
    """The NHS.UK script moves focus to an error summary only when it carries the module's name."""
    summary = re.compile(r"<div\b[^>]*\bclass=\"nhsuk-error-summary\"[^>]*>")
    inert = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in summary.findall(path.read_text(encoding="utf-8"))
        if 'data-module="nhsuk-error-summary"' not in tag
    ]
    assert not inert, "Error summaries without data-module:\n" + "\n".join(inert)
