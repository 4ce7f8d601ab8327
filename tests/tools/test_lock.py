"""tools/lock.py on hand-written inputs: the staleness check, the runtime part and the assembly."""

from __future__ import annotations

import pytest

from tools import lock

PYPROJECT = """\
[project]
name = "demo"
requires-python = ">=3.11"
dependencies = ["Django>=5.2,<5.3", "segno>=1.6"]

[project.optional-dependencies]
dev = ["pytest>=8"]

[tool.ruff]
line-length = 110
"""

# What `uv pip compile` writes, trimmed to three packages.
RUNTIME = """\
django==5.2.19 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
    # via
    #   -c full.txt
    #   demo (pyproject.toml)
tzdata==2026.6 ; sys_platform == 'win32' \\
    --hash=sha256:cccc
    # via
    #   -c full.txt
    #   django
"""
FULL = """\
arrow==1.4.0 \\
    --hash=sha256:dddd
    # via demo (pyproject.toml)
django==5.2.19 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
    # via demo (pyproject.toml)
tzdata==2026.6 \\
    --hash=sha256:cccc
    # via
    #   arrow
    #   django
"""


def test_a_lock_written_for_this_pyproject_passes_the_check() -> None:
    text = lock.assemble(PYPROJECT, RUNTIME, FULL)
    assert lock.check(PYPROJECT, text) is None


@pytest.mark.parametrize(
    "edit",
    [
        ('"segno>=1.6"', '"segno>=1.6.1"'),
        ('"segno>=1.6"]', '"segno>=1.6", "six"]'),
        ('dev = ["pytest>=8"]', 'dev = ["pytest>=8", "ruff"]'),
        ('requires-python = ">=3.11"', 'requires-python = ">=3.12"'),
    ],
)
def test_any_change_to_what_is_depended_on_makes_the_lock_stale(edit: tuple[str, str]) -> None:
    text = lock.assemble(PYPROJECT, RUNTIME, FULL)
    changed = PYPROJECT.replace(*edit)
    assert changed != PYPROJECT
    assert lock.check(changed, text) == (
        "requirements.lock is out of date: pyproject.toml's dependencies changed since it was written; "
        "run 'make lock' and commit requirements.lock."
    )


def test_tool_settings_and_formatting_do_not_make_the_lock_stale() -> None:
    text = lock.assemble(PYPROJECT, RUNTIME, FULL)
    reformatted = PYPROJECT.replace("line-length = 110", "line-length = 100").replace(
        'dependencies = ["Django>=5.2,<5.3", "segno>=1.6"]',
        'dependencies = [\n    "Django>=5.2,<5.3",\n    "segno>=1.6",\n]',
    )
    assert lock.check(reformatted, text) is None


def test_a_missing_lock_says_to_make_one() -> None:
    assert lock.check(PYPROJECT, None) == "requirements.lock is missing: run 'make lock' and commit it."


def test_the_runtime_part_is_the_runtime_entries_and_the_dev_part_what_the_extra_adds_or_widens() -> None:
    text = lock.assemble(PYPROJECT, RUNTIME, FULL)
    runtime = lock.runtime_part(text)
    assert [name for name, _ in lock.entries(runtime)] == ["django", "tzdata"]
    assert "tzdata==2026.6 ; sys_platform == 'win32'" in runtime
    assert "-c full.txt" not in text
    dev = text[len(runtime) :]
    assert dev.startswith(lock.DEV_HEADING + "\n")
    # arrow is dev-only; django is the same in both so it appears once; tzdata is needed everywhere
    # by arrow, so the dev part carries the wider entry.
    assert [name for name, _ in lock.entries(dev)] == ["arrow", "tzdata"]
    assert "tzdata==2026.6 \\\n    --hash=sha256:cccc" in dev


def test_a_lock_without_the_dev_heading_is_refused() -> None:
    with pytest.raises(lock.LockError, match="run 'make lock'"):
        lock.runtime_part(RUNTIME)
