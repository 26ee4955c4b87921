"""Domain errors of payments. No HTTP here beyond the status the API answers with."""

from rest_framework import status

from config.exceptions import DomainError, InvalidInput


class PaymentNotRefundable(DomainError):
    code = "payment_not_refundable"
    status = status.HTTP_409_CONFLICT
    default_detail = "This order has no captured card payment left to refund."


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    default_detail = "The amount must be positive and at most what is left to refund."


class InvalidPaymentInput(InvalidInput):
    """Any other field of a payment call that is not valid; `fields` names which."""

    code = "invalid"


class InvalidIban(InvalidInput):
    """The IBAN is not valid; `field_codes` says why: checksum, country, length or format."""

    code = "invalid_iban"
    default_detail = "The IBAN is not valid."


class MandateNotAccepted(InvalidInput):
    code = "mandate_not_accepted"
    default_detail = "Accept the SEPA direct debit mandate to pay by direct debit."
