"""Idempotency-Key for POSTs that create: a retry gets the first answer and creates nothing new.

The record is inserted first, inside the same transaction as the work it guards. A concurrent
request with the same key blocks on the unique index until the first commits, then fails to
insert and replays the stored answer; when the first rolls back (it raised), nothing was stored
and the retry does the work itself. Only answers that were committed are ever replayed.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import IdempotencyKeyReused, InvalidIdempotencyKey
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


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
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def idempotent(request: Request, *, scope: str, perform: Callable[[], Response]) -> Response:
    """Run `perform` once per (Idempotency-Key, scope, caller); replay its answer to retries."""
    key = request.headers.get(HEADER)
    if key is None:
        return perform()
    if not _valid_key(key):
        raise InvalidIdempotencyKey(fields={HEADER: ["Must be 1 to 255 visible ASCII characters."]})
    full_scope = f"{scope}:{_caller(request)}"
    fingerprint = _fingerprint(request)

    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    key=key, scope=full_scope, fingerprint=fingerprint
                )
        except IntegrityError:
            record = None
        if record is not None:
            response = perform()
            record.response_status = response.status_code
            record.response_body = response.data
            record.save(update_fields=["response_status", "response_body"])
            return response

    stored = IdempotencyRecord.objects.get(key=key, scope=full_scope)
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Response(
        stored.response_body, status=stored.response_status, headers={REPLAY_HEADER: "true"}
    )
