"""Order numbers, shopper access tokens and pickup codes.

Neither the access token nor the pickup code is stored in plain text. Both are HMACs of the
server secret, the order number and a random per-order salt, so the worker can put them into a
message after commit and the shopper can see the code again; the row keeps only the salt (and,
for the token, its sha256 for the check). Comparisons are constant-time.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: readable over the phone and at the counter.
NUMBER_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
NUMBER_LENGTH = 8


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
