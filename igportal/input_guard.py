"""Text that no page, form or API may pass on to the database: NUL characters and lone surrogates.

PostgreSQL refuses both (a NUL in a string literal, a surrogate in UTF-8), so without this
check they surface as a server error wherever they reach a query: a wizard's saved input, a
request reference in the address, a JSON body. ``MalformedInputMiddleware`` refuses them with
400 in the path, the query string, form fields and their names, uploaded file names and cookies;
``requests_app.api.parsers.StrictJSONParser`` does the same for API bodies and bounds their depth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

# A surrogate code point left in a str is always unpaired: valid pairs are decoded to one character.
_MALFORMED = re.compile("[\x00\ud800-\udfff]")

REFUSAL = "The request holds characters that cannot be stored (a NUL character or a lone surrogate)."


def is_malformed(text: str) -> bool:
    return _MALFORMED.search(text) is not None


def _texts(request: HttpRequest) -> Iterable[str]:
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    yield from request.COOKIES.values()
    if request.method in {"POST", "PUT", "PATCH", "DELETE"} and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        for key, values in request.POST.lists():
            yield key
            yield from values
        for key, files in request.FILES.lists():
            yield key
            yield from (upload.name or "" for upload in files)


class MalformedInputMiddleware:
    """Answers 400 to a request whose address, query, cookies or form data hold a NUL or lone surrogate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(is_malformed(text) for text in _texts(request)):
            return refuse(request)
        return self.get_response(request)


def refuse(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"error": {"status": 400, "code": "malformed_input", "message": REFUSAL, "fields": {}}}
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, ValueError(REFUSAL))
