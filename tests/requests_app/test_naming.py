from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from requests_app.naming import FORBIDDEN, record_name

DAY = datetime.date(2026, 11, 21)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"name": "CQC Board Meeting", "record_type": "minutes", "version": 1},
            "20261121 CQC Board Meeting minutes v1",
        ),
        (
            {"name": "ISA Northshire Community Trust", "version": 2},
            "20261121 ISA Northshire Community Trust v2",
        ),
        (
            {"name": "ISR-2026-00042", "record_type": "Decision record", "version": 1, "sensitive": True},
            "20261121 ISR-2026-00042 Decision record v1 OFFICIAL SENSITIVE",
        ),
        ({"name": "St. Mary's (Hospital) & Co.", "record_type": "ISA"}, "20261121 St Mary s Hospital Co ISA"),
        (
            {"name": "Riverside_Medical/Practice", "record_type": "ISA"},
            "20261121 Riverside Medical Practice ISA",
        ),
        ({"name": "  Tabs\tand\nnew lines  ", "record_type": ""}, "20261121 Tabs and new lines"),
    ],
)
def test_names_follow_the_convention(kwargs: dict[str, object], expected: str) -> None:
    assert record_name(on=DAY, **kwargs) == expected  # type: ignore[arg-type]


def test_a_name_of_only_forbidden_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a name"):
        record_name(on=DAY, name="?!./")


def test_versions_start_at_one() -> None:
    with pytest.raises(ValueError):
        record_name(on=DAY, name="ISA", version=0)


@given(name=st.text(min_size=1, max_size=80), record_type=st.text(max_size=30))
def test_no_forbidden_character_or_double_space_ever_appears(name: str, record_type: str) -> None:
    try:
        named = record_name(on=DAY, name=name, record_type=record_type, version=3)
    except ValueError:
        return
    assert not FORBIDDEN & set(named)
    assert "  " not in named
    assert named.startswith("20261121 ") and named.endswith(" v3")
    assert all(char.isprintable() for char in named)
