"""Signed tokens of the newsletter's links (django.core.signing, keyed by SECRET_KEY): the
confirmation link of a subscription, the unsubscribe link of a customer's channel and the
tracked link of a campaign's product. Nothing is stored; a forged or altered token fails the
signature check."""

import datetime

from django.core import signing

from newsletter.exceptions import ExpiredToken, InvalidToken

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CLICK_SALT = "newsletter.click"
# A confirmation link works this long; an unsubscribe or tracked link in a mail never expires.
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def confirm_token(*, subscription_id: int, requested_at: datetime.datetime) -> str:
    # The request's time makes the link of an earlier request useless after a new one.
    return signing.dumps([subscription_id, int(requested_at.timestamp())], salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> tuple[int, int]:
    """(subscription id, request time in Unix seconds); InvalidToken or ExpiredToken."""
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredToken() from error
    except signing.BadSignature as error:
        raise InvalidToken() from error
    return _pair(value)


def unsubscribe_token(*, customer_id: int, channel: str) -> str:
    return signing.dumps([customer_id, channel], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise InvalidToken() from error
    customer_id, channel = _pair(value, second=str)
    return customer_id, channel


def click_token(*, campaign_id: int, customer_id: int, target: str) -> str:
    """`target` is "p:<SKU>" for a product page, else a URL of the shop."""
    return signing.dumps([campaign_id, customer_id, target], salt=CLICK_SALT)


def click_token_read(token: str) -> tuple[int, int, str]:
    """(campaign id, customer id, target); InvalidToken when forged or malformed."""
    try:
        value = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature as error:
        raise InvalidToken() from error
    if not (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(item, int) for item in value[:2])
        and isinstance(value[2], str)
    ):
        raise InvalidToken()
    return value[0], value[1], value[2]


def _pair(value, second: type = int) -> tuple:
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], second)
    ):
        raise InvalidToken()
    return value[0], value[1]
