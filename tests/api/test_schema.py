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
    ]:
        assert f"  {path}" in text, path


@pytest.mark.django_db
def test_the_schema_and_its_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
