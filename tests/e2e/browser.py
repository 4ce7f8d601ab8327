"""The one browser the end-to-end tests drive: Debian's Chromium, headless, quiet on the network."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Playwright, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (the tests may run as root in a container, where Chromium's sandbox cannot start), no GPU,
# and none of the background traffic a desktop browser makes (updates, sync, field trials).
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Wide enough for the NHS.UK frontend's desktop layout, so screenshots show what an office PC shows.
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: `apt-get install chromium` "
            "(make test installs it when run as root)."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_FLAGS))
