"""Order numbers, shopper access tokens and pickup codes.

Neither the access token nor the pickup code is stored in plain text. Both are HMACs of the
server secret, the order number and a random per-order salt, so the worker can put them into a
message after commit and the shopper can see the code again; the row keeps only the salt (and,
for the token, its sha256 for the check). Comparisons are constant-time.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: readable over the phone and at the counter.
NUMBER_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
NUMBER_LENGTH = 8
PICKUP_CODE_LENGTH = 6
# What the order page's QR code holds: "CC <number> <pickup code>", all in the QR alphanumeric
# set, so it stays a small version-1 code that any counter scanner reads.
COUNTER_QR_PREFIX = "CC"
# People say and print codes in groups: "675 097", "675-097".
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def order_number_generate() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def salt_generate() -> str:
    return secrets.token_hex(16)


def _hmac(message: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).digest()


def access_token_derive(*, number: str, salt: str) -> str:
    return _hmac(f"order-access:{number}:{salt}").hex()[:40]


def access_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_token_matches(*, token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(access_token_hash(token), stored_hash)


def pickup_code_derive(*, number: str, salt: str, version: int) -> str:
    digest = _hmac(f"pickup-code:{number}:{salt}:{version}")
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def pickup_code_matches(*, given: str, number: str, salt: str, version: int) -> bool:
    expected = pickup_code_derive(number=number, salt=salt, version=version)
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def pickup_code_normalise(value: str) -> str:
    """The code as given, without the spaces and dashes people group it with."""
    return _SEPARATORS.sub("", value or "")


def pickup_code_well_formed(value: str) -> bool:
    """Six digits (after normalising): anything else is a typo, never a wrong attempt."""
    return len(value) == PICKUP_CODE_LENGTH and value.isascii() and value.isdigit()


def counter_qr_payload(*, number: str, code: str) -> str:
    return f"{COUNTER_QR_PREFIX} {number} {code}"


@dataclass(frozen=True)
class CounterInput:
    """What was typed or scanned into the counter's box: an order number, a pickup code, or
    both (from the order page's QR code)."""

    number: str = ""
    code: str = ""
    from_qr: bool = False


def _is_order_number(value: str) -> bool:
    return len(value) == NUMBER_LENGTH and all(char in NUMBER_ALPHABET for char in value)


def counter_input_parse(text: str) -> CounterInput | None:
    """Reads the counter box: "CC <number> <code>" (the QR code), an order number or a pickup
    code, each with any spaces or dashes; digits only is a pickup code of whatever length (the
    caller refuses a wrong length). None when it is none of these."""
    text = (text or "").strip().upper()
    parts = text.split()
    if len(parts) >= 3 and parts[0] == COUNTER_QR_PREFIX:
        number, code = parts[1], pickup_code_normalise("".join(parts[2:]))
        if _is_order_number(number) and pickup_code_well_formed(code):
            return CounterInput(number=number, code=code, from_qr=True)
        return None
    compact = pickup_code_normalise(text)
    if compact.isascii() and compact.isdigit():
        return CounterInput(code=compact)
    if _is_order_number(compact):
        return CounterInput(number=compact)
    return None
