"""The newsletter API: subscribe, confirm, unsubscribe for anyone holding the link; a customer's
consents for the hotline. Bad input answers 4xx with a code and writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import Customer
from newsletter.models import ConsentEvent, Source, Subscription
from newsletter.tokens import confirm_token, unsubscribe_token
from tests.api.conftest import agent, clerk_of, client_for
from tests.newsletter.factories import SubscriptionFactory
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_subscribing_answers_202_without_telling_whether_the_address_was_known():
    client = APIClient()
    SubscriptionFactory(customer__email="known@example.com")

    new = client.post("/api/v1/newsletter/subscriptions/", {"email": "new@example.com"}, "json")
    known = client.post("/api/v1/newsletter/subscriptions/", {"email": "known@example.com"}, "json")

    assert (new.status_code, known.status_code) == (202, 202)
    assert new.json()["detail"] == known.json()["detail"]
    assert Subscription.objects.get(customer__email="new@example.com").status == "pending"
    assert Subscription.objects.get(customer__email="known@example.com").status == "subscribed"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not-an-address"}, "invalid_email"),
        ({"email": ""}, "invalid"),
        ({"email": "a@example.com", "channel": "fax"}, "invalid"),
        ({"email": "a@example.com", "channel": "sms"}, "phone_required"),
        ({"email": "a@example.com", "wording_version": "1999"}, "unknown_wording"),
        ({"email": 42}, "invalid"),
        ({}, "invalid"),
    ],
)
def test_a_bad_subscription_request_is_refused_with_a_code_and_writes_nothing(body, code):
    response = APIClient().post("/api/v1/newsletter/subscriptions/", body, "json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Customer.objects.count() == 0


def test_confirming_through_the_api_records_the_callers_address():
    APIClient().post("/api/v1/newsletter/subscriptions/", {"email": "m@example.com"}, "json")
    subscription = Subscription.objects.get()
    token = confirm_token(subscription_id=subscription.pk, requested_at=subscription.requested_at)

    response = APIClient(REMOTE_ADDR="203.0.113.5").post(
        "/api/v1/newsletter/confirm/", {"token": token}, "json"
    )

    subscription.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "subscribed"
    assert subscription.confirmed_ip == "203.0.113.5"


@pytest.mark.parametrize("token", ["forged", "", "a" * 600])
def test_confirming_with_a_forged_token_answers_400_and_writes_nothing(token):
    subscription = SubscriptionFactory(status="pending", confirmed_at=None)

    response = APIClient().post("/api/v1/newsletter/confirm/", {"token": token}, "json")

    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_token", "invalid")
    subscription.refresh_from_db()
    assert subscription.status == "pending"


def test_unsubscribing_twice_answers_200_and_says_nothing_changed_the_second_time():
    subscription = SubscriptionFactory()
    token = unsubscribe_token(customer_id=subscription.customer_id, channel="email")
    client = APIClient()

    first = client.post("/api/v1/newsletter/unsubscribe/", {"token": token}, "json")
    second = client.post("/api/v1/newsletter/unsubscribe/", {"token": token}, "json")

    assert first.json() == {"channel": "email", "status": "unsubscribed", "changed": True}
    assert second.json() == {"channel": "email", "status": "unsubscribed", "changed": False}
    assert ConsentEvent.objects.filter(action="unsubscribed").count() == 1


def test_unsubscribing_with_a_forged_token_answers_400():
    subscription = SubscriptionFactory()
    token = unsubscribe_token(customer_id=subscription.customer_id, channel="email")

    response = APIClient().post("/api/v1/newsletter/unsubscribe/", {"token": token + "x"}, "json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_token")
    subscription.refresh_from_db()
    assert subscription.status == "subscribed"


def test_the_hotline_reads_a_customers_consents_and_history():
    APIClient().post("/api/v1/newsletter/subscriptions/", {"email": "m@example.com"}, "json")
    customer = Customer.objects.get()

    response = client_for(agent()).get(f"/api/v1/customers/{customer.pk}/consents/")

    body = response.json()
    assert response.status_code == 200
    assert body["email_promotions"] is False
    assert [row["status"] for row in body["subscriptions"]] == ["pending"]
    assert [row["action"] for row in body["history"]] == ["requested"]


def test_consents_are_for_agents_only():
    customer = SubscriptionFactory().customer

    anonymous = APIClient().get(f"/api/v1/customers/{customer.pk}/consents/")
    clerk = client_for(clerk_of(StoreFactory())).get(f"/api/v1/customers/{customer.pk}/consents/")
    missing = client_for(agent()).get("/api/v1/customers/999999/consents/")

    assert (anonymous.status_code, clerk.status_code, missing.status_code) == (401, 403, 404)


def test_the_consents_read_the_same_queries_for_2_and_20_steps_of_history():
    customer = SubscriptionFactory().customer
    reader = client_for(agent())

    def queries_after_steps(count: int) -> int:
        for _ in range(count):
            ConsentEvent.objects.create(
                customer=customer,
                channel="email",
                action=ConsentEvent.Action.REQUESTED,
                at=timezone.now(),
                source=Source.FOOTER,
            )
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(f"/api/v1/customers/{customer.pk}/consents/")
        assert len(response.json()["history"]) == customer.consent_events.count()
        return len(captured)

    few = queries_after_steps(2)
    many = queries_after_steps(18)

    assert few == many
