"""POST /api/v1/returns/: a refund return collected by courier, brought to the order's store or
handed in at a counter; agents and the order's store only; every refusal writes nothing."""

import pytest

from inventory.models import StockLevel
from orders import services as order_services
from returns.models import CourierBooking, CourierCall, ReturnCase
from tests.returns.test_returns_api import client_for

pytestmark = pytest.mark.django_db


def refund_body(order, **changes) -> dict:
    body = {
        "order_number": order.number,
        "lines": [{"sku": "DRILL-18V", "quantity": 1}],
        "reason": "not_wanted",
    }
    body.update(changes)
    return body


def collection(date, **address_changes) -> dict:
    return {
        "address": {
            "name": "Erika Müller",
            "line1": "Ludwigstraße 5",
            "postcode": "94032",
            "city": "Passau",
            **address_changes,
        },
        "date": date.isoformat(),
        "window_start": "09:00",
        "window_end": "12:00",
    }


def post_return(user, body, **headers):
    return client_for(user).post("/api/v1/returns/", body, format="json", headers=headers)


def written() -> tuple[int, int, int]:
    return (ReturnCase.objects.count(), CourierBooking.objects.count(), CourierCall.objects.count())


def test_an_agent_opens_a_refund_return_with_a_courier_collection(collected_order, agent, tomorrow):
    response = post_return(agent, refund_body(collected_order, collection=collection(tomorrow)))

    body = response.json()
    assert response.status_code == 201
    assert (body["state"], body["resolution"], body["opened_by"], body["channel"]) == (
        "awaiting_courier",
        "refund",
        "agent",
        "hotline",
    )
    assert body["replacement_order"] is None
    assert body["receiving_store"] == "PAS-01"
    assert body["courier_booking"]["state"] == "requested"
    assert written() == (1, 1, 1)


def test_an_agent_opens_a_refund_return_the_customer_brings_to_the_store(collected_order, agent):
    response = post_return(agent, refund_body(collected_order))

    body = response.json()
    assert response.status_code == 201
    assert (body["state"], body["courier_booking"], body["receiving_store"]) == (
        "opened",
        None,
        "PAS-01",
    )
    assert written() == (1, 0, 0)


def test_the_orders_clerk_hands_in_a_return_that_is_received_at_once(
    collected_order, clerk, passau, drill
):
    on_hand = StockLevel.objects.get(store=passau, product=drill).on_hand

    response = post_return(clerk, refund_body(collected_order, hand_in_store="pas-01"))

    body = response.json()
    assert response.status_code == 201
    assert (body["state"], body["opened_by"], body["channel"]) == ("closed", "store", "store")
    assert body["lines"][0]["quantity_received"] == 1
    assert body["lines"][0]["condition"] == "resellable"
    assert StockLevel.objects.get(store=passau, product=drill).on_hand == on_hand + 1


def test_a_defective_item_handed_in_is_not_put_back_on_sale(collected_order, clerk, passau, drill):
    on_hand = StockLevel.objects.get(store=passau, product=drill).on_hand
    lines = [{"sku": "DRILL-18V", "quantity": 1, "condition": "defective"}]

    response = post_return(clerk, refund_body(collected_order, lines=lines, hand_in_store="PAS-01"))

    assert response.status_code == 201
    assert response.json()["lines"][0]["condition"] == "defective"
    assert StockLevel.objects.get(store=passau, product=drill).on_hand == on_hand


def test_another_stores_clerk_gets_404_and_nothing_is_written(collected_order, munich_clerk):
    response = post_return(munich_clerk, refund_body(collected_order, hand_in_store="MUC-01"))

    assert response.status_code == 404
    assert collected_order.number not in response.content.decode()
    assert written() == (0, 0, 0)


def test_an_agent_cannot_hand_in_at_a_counter(collected_order, agent):
    response = post_return(agent, refund_body(collected_order, hand_in_store="PAS-01"))

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert written() == (0, 0, 0)


def test_an_unknown_order_answers_404_and_writes_nothing(collected_order, agent):
    response = post_return(agent, refund_body(collected_order, order_number="C-NOSUCH"))

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert written() == (0, 0, 0)


def test_an_order_not_yet_collected_answers_409_and_writes_nothing(passau, drill, agent):
    placed = order_services.order_place(
        customer=order_services.CustomerInput(email="open@example.com", name="Open"),
        pickup_store_code=passau.code,
        lines=[order_services.LineInput(sku=drill.sku, quantity=1)],
        payment_method="pay_in_store",
    )

    response = post_return(agent, refund_body(placed.order))

    assert (response.status_code, response.json()["code"]) == (409, "order_not_collected")
    assert written() == (0, 0, 0)


def test_more_than_was_collected_answers_422_and_writes_nothing(collected_order, agent):
    lines = [{"sku": "DRILL-18V", "quantity": 2}]

    response = post_return(agent, refund_body(collected_order, lines=lines))

    assert (response.status_code, response.json()["code"]) == (422, "return_exceeds_collected")
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hand_in_store": "NOPE-99"}, "hand_in_store"),
        ({"reason": "bored"}, "reason"),
        ({"lines": []}, "lines"),
        ({"order_number": 12}, "order_number"),
        ({"lines": [{"sku": "DRILL-18V", "quantity": 1, "condition": "broken"}]}, "lines"),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(
    collected_order, clerk, changes, field
):
    response = post_return(clerk, refund_body(collected_order, **changes))

    assert response.status_code == 400
    assert field in " ".join(response.json()["fields"])
    assert written() == (0, 0, 0)


def test_a_courier_and_a_hand_in_at_once_are_refused(collected_order, clerk, tomorrow):
    body = refund_body(collected_order, collection=collection(tomorrow), hand_in_store="PAS-01")

    response = post_return(clerk, body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["hand_in_store"]
    assert written() == (0, 0, 0)


def test_a_collection_postcode_not_of_its_country_is_refused_before_any_courier(
    collected_order, agent, tomorrow
):
    body = refund_body(collected_order, collection=collection(tomorrow, postcode="ABCDE"))

    response = post_return(agent, body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["collection.address.postcode"]
    assert written() == (0, 0, 0)


def test_a_retry_with_the_same_idempotency_key_opens_one_case(collected_order, agent):
    first = post_return(agent, refund_body(collected_order), **{"Idempotency-Key": "refund-1"})
    again = post_return(agent, refund_body(collected_order), **{"Idempotency-Key": "refund-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["number"] == first.json()["number"]
    assert ReturnCase.objects.count() == 1
