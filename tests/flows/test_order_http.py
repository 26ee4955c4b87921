"""The pickup counter through the HTTP API, with a real worker on Redis and PostgreSQL."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from orders.models import Order
from payments.models import Payment
from tests.support.services import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clerk_api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


def place_by_card(store_code: str = "PAS-01") -> tuple[str, str]:
    response = APIClient().post(
        "/api/v1/orders/",
        {
            "customer": {"email": "erika@example.com", "name": "Erika Müller"},
            "pickup_store": store_code,
            "lines": [{"sku": "DRILL-18V", "quantity": 1}],
            "payment_method": "card",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["number"], response.json()["access_token"]


def to_ready(clerk_api: APIClient, number: str) -> None:
    for step in ("start-picking", "mark-ready"):
        response = clerk_api.post(f"/api/v1/orders/{number}/{step}/", {}, format="json")
        assert response.status_code == 200, (step, response.content)


def pickup_code(number: str, token: str) -> str:
    return (
        APIClient()
        .get(f"/api/v1/orders/{number}/", headers={"X-Order-Token": token})
        .json()["pickup_code"]
    )


def mail_to_shopper_with(folder, text: str) -> bool:
    return any(text in path.read_text(encoding="utf-8") for path in folder.glob("*.log"))


def test_place_pick_ready_refuse_a_wrong_code_then_collect_and_capture(
    stocked, clerk_api, worker_factory, tmp_path
):
    worker_factory(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    number, token = place_by_card()
    assert wait_until(lambda: Payment.objects.get(order__number=number).state == "authorized")

    to_ready(clerk_api, number)
    code = pickup_code(number, token)
    assert wait_until(lambda: mail_to_shopper_with(tmp_path, code))
    wrong = clerk_api.post(
        f"/api/v1/orders/{number}/hand-over/",
        {"pickup_code": "000000" if code != "000000" else "111111"},
        format="json",
    )
    right = clerk_api.post(
        f"/api/v1/orders/{number}/hand-over/", {"pickup_code": code}, format="json"
    )

    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_pickup_code")
    assert (right.status_code, right.json()["state"]) == (200, "collected")
    assert wait_until(lambda: Payment.objects.get(order__number=number).state == "captured")


def test_two_concurrent_hand_overs_collect_the_order_once(stocked, clerk, clerk_api):
    number, token = place_by_card()
    to_ready(clerk_api, number)
    code = pickup_code(number, token)
    barrier = threading.Barrier(2)
    statuses = []

    def hand_over() -> None:
        client = APIClient()
        client.force_authenticate(clerk)
        try:
            barrier.wait()
            response = client.post(
                f"/api/v1/orders/{number}/hand-over/", {"pickup_code": code}, format="json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    assert Order.objects.get(number=number).state == "collected"
    assert Order.objects.get(number=number).transitions.filter(transition="hand_over").count() == 1
