"""OpenAPI pieces every API package reuses: error answers and the headers we read."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api import idempotency
from api.serializers import ErrorSerializer, InputSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=idempotency.KEY_PATTERN,
    description="Any unique string (a UUID): 1 to 255 visible ASCII characters, no spaces. A "
    "retry with the same key returns the first answer and creates nothing new; the same key with "
    "a different body answers 422.",
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


def errors(*statuses: int, described: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """The error answers of an endpoint, in the common error format; `described` gives an
    answer the endpoint's own description (the codes it answers with)."""
    descriptions = {**_DESCRIPTIONS, **(described or {})}
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=descriptions[code])
        for code in statuses
    }


# Where an operation declares the links from its answers (response_links); the hook below moves
# them onto the responses, where OpenAPI wants them.
RESPONSE_LINKS = "x-response-links"

Link = tuple[str, dict[str, str]]


def response_links(status: int, links: dict[str, Link]) -> dict:
    """`extend_schema(extensions=...)` stating OpenAPI links from the answer with `status` to
    other operations: name → (operationId, parameters as runtime expressions, e.g.
    {"number": "$response.body#/number"}), so a client (and schemathesis' stateful phase) can
    follow the object an answer names to what can be done with it next."""
    return {
        RESPONSE_LINKS: {
            str(status): {
                name: {"operationId": operation_id, "parameters": parameters}
                for name, (operation_id, parameters) in links.items()
            }
        }
    }


QUERY_EXAMPLES = "x-query-examples"


def query_examples(name: str, **values) -> dict:
    """`extend_schema(extensions=...)` giving the query parameters (declared by a serializer,
    which has no place for them) one example each, shown together under `name`."""
    return {QUERY_EXAMPLES: {"name": name, "values": values}}


def _move_query_examples(path: str, operation: dict) -> None:
    declared = operation.pop(QUERY_EXAMPLES, None)
    if declared is None:
        return
    parameters = {
        parameter["name"]: parameter
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }
    unknown = set(declared["values"]) - set(parameters)
    if unknown:
        raise ValueError(f"{path}: examples of query parameters it lacks: {sorted(unknown)}")
    key = "".join(word.capitalize() for word in declared["name"].split())
    for name, value in declared["values"].items():
        parameters[name]["examples"] = {key: {"value": value, "summary": declared["name"]}}


def _move_links(result) -> None:
    """Puts each operation's declared links on its responses and its query examples on its
    parameters; a link to an operationId the schema does not have, or an example of a parameter
    it does not take, is a mistake in the code, so it fails the schema's generation."""
    operation_ids = {
        operation.get("operationId")
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
    }
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            _move_query_examples(path, operation)
            for status, links in operation.pop(RESPONSE_LINKS, {}).items():
                unknown = {link["operationId"] for link in links.values()} - operation_ids
                if unknown:
                    raise ValueError(f"Links to operations that do not exist: {sorted(unknown)}")
                operation["responses"][status]["links"] = links


# A time of day as the API reads and writes it: "08:00" or "08:00:00", with no offset (OpenAPI's
# `format: time` would demand one).
TIME_OF_DAY_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
# What the bad-bytes middleware (config.middleware) refuses in every string: NUL.
NO_NUL_PATTERN = r"^[^\x00]*$"


class ContractAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, stating limits the server enforces that it leaves out: a
    request body refuses unknown fields (InputSerializer), a list of objects has its minimum and
    maximum number of items, and a string that may not be blank needs more than whitespace."""

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, InputSerializer):
            result["additionalProperties"] = False
        return result

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and result.get("type") == "array":
            if not field.allow_empty:
                result.setdefault("minItems", 1)
            if field.min_length is not None:
                result["minItems"] = field.min_length
            if field.max_length is not None:
                result["maxItems"] = field.max_length
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and field.trim_whitespace
            and not field.allow_blank
            and not {"enum", "pattern", "format"} & set(result)
        ):
            result["pattern"] = _trimmed_at_least(field.min_length or 1)
        return result


def _trimmed_at_least(length: int) -> str:
    """A pattern for a string that still has `length` characters once its edges are trimmed
    of whitespace (DRF's CharField trims before it counts), without NUL."""
    if length <= 1:
        return r"^[^\x00]*[^\s\x00][^\x00]*$"
    return rf"^\s*[^\s\x00][^\x00]{{{length - 2},}}[^\s\x00]\s*$"


def _strings_without_nul(node) -> None:
    """Every free-text string (no enum, pattern or format of its own) states that NUL is
    refused, as config.middleware enforces for every request."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node["pattern"] = TIME_OF_DAY_PATTERN
        elif node.get("type") == "string" and not {"enum", "pattern", "format"} & set(node):
            node["pattern"] = NO_NUL_PATTERN
        for value in node.values():
            _strings_without_nul(value)
    elif isinstance(node, list):
        for value in node:
            _strings_without_nul(value)


def schema_contract_hook(result, generator, request, public):
    """drf-spectacular post-processing: what every operation may answer whatever its view says.

    Any request may be refused with 400 `invalid_characters` (the middleware runs first), and
    every throttled view may answer 429; times of day carry their real pattern; the links each
    operation declares (response_links) go on its responses."""
    throttled = {
        (path, method.lower())
        for path, _regex, method, callback in generator.endpoints
        if getattr(callback.cls, "throttle_classes", None)
    }
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            wanted = {"400": _DESCRIPTIONS[400]}
            if (path, method) in throttled:
                wanted["429"] = _DESCRIPTIONS[429]
            for code, description in wanted.items():
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": error}},
                        "description": description,
                    },
                )
            for parameter in operation.get("parameters", []):
                _strings_without_nul(parameter.get("schema", {}))
    _strings_without_nul(result.get("components", {}).get("schemas", {}))
    _move_links(result)
    return result
