"""Domain errors of customers' contact data."""

from config.exceptions import InvalidInput


class InvalidPhoneNumber(InvalidInput):
    """Not a phone number that can be called or sent an SMS."""

    code = "invalid_phone"
    default_detail = "Enter a phone number, e.g. 0851 123456 or +49 851 123456."
