"""Phone numbers as people type them, stored in E.164: parsed and checked by `phonenumbers`
(Google's libphonenumber), never by a hand-written pattern."""

import phonenumbers

from customers.exceptions import InvalidPhoneNumber

DEFAULT_REGION = "DE"


def phone_to_e164(raw: str, *, region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """ "0851 123456" -> "+49851123456" with the region's country code for a national number;
    "" for nothing typed. Raises InvalidPhoneNumber (naming `field`) for anything that is not a
    valid number of its country."""
    text = (raw or "").strip()
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as error:
        raise _invalid(field) from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid(field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _invalid(field: str) -> InvalidPhoneNumber:
    return InvalidPhoneNumber(
        fields={field: [InvalidPhoneNumber.default_detail]},
        field_codes={field: InvalidPhoneNumber.code},
    )
