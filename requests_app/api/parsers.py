"""The API's only body parser: JSON that the database can store, nested no deeper than people write it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from igportal.input_guard import REFUSAL, is_malformed

# No request body of this API nests more than a few levels; 5,000 nested arrays exhausted the
# parser's recursion and answered 500.
MAX_JSON_DEPTH = 16


def _refusal(data: Any) -> str | None:
    """Why a parsed body is refused, or None. Walks without recursion, so depth cannot crash it."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if is_malformed(value):
                return REFUSAL
        elif isinstance(value, Mapping | list):
            if depth > MAX_JSON_DEPTH:
                return f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
            if isinstance(value, Mapping):
                pending.extend((key, depth) for key in value)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)
    return None


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, refusing NUL characters, lone surrogates and deep nesting with 400."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.") from exc
        problem = _refusal(data)
        if problem is not None:
            raise ParseError(problem)
        return data
