"""Run axe-core (the npm package in node_modules) on the page a browser shows, and fail on what matters.

The page's Content-Security-Policy allows only this site's own scripts, so axe cannot be added as a
<script> tag. It is evaluated through the DevTools protocol instead (``page.evaluate``), which CSP
does not govern; the pages keep their real policy, so the journeys also prove that nothing on them
needs an exception to it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the level the NHS service standard and the public sector
# accessibility regulations ask for.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
FAILING_IMPACTS = frozenset({"serious", "critical"})

_RUN_AXE = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}"""


@functools.cache
def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise FileNotFoundError(
            f"{AXE_SOURCE} is missing: run `npm ci` (make test does) to install axe-core from package.json."
        )
    return AXE_SOURCE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """Every WCAG 2.x A/AA violation axe finds on the page as it is now, whatever its impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source()}\n}}")
    found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, list(WCAG_TAGS))
    return found


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        lines.extend(f"    at {target}" for target in violation["targets"])
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail, listing rule, help and the elements, when axe finds a serious or critical violation."""
    serious = [v for v in violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe-core found serious or critical WCAG violations on {page.url}:\n" + describe(
        serious
    )
