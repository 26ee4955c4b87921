"""One place that refuses characters no text column can store, before any view or query runs.

PostgreSQL text cannot hold NUL (0x00), and a lone UTF-16 surrogate (a JSON "\\ud800" without
its pair) cannot be encoded as UTF-8 at all; either would reach the database as a 500. This
middleware answers 400 instead, in the API's error format under /api/ (code
`invalid_characters`, `fields` naming where), for the path, the query string, the headers and
cookies, and JSON or form bodies. Nothing past it runs, so nothing is written.
"""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.http.multipartparser import MultiPartParserError

CODE = "invalid_characters"
DETAIL = "The request contains characters that cannot be stored (NUL or a lone surrogate)."
# Characters refused anywhere: NUL and the surrogate range, which no valid text contains.
_BAD = re.compile("[\x00\ud800-\udfff]")
# A quick look at the raw JSON before parsing it: a NUL byte, or an escape that could decode to
# NUL or a surrogate. Only a body that matches is parsed and walked.
_SUSPECT_JSON = re.compile(rb"\x00|\\u0000|\\u[dD][89abcdefABCDEF]", re.IGNORECASE)


def _bad(text: str) -> bool:
    return bool(_BAD.search(text))


def _json_bad_places(value: Any, where: str) -> Iterator[str]:
    if isinstance(value, str):
        if _bad(value):
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            place = f"{where}.{key}" if where else str(key)
            if _bad(str(key)):
                yield place
            else:
                yield from _json_bad_places(item, place)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_bad_places(item, f"{where}[{index}]")


def _body_bad_places(request: HttpRequest) -> list[str]:
    content_type = request.content_type or ""
    if content_type.endswith("json"):
        body = request.body
        if not _SUSPECT_JSON.search(body):
            return []
        try:
            data = json.loads(body)
        except ValueError:
            # Not JSON at all: the parser of the view answers that (malformed_json).
            return ["body"] if b"\x00" in body else []
        return list(_json_bad_places(data, ""))
    if content_type == "application/x-www-form-urlencoded":
        # Parsed from the raw body: reading request.POST here would make DRF take a form
        # body it must refuse (415) as parsed data.
        form = QueryDict(request.body, encoding=request.encoding)
    elif content_type == "multipart/form-data" and not request.path.startswith("/api/"):
        try:
            form = request.POST
        except MultiPartParserError:
            return []
    else:
        return []
    return [key for key, values in form.lists() if _bad(key) or any(map(_bad, values))]


def request_bad_places(request: HttpRequest) -> dict[str, list[str]]:
    """Where the request holds characters that cannot be stored, by part; empty when none."""
    places: dict[str, list[str]] = {}
    if _bad(request.path):
        places["path"] = ["Contains NUL or a lone surrogate."]
    query = [key for key, values in request.GET.lists() if _bad(key) or any(map(_bad, values))]
    if query:
        places["query"] = query
    headers = [
        name for name, value in request.META.items() if name.startswith("HTTP_") and _bad(value)
    ]
    if headers:
        places["headers"] = headers
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        body = _body_bad_places(request)
        if body:
            places["body"] = body
    return places


class InvalidCharactersMiddleware:
    """Answers 400 `invalid_characters` to a request carrying NUL or a lone surrogate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        places = request_bad_places(request)
        if places:
            if request.path.startswith("/api/"):
                return JsonResponse({"code": CODE, "detail": DETAIL, "fields": places}, status=400)
            return HttpResponseBadRequest(DETAIL, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
