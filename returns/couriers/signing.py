"""HMAC signatures for courier webhooks: `t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<body>")>`."""

import hashlib
import hmac
import time

from returns.couriers.base import InvalidSignature

TOLERANCE_SECONDS = 5 * 60


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value a sender puts on `body` (the sandbox courier and tests sign this way)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_verify(*, secret: str, body: bytes, header: str, now: float | None = None) -> None:
    """Raises InvalidSignature unless `header` signs exactly `body` within the tolerance."""
    if not secret:
        raise InvalidSignature("no webhook secret is configured for this provider")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        received = parts["v1"]
    except (KeyError, ValueError) as error:
        raise InvalidSignature("malformed signature header") from error
    now = time.time() if now is None else now
    # A captured request replayed later, or a clock far in the future, is refused.
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("signature timestamp outside the tolerance")
    expected = signature_header(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, received):
        raise InvalidSignature("signature does not match")
