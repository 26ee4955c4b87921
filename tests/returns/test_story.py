"""SPEC §1 end to end through the HTTP API, with a real worker on Redis and PostgreSQL:
Frau Müller orders a drill from the newsletter, collects it, it breaks, the hotline exchanges it."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import StockLevel
from messaging.models import Notification
from orders.models import Order
from orders.selectors import order_access_token_for_messages
from returns.couriers.signing import signature_header
from returns.models import CourierBooking
from tests.support.services import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def token_client(username: str) -> APIClient:
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": "demo"}, format="json"
    )
    assert token.status_code == 200, token.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def shopper(number: str, token: str) -> dict:
    response = APIClient().get(f"/api/v1/orders/{number}/", headers={"X-Order-Token": token})
    assert response.status_code == 200, response.content
    return response.json()


def sent(order_number: str, template: str) -> bool:
    return Notification.objects.filter(
        order__number=order_number, template=template, status=Notification.Status.SENT
    ).exists()


def counter(clerk: APIClient, number: str, token: str) -> None:
    """The store picks, marks ready and hands over against the code the shopper was sent."""
    for step in ("start-picking", "mark-ready"):
        response = clerk.post(f"/api/v1/orders/{number}/{step}/", {}, format="json")
        assert response.status_code == 200, (step, response.content)
    code = shopper(number, token)["pickup_code"]
    response = clerk.post(
        f"/api/v1/orders/{number}/hand-over/", {"pickup_code": code}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "collected"


def test_the_drill_story_from_newsletter_to_closed_exchange(
    passau, drill, clerk, agent, tomorrow, celery_worker_process
):
    clerk_api, agent_api = token_client("clerk.pas-01"), token_client("agent")
    placed = APIClient().post(
        "/api/v1/orders/",
        {
            "customer": {"email": "erika.mueller@example.com", "name": "Erika Müller",
                         "phone": "+4985112345"},
            "pickup_store": "PAS-01",
            "lines": [{"sku": "DRILL-18V", "quantity": 1}],
            "payment_method": "card",
            "campaign": "newsletter-2026-11",
        },
        format="json",
    )  # fmt: skip
    assert placed.status_code == 201, placed.content
    number, token = placed.json()["number"], placed.json()["access_token"]
    wait_until(lambda: sent(number, "confirmation"))

    counter(clerk_api, number, token)
    wait_until(lambda: sent(number, "ready"))

    found = agent_api.get("/api/v1/customers/", {"search": "0851 12345"}).json()
    assert [customer["email"] for customer in found] == ["erika.mueller@example.com"]
    opened = agent_api.post(
        "/api/v1/exchanges/",
        {
            "order_number": number,
            "lines": [{"sku": "DRILL-18V", "quantity": 1}],
            "reason": "defective",
            "replacement_store": "PAS-01",
            "collection": {
                "address": {"name": "Erika Müller", "line1": "Ludwigstraße 5", "line2": "",
                            "postcode": "94032", "city": "Passau", "country": "DE"},
                "date": tomorrow.isoformat(), "window_start": "09:00", "window_end": "12:00",
            },
        },
        format="json",
        headers={"Idempotency-Key": "hotline-call-1"},
    )  # fmt: skip
    assert opened.status_code == 201, opened.content
    rma = opened.json()["number"]
    replacement = opened.json()["replacement_order"]["number"]
    booking = wait_until(
        lambda: CourierBooking.objects.filter(case__number=rma, state="booked").first()
    )
    assert agent_api.get(f"/api/v1/returns/{rma}/").json()["state"] == "courier_booked"
    wait_until(lambda: sent(number, "courier_booked"))

    replacement_token = order_access_token_for_messages(order=Order.objects.get(number=replacement))
    counter(clerk_api, replacement, replacement_token)

    body = json.dumps(
        {"event_id": "evt-pickup-1", "booking_reference": booking.provider_booking_id,
         "status": "picked_up", "occurred_at": timezone.now().isoformat()}
    ).encode()  # fmt: skip
    picked_up = APIClient().post(
        "/api/v1/couriers/sandbox/webhook/",
        body,
        content_type="application/json",
        headers={
            "X-Courier-Signature": signature_header(secret="sandbox-webhook-secret", body=body)
        },
    )
    assert picked_up.json() == {"status": "applied"}
    assert agent_api.get(f"/api/v1/returns/{rma}/").json()["state"] == "in_transit"

    received = clerk_api.post(
        f"/api/v1/returns/{rma}/receive/",
        {"lines": [{"sku": "DRILL-18V", "quantity": 1, "condition": "defective"}]},
        format="json",
    )
    assert received.status_code == 200, received.content
    assert received.json()["state"] == "closed"
    stock = StockLevel.objects.get(store=passau, product=drill)
    assert (stock.on_hand, stock.reserved) == (3, 0)

    customer_id = found[0]["id"]
    timeline = agent_api.get(f"/api/v1/customers/{customer_id}/timeline/").json()["entries"]
    messages = [entry for entry in timeline if entry["kind"].startswith("message_")]
    assert "message_confirmation" in [entry["kind"] for entry in messages]
    assert {entry["channel"] for entry in messages} <= {"email", "sms"}
    assert [entry["kind"] for entry in timeline if entry not in messages] == [
        "order_placed",
        "order_reserved",
        "order_picking",
        "order_ready",
        "order_collected",
        "hotline_call",
        "exchange_opened",
        "replacement_placed",
        "replacement_reserved",
        "courier_booked",
        "replacement_picking",
        "replacement_ready",
        "replacement_collected",
        "courier_collected",
        "return_received",
        "case_closed",
    ]
