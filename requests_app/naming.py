"""Record names by the naming convention of [000 3.ii]: ``YYYYMMDD Name Record-type vN [OFFICIAL SENSITIVE]``.

Components are separated by single spaces; the characters the convention forbids are removed from the
name and record type, because they "cause conflicts with other systems and software".
"""

from __future__ import annotations

import datetime
import re

FORBIDDEN = frozenset("><:\"*?\\/|~_+=,.;'^!)(&%£$#@")
OFFICIAL_SENSITIVE = "OFFICIAL SENSITIVE"
_SPACES = re.compile(r"\s+")


def clean_component(text: str) -> str:
    """The text without forbidden characters or control characters, white space folded to single spaces."""
    kept = "".join(" " if char in FORBIDDEN or not char.isprintable() else char for char in text)
    return _SPACES.sub(" ", kept).strip()


def record_name(
    *,
    on: datetime.date,
    name: str,
    record_type: str = "",
    version: int | None = None,
    sensitive: bool = False,
) -> str:
    """The record's name, without a file extension (add ``.pdf`` and the like after it)."""
    if version is not None and version < 1:
        raise ValueError("Versions count from 1.")
    parts = [on.strftime("%Y%m%d"), clean_component(name), clean_component(record_type)]
    if version is not None:
        parts.append(f"v{version}")
    if sensitive:
        parts.append(OFFICIAL_SENSITIVE)
    named = " ".join(part for part in parts if part)
    if named == parts[0]:
        raise ValueError("A record needs a name made of letters or digits.")
    return named
