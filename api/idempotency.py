"""Idempotency-Key for POSTs that create: a retry gets the first answer and creates nothing new.

The work and the record of its answer are one transaction: the record is inserted last, with
`INSERT … ON CONFLICT DO NOTHING` (one statement, no savepoint, no second write of the answer).
When a request with the same key committed first (a retry of a request still running, or a
retry of a finished one), the insert yields, this request's work is rolled back and the stored
answer replayed; when this work fails while such an answer exists, that answer is replayed too.
When the first rolls back (it raised), nothing was stored and the retry does the work itself.
Only answers that were committed are ever replayed.

A key belongs to its caller (a signed-in user); anonymous shoppers share the caller `anon`, so
the stored answer, which holds the order's access token, is replayed only to the identical
request: the same key with any other body answers 422 and never shows the stored answer.
"""

import hashlib
import json
import re
from collections.abc import Callable

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import IdempotencyKeyReused, InvalidIdempotencyKey
from api.models import IdempotencyRecord
from config.db import insert_unless_exists

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Visible ASCII, no spaces (a header value's edges lose theirs on the way): what the schema says.
KEY_PATTERN = rf"^[!-~]{{1,{MAX_KEY_LENGTH}}}$"
_KEY = re.compile(KEY_PATTERN)


def _caller(request: Request) -> str:
    user = request.user
    return f"user:{user.pk}" if user and user.is_authenticated else "anon"


def _fingerprint(request: Request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


class _AnsweredMeanwhile(Exception):
    """Another request with this key committed its answer first: roll this work back."""


def idempotent(request: Request, *, scope: str, perform: Callable[[], Response]) -> Response:
    """Run `perform` once per (Idempotency-Key, scope, caller); replay its answer to retries.

    `perform` runs in a transaction of its own, with or without a key, so the service it calls
    may join that transaction without a savepoint of its own (e.g. order_place(savepoint=False)).
    """
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return perform()
    if not _valid_key(key):
        raise InvalidIdempotencyKey(fields={HEADER: ["Must be 1 to 255 visible ASCII characters."]})
    full_scope = f"{scope}:{_caller(request)}"
    fingerprint = _fingerprint(request)

    try:
        with transaction.atomic():
            response = perform()
            record = IdempotencyRecord(
                key=key,
                scope=full_scope,
                fingerprint=fingerprint,
                response_status=response.status_code,
                response_body=response.data,
            )
            if insert_unless_exists(record):
                return response
            raise _AnsweredMeanwhile
    except _AnsweredMeanwhile:
        stored = IdempotencyRecord.objects.get(key=key, scope=full_scope)
    except Exception:
        # The work may have failed only because the first request's work is there now (its
        # order took the last unit, its store has the code): its answer is the answer.
        stored = IdempotencyRecord.objects.filter(key=key, scope=full_scope).first()
        if stored is None:
            raise
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Response(
        stored.response_body, status=stored.response_status, headers={REPLAY_HEADER: "true"}
    )
