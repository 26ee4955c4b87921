"""Why a return or exchange cannot go ahead. Codes are what API clients match on."""

from rest_framework import status

from config.exceptions import DomainError, InvalidInput, NotFound


class ReturnError(DomainError):
    code = "return_error"


class ReturnCaseNotFound(NotFound):
    code = "return_not_found"
    default_detail = "No such return case."


class OrderNotCollected(ReturnError):
    code = "order_not_collected"
    default_detail = "Only a collected order can be returned or exchanged."


class ReturnExceedsCollected(ReturnError):
    code = "return_exceeds_collected"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "More would come back than was collected and not yet returned."


class InvalidReturnInput(InvalidInput):
    code = "invalid"


class InvalidCollectionWindow(InvalidInput):
    code = "invalid_collection_window"
    default_detail = "The courier window must be in the future and end after it starts."


class InvalidReturnTransition(ReturnError):
    code = "invalid_transition"
    default_detail = "The return case is not in a state that allows this."


class ReceiveNotPermitted(ReturnError):
    code = "permission_denied"
    status = status.HTTP_403_FORBIDDEN
    default_detail = "Only staff of the receiving store may receive this return."


class ReceiveExceedsExpected(ReturnError):
    code = "receive_exceeds_expected"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "More was received than this case expects."


class UnknownCourierProvider(NotFound):
    code = "unknown_provider"
    default_detail = "No such courier provider."
