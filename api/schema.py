"""OpenAPI pieces every API package reuses: error answers and the headers we read."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from api import idempotency
from api.serializers import ErrorSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID). A retry with the same key returns the first answer "
    "and creates nothing new; the same key with a different body answers 422.",
)

ORDER_TOKEN = OpenApiParameter(
    name="X-Order-Token",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The shopper's secret order access token, returned when the order was placed.",
)

_DESCRIPTIONS = {
    400: "Invalid input; `fields` names each bad field.",
    401: "Not authenticated.",
    403: "Authenticated but not allowed.",
    404: "Not found, or outside the caller's reach.",
    415: "The body must be JSON (Content-Type: application/json).",
    409: "Conflicts with the current state (e.g. `invalid_transition`).",
    422: "A condition of the transition failed, or an Idempotency-Key was reused.",
    429: "Rate limit reached.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error answers of an endpoint, in the common error format."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[code])
        for code in statuses
    }
