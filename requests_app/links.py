"""Addresses that lists write once per row, reversed once per page name rather than once per row.

``reverse`` walks the URL patterns each time, about 0.05 ms; a list of fifty rows, or the dashboard's
sixty links, paid it per link. The address is the one ``reverse`` (and ``{% url %}``) makes.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# Stands in for a row's id while reversing: digits, as an <int:pk> converter wants, and in no route.
_PK_PLACEHOLDER = 987654321


@lru_cache(maxsize=64)
def _pk_url_parts(url_name: str, script_prefix: str) -> tuple[str, str] | None:
    # The prefix is an argument so that a change of SCRIPT_NAME reverses again rather than reusing.
    parts = reverse(url_name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return (parts[0], parts[1]) if len(parts) == 2 else None


def pk_url(url_name: str, pk: int) -> str:
    """``reverse(url_name, args=[pk])`` for a page whose one argument is a row's id."""
    parts = _pk_url_parts(url_name, get_script_prefix()) if type(pk) is int else None
    if parts is None:
        return reverse(url_name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"


@lru_cache(maxsize=64)
def _plain_url(url_name: str, script_prefix: str) -> str:
    return reverse(url_name)


def plain_url(url_name: str) -> str:
    """``reverse(url_name)`` for a page that takes no argument."""
    return _plain_url(url_name, get_script_prefix())
