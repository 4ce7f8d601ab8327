"""Fill a wizard step in the browser from the answers a test would post (tests/necessity/wizard_data.py)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page


def fill_step(page: Page, values: dict[str, Any]) -> None:
    """Type, choose and tick each field of the step's form by its name, as a person would by its label."""
    form = page.locator("main form[method=post]").first
    for name, value in values.items():
        fields = form.locator(f'[name="{name}"]')
        if value == "" and fields.count() == 0:
            # An empty answer for a field this page draws differently (a date is three boxes).
            continue
        kind = fields.first.evaluate("el => el.type || el.tagName.toLowerCase()")
        if kind in {"radio", "checkbox"}:
            for chosen in value if isinstance(value, list) else [value]:
                if chosen != "":
                    fields.and_(form.locator(f'[value="{chosen}"]')).check()
        elif kind == "select-one":
            fields.select_option(str(value))
        else:
            fields.fill(str(value))
