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
    collection = schema["components"]["schemas"]["AddressInput"]["properties"]["line1"]
    assert (collection["minLength"], collection["pattern"]) == (1, r"^[^\x00]*$")
