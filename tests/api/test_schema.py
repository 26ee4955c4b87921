import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    for path in [
        "/api/v1/auth/token/:",
        "/api/v1/stores/:",
        "/api/v1/stores/{code}/stock/:",
        "/api/v1/products/:",
        "/api/v1/products/{sku}/:",
        "/api/v1/products/{sku}/availability/:",
        "/api/v1/stores/{code}/pickup-slots/:",
        "/api/v1/orders/:",
        "/api/v1/orders/{number}/:",
        "/api/v1/orders/{number}/cancel/:",
        "/api/v1/orders/{number}/start-picking/:",
        "/api/v1/orders/{number}/mark-ready/:",
        "/api/v1/orders/{number}/report-shortage/:",
        "/api/v1/orders/{number}/hand-over/:",
        "/api/v1/newsletter/subscriptions/:",
        "/api/v1/newsletter/confirm/:",
        "/api/v1/newsletter/unsubscribe/:",
        "/api/v1/customers/{customer_id}/consents/:",
        "/api/v1/returns/:",
        "/api/v1/returns/{number}/:",
    ]:
        assert f"  {path}" in text, path


@pytest.mark.django_db
def test_the_schema_and_its_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def served_schema(client) -> dict:
    return client.get("/api/schema/", {"format": "json"}).json()


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


@pytest.mark.django_db
def test_every_operation_documents_400_and_every_throttled_one_429(client):
    schema = served_schema(client)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)
            if path != "/api/v1/couriers/{provider}/webhook/":  # its signature, no throttle
                assert "429" in operation["responses"], (method, path)


@pytest.mark.django_db
def test_times_of_day_are_hh_mm_patterns_not_openapi_time_with_an_offset(client):
    schema = served_schema(client)

    assert not [node for node in walk(schema) if node.get("format") == "time"]
    opens = schema["components"]["schemas"]["OpeningHours"]["properties"]["opens"]
    assert opens["pattern"] == r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"


@pytest.mark.django_db
def test_every_free_text_string_states_that_nul_is_refused(client):
    schema = served_schema(client)

    free_strings = [
        node
        for node in walk(schema["components"]["schemas"])
        if node.get("type") == "string" and not {"enum", "format"} & set(node)
    ]
    assert free_strings
    assert all("pattern" in node for node in free_strings)
    line1 = schema["components"]["schemas"]["AddressInput"]["properties"]["line1"]
    line2 = schema["components"]["schemas"]["AddressInput"]["properties"]["line2"]
    assert (line1["minLength"], line1["pattern"]) == (1, r"^[^\x00]*[^\s\x00][^\x00]*$")
    assert line2["pattern"] == r"^[^\x00]*$"


def request_bodies(schema: dict):
    """The component names of every request body, and of every object nested in one."""
    components = schema["components"]["schemas"]
    pending = [
        node["$ref"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for node in walk(operation.get("requestBody", {}))
        if "$ref" in node
    ]
    seen = set()
    while pending:
        name = pending.pop().rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            pending += [node["$ref"] for node in walk(components[name]) if "$ref" in node]
    return {name for name in seen if components[name].get("type") == "object"}


@pytest.mark.django_db
def test_every_request_body_object_refuses_unknown_fields_in_the_schema(client):
    schema = served_schema(client)

    bodies = request_bodies(schema)

    assert {"OrderPlaceInput", "CustomerInput", "LineInput", "ShortageInput"} <= bodies
    for name in bodies:
        assert schema["components"]["schemas"][name]["additionalProperties"] is False, name


@pytest.mark.django_db
def test_lists_of_lines_state_their_minimum_and_maximum_items(client):
    schemas = served_schema(client)["components"]["schemas"]

    for name in [
        "ShortageInput",
        "OrderPlaceInput",
        "ExchangeInput",
        "ReceiveInput",
        "ReturnInput",
    ]:
        lines = schemas[name]["properties"]["lines"]
        assert (lines["minItems"], lines["maxItems"]) == (1, 50), name


@pytest.mark.django_db
def test_a_string_that_may_not_be_blank_needs_more_than_whitespace(client):
    schema = served_schema(client)
    search = next(
        parameter
        for parameter in schema["paths"]["/api/v1/customers/"]["get"]["parameters"]
        if parameter["name"] == "search"
    )
    pattern = re.compile(search["schema"]["pattern"])

    assert [
        bool(pattern.search(text)) for text in ["Müller", " abc ", " ab ", "   ", "a\x00bc"]
    ] == [
        True,
        True,
        False,
        False,
        False,
    ]


@pytest.mark.django_db
def test_the_idempotency_key_header_states_its_pattern(client):
    schema = served_schema(client)

    header = next(
        parameter
        for parameter in schema["paths"]["/api/v1/orders/"]["post"]["parameters"]
        if parameter["name"] == "Idempotency-Key"
    )

    assert header["schema"]["pattern"] == "^[!-~]{1,255}$"


@pytest.mark.django_db
def test_the_newsletter_links_document_the_400_of_a_token_that_does_not_verify(client):
    paths = served_schema(client)["paths"]

    for path in ["/api/v1/newsletter/confirm/", "/api/v1/newsletter/unsubscribe/"]:
        assert "`invalid_token`" in paths[path]["post"]["responses"]["400"]["description"]
    subscribe = paths["/api/v1/newsletter/subscriptions/"]["post"]["responses"]["400"]
    assert "`invalid_email`" in subscribe["description"]
