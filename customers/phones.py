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


def phone_search_form(raw: str, *, region: str = DEFAULT_REGION) -> str | None:
    """What a search box holds as a phone number in E.164 ("0851 12345", "+49 851 12345",
    "0049 85112345"), or None when `phonenumbers` does not read it as a possible number. Looser
    than phone_to_e164: a number stored once may no longer be valid today, and is still found."""
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not any(char.isdigit() for char in text) or any(char.isalpha() for char in text):
        return None
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
