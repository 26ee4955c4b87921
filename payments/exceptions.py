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
