"""OpenAPI examples every API package reuses: the error body, and the token exchange.

Examples name what `manage.py seed_demo` creates, so a tool (or a person in /api/docs/) that
follows them reaches real objects: stores such as PAS-01, SKUs such as AKKU-BS-18V, the users
clerk.pas-01 and agent with the password demo. Identifiers the demo draws at random (order and RMA
numbers, tokens) show their shape; the schema's links carry the real ones from one answer to the
next request. tests/api/test_schema_examples.py checks every example against its schema.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

DEMO_PASSWORD = "demo"
CLERK = "clerk.pas-01"
AGENT = "agent"


def error(
    name: str, status: int, code: str, detail: str, fields: dict | None = None, **extra
) -> OpenApiExample:
    """An error answer in the common format (`extra`: the members some codes add, such as
    `alternatives` or `attempts_left`)."""
    return OpenApiExample(
        name,
        value={"code": code, "detail": detail, "fields": fields or {}, **extra},
        response_only=True,
        status_codes=[str(status)],
    )


def request(name: str, value, *, summary: str = "", description: str = "") -> OpenApiExample:
    return OpenApiExample(
        name, value=value, request_only=True, summary=summary, description=description
    )


def response(name: str, value, *, status: int = 200, summary: str = "") -> OpenApiExample:
    return OpenApiExample(
        name, value=value, response_only=True, status_codes=[str(status)], summary=summary
    )


def path_parameter(
    name: str, description: str, examples: dict, *, kind=OpenApiTypes.STR
) -> OpenApiParameter:
    """A path parameter with its examples (summary → value)."""
    return OpenApiParameter(
        name,
        kind,
        OpenApiParameter.PATH,
        description=description,
        examples=[OpenApiExample(summary, value=value) for summary, value in examples.items()],
    )


# The demo's first shopper, Erika Müller, on a freshly seeded database.
CUSTOMER_ID = 1
CUSTOMER = path_parameter(
    "customer_id",
    "The customer's id (`id` in the hotline's search).",
    {"Erika Müller": CUSTOMER_ID},
    kind=OpenApiTypes.INT,
)


NOT_AUTHENTICATED = error(
    "Not authenticated", 401, "not_authenticated", "Authentication credentials were not provided."
)

TOKEN = [
    request(
        "Clerk of Passau",
        {"username": CLERK, "password": DEMO_PASSWORD},
        summary="A demo clerk; agent and admin log in alike",
    ),
    response("Token", {"token": "c10674cff066b0fb893c1814f41cef0c9263b80a"}),
    error(
        "Wrong password",
        400,
        "invalid_credentials",
        "Unable to log in with the given username and password.",
    ),
]
