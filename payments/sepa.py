"""SEPA direct debit: checking the shopper's account details and the mandate they accept.

IBANs are checked by schwifty (checksum, country, length, national structure), never by hand.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)

from payments.exceptions import InvalidIban, InvalidPaymentInput, MandateNotAccepted

ACCOUNT_HOLDER_MAX_LENGTH = 70  # the SEPA scheme's limit for a name
IBAN_INPUT_MAX_LENGTH = 50  # 34 characters and the spaces people type between groups
MANDATE_REFERENCE_PREFIX = "CC-"


@dataclass(frozen=True)
class SepaInput:
    iban: str
    account_holder: str
    mandate_accepted: bool


@dataclass(frozen=True)
class CleanSepa:
    iban: str  # compact, upper case
    bic: str
    account_holder: str


def _iban_refusal(reason: str, message: str) -> InvalidIban:
    return InvalidIban(
        f"The IBAN is not valid: {message}",
        fields={"sepa.iban": [message]},
        field_codes={"sepa.iban": reason},
        reason=reason,
    )


def iban_clean(value: str) -> IBAN:
    """The IBAN as schwifty reads it, in the SEPA zone; raises InvalidIban with the reason
    (checksum, country, length, format)."""
    value = value or ""
    if not value.strip() or len(value) > IBAN_INPUT_MAX_LENGTH:
        raise _iban_refusal("format", "Enter your IBAN.")
    try:
        iban = IBAN(value)
    except InvalidChecksumDigits as error:
        raise _iban_refusal("checksum", "Its check digits do not match: a typo?") from error
    except InvalidCountryCode as error:
        raise _iban_refusal("country", "It does not start with a known country code.") from error
    except InvalidLength as error:
        raise _iban_refusal("length", "It has too many or too few characters.") from error
    except SchwiftyException as error:
        raise _iban_refusal("format", "It is not built like an IBAN of its country.") from error
    if not iban.in_sepa_zone:
        raise _iban_refusal("country", "Direct debit needs an account in the SEPA area.")
    return iban


def sepa_clean(sepa: SepaInput | None) -> CleanSepa:
    """Checks the account and the accepted mandate; raises naming the field (sepa.iban,
    sepa.account_holder, sepa.mandate_accepted). Writes nothing."""
    if sepa is None:
        raise InvalidPaymentInput(
            "Give the account for the direct debit.",
            fields={"sepa": ["Give iban, account_holder and mandate_accepted."]},
        )
    iban = iban_clean(sepa.iban)
    holder = " ".join((sepa.account_holder or "").split())
    if not holder or len(holder) > ACCOUNT_HOLDER_MAX_LENGTH:
        raise InvalidPaymentInput(
            "Enter the account holder's name.",
            fields={"sepa.account_holder": [f"1 to {ACCOUNT_HOLDER_MAX_LENGTH} characters."]},
        )
    if sepa.mandate_accepted is not True:
        raise MandateNotAccepted(fields={"sepa.mandate_accepted": ["Accept the mandate."]})
    bic = iban.bic
    return CleanSepa(iban=iban.compact, bic=str(bic.compact) if bic else "", account_holder=holder)


def mandate_reference(order_number: str) -> str:
    return f"{MANDATE_REFERENCE_PREFIX}{order_number}"


def mandate_text(*, language: str) -> str:
    """The mandate as the shopper reads and accepts it, in their language."""
    with translation.override(language):
        return _(
            "I authorise %(creditor)s (creditor identifier %(creditor_id)s) to collect the "
            "amount of this order from my account by SEPA direct debit once I have collected "
            "the order, and I instruct my bank to pay the direct debit from %(creditor)s. "
            "Note: I can ask my bank for a refund within eight weeks of the debit date, on the "
            "terms agreed with my bank."
        ) % {"creditor": settings.SEPA_CREDITOR_NAME, "creditor_id": settings.SEPA_CREDITOR_ID}
