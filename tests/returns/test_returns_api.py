"""The hotline's and the stores' API for exchanges, returns, customers and courier webhooks."""

import json

import pytest
from rest_framework.test import APIClient

from inventory.models import StockLevel, StockMovement
from orders.models import Order
from returns.couriers.signing import signature_header
from returns.models import CourierBooking, CourierEvent, ReturnCase
from returns.services import courier_booking_book

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def exchange_body(order, date, **changes) -> dict:
    body = {
        "order_number": order.number,
        "lines": [{"sku": "DRILL-18V", "quantity": 1}],
        "reason": "defective",
        "replacement_store": "PAS-01",
        "collection": {
            "address": {
                "name": "Erika Müller",
                "line1": "Ludwigstraße 5",
                "line2": "",
                "postcode": "94032",
                "city": "Passau",
                "country": "DE",
            },
            "date": date.isoformat(),
            "window_start": "09:00",
            "window_end": "12:00",
        },
    }
    body.update(changes)
    return body


def post_exchange(user, body, **headers):
    return client_for(user).post("/api/v1/exchanges/", body, format="json", headers=headers)


def webhook(booking, status, event_id, *, secret="sandbox-webhook-secret", timestamp=None):
    body = json.dumps(
        {
            "event_id": event_id,
            "booking_reference": booking.provider_booking_id,
            "status": status,
            "occurred_at": "2026-11-23T10:00:00+01:00",
        }
    ).encode()
    header = signature_header(secret=secret, body=body, timestamp=timestamp)
    return APIClient().post(
        "/api/v1/couriers/sandbox/webhook/",
        body,
        content_type="application/json",
        headers={"X-Courier-Signature": header},
    )


def test_an_agent_opens_an_exchange_and_gets_the_case_the_replacement_and_the_booking(
    collected_order, agent, tomorrow
):
    response = post_exchange(agent, exchange_body(collected_order, tomorrow))

    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("RMA-")
    assert body["state"] == "awaiting_courier"
    assert body["replacement_order"]["state"] == "reserved"
    assert body["courier_booking"]["state"] == "requested"
    assert body["courier_booking"]["pickup_date"] == tomorrow.isoformat()


def test_a_repeated_exchange_post_with_the_same_idempotency_key_opens_one_case(
    collected_order, agent, tomorrow
):
    body = exchange_body(collected_order, tomorrow)

    first = post_exchange(agent, body, **{"Idempotency-Key": "xchg-1"})
    second = post_exchange(agent, body, **{"Idempotency-Key": "xchg-1"})

    assert second.status_code == 201
    assert second.json()["number"] == first.json()["number"]
    assert ReturnCase.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"lines": [{"sku": "DRILL-18V", "quantity": 2}]}, 422, "return_exceeds_collected"),
        ({"lines": [{"sku": "DRILL-18V", "quantity": -1}]}, 400, "invalid"),
        ({"lines": [{"sku": "DRILL-18V", "quantity": "one"}]}, 400, "invalid"),
        ({"lines": []}, 400, "invalid"),
        ({"reason": "bored"}, 400, "invalid"),
        ({"order_number": "NOSUCH"}, 400, "invalid"),
        ({"replacement_store": "XXX-99"}, 400, "unknown_store"),
    ],
)
def test_bad_exchange_input_answers_4xx_and_writes_nothing(
    collected_order, agent, tomorrow, changes, status, code
):
    response = post_exchange(agent, exchange_body(collected_order, tomorrow, **changes))

    assert response.status_code == status
    assert response.json()["code"] == code
    assert ReturnCase.objects.count() == 0
    assert Order.objects.filter(kind="replacement").count() == 0


@pytest.mark.parametrize(
    ("collection_changes", "field"),
    [
        ({"window_start": "14:00", "window_end": "12:00"}, "collection.window_end"),
        ({"date": "2020-01-01"}, "collection.date"),
        ({"date": "23.11.2026"}, "collection"),
        ({"window_start": "9 Uhr"}, "collection"),
    ],
)
def test_a_bad_courier_window_answers_400(
    collected_order, agent, tomorrow, collection_changes, field
):
    body = exchange_body(collected_order, tomorrow)
    body["collection"].update(collection_changes)

    response = post_exchange(agent, body)

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert ReturnCase.objects.count() == 0


def test_an_exchange_for_an_order_not_collected_answers_409(passau, drill, agent, tomorrow):
    from orders import services as order_services

    placed = order_services.order_place(
        customer=order_services.CustomerInput(email="b@example.com", name="B"),
        pickup_store_code="PAS-01",
        lines=[order_services.LineInput(sku="DRILL-18V", quantity=1)],
        payment_method="pay_in_store",
    )

    response = post_exchange(agent, exchange_body(placed.order, tomorrow))

    assert response.status_code == 409
    assert response.json()["code"] == "order_not_collected"


def test_only_agents_open_exchanges(collected_order, clerk, tomorrow):
    assert post_exchange(None, exchange_body(collected_order, tomorrow)).status_code == 401
    assert post_exchange(clerk, exchange_body(collected_order, tomorrow)).status_code == 403
    assert ReturnCase.objects.count() == 0


def test_a_case_is_visible_to_agents_and_its_stores_staff_and_404_to_others(
    collected_order, agent, clerk, munich_clerk, tomorrow
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]

    assert client_for(agent).get(f"/api/v1/returns/{number}/").status_code == 200
    assert client_for(clerk).get(f"/api/v1/returns/{number}/").status_code == 200
    assert client_for(munich_clerk).get(f"/api/v1/returns/{number}/").status_code == 404
    assert client_for(None).get(f"/api/v1/returns/{number}/").status_code == 401
    assert client_for(agent).get("/api/v1/returns/RMA-NOSUCH/").status_code == 404


def test_receiving_a_defective_item_writes_it_off_and_never_makes_it_available(
    collected_order, agent, clerk, tomorrow, passau, drill
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    before = StockLevel.objects.get(store=passau, product=drill)

    response = client_for(clerk).post(
        f"/api/v1/returns/{number}/receive/",
        {"lines": [{"sku": "DRILL-18V", "quantity": 1, "condition": "defective"}]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["state"] == "received"
    after = StockLevel.objects.get(store=passau, product=drill)
    assert (after.on_hand, after.reserved) == (before.on_hand, before.reserved)
    kinds = list(
        StockMovement.objects.filter(reference=f"return:{number}").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["return", "write_off"]


def test_receiving_a_resellable_item_puts_it_back_on_hand(
    collected_order, agent, clerk, tomorrow, passau, drill
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    before = StockLevel.objects.get(store=passau, product=drill).on_hand

    client_for(clerk).post(
        f"/api/v1/returns/{number}/receive/",
        {"lines": [{"sku": "DRILL-18V", "quantity": 1, "condition": "resellable"}]},
        format="json",
    )

    assert StockLevel.objects.get(store=passau, product=drill).on_hand == before + 1


@pytest.mark.parametrize(
    ("line", "status", "code"),
    [
        (
            {"sku": "DRILL-18V", "quantity": 2, "condition": "defective"},
            422,
            "receive_exceeds_expected",
        ),
        ({"sku": "DRILL-18V", "quantity": 1, "condition": "broken"}, 400, "invalid"),
        ({"sku": "OTHER-1", "quantity": 1, "condition": "defective"}, 400, "invalid"),
        ({"sku": "DRILL-18V", "quantity": 0, "condition": "defective"}, 400, "invalid"),
    ],
)
def test_bad_receipts_answer_4xx_and_change_no_stock(
    collected_order, agent, clerk, tomorrow, line, status, code
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    movements = StockMovement.objects.count()

    response = client_for(clerk).post(
        f"/api/v1/returns/{number}/receive/", {"lines": [line]}, format="json"
    )

    assert response.status_code == status
    assert response.json()["code"] == code
    assert StockMovement.objects.count() == movements
    assert ReturnCase.objects.get(number=number).state == "awaiting_courier"


def test_another_stores_clerk_cannot_receive_a_case(collected_order, agent, munich_clerk, tomorrow):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]

    response = client_for(munich_clerk).post(
        f"/api/v1/returns/{number}/receive/",
        {"lines": [{"sku": "DRILL-18V", "quantity": 1, "condition": "defective"}]},
        format="json",
    )

    assert response.status_code == 404


def test_a_signed_webhook_moves_the_booking_and_the_same_event_twice_is_processed_once(
    collected_order, agent, tomorrow
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    booking = CourierBooking.objects.get(case__number=number)
    courier_booking_book(booking_id=booking.pk)
    booking.refresh_from_db()

    first = webhook(booking, "picked_up", "evt-1")
    second = webhook(booking, "picked_up", "evt-1")

    assert (first.status_code, first.json()) == (200, {"status": "applied"})
    assert (second.status_code, second.json()) == (200, {"status": "duplicate"})
    assert CourierEvent.objects.count() == 1
    assert ReturnCase.objects.get(number=number).state == "in_transit"


@pytest.mark.parametrize(
    "signing",
    [{"secret": "wrong-secret"}, {"timestamp": 1_000_000_000}],
    ids=["wrong secret", "replayed after five minutes"],
)
def test_a_webhook_with_a_bad_signature_answers_401_and_changes_nothing(
    collected_order, agent, tomorrow, signing
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    booking = CourierBooking.objects.get(case__number=number)
    courier_booking_book(booking_id=booking.pk)
    booking.refresh_from_db()

    response = webhook(booking, "picked_up", "evt-1", **signing)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"
    assert CourierEvent.objects.count() == 0
    assert CourierBooking.objects.get(pk=booking.pk).state == "booked"


def test_a_webhook_for_an_unknown_provider_answers_404():
    response = APIClient().post(
        "/api/v1/couriers/nobody/webhook/", b"{}", content_type="application/json"
    )

    assert response.status_code == 404


def test_an_agent_finds_the_customer_by_phone_email_order_and_rma_number(
    collected_order, agent, tomorrow
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    client = client_for(agent)

    for query in (
        "0851 12345",
        "+4985112345",
        "ERIKA.MUELLER@example.com",
        collected_order.number,
        number,
    ):
        response = client.get("/api/v1/customers/", {"search": query})
        assert response.status_code == 200, query
        assert [row["email"] for row in response.json()] == ["erika.mueller@example.com"], query


def test_customer_search_is_for_agents_only_and_needs_three_characters(agent, clerk):
    assert client_for(clerk).get("/api/v1/customers/", {"search": "erika"}).status_code == 403
    assert client_for(None).get("/api/v1/customers/", {"search": "erika"}).status_code == 401
    assert client_for(agent).get("/api/v1/customers/", {"search": "er"}).status_code == 400
    assert client_for(agent).get("/api/v1/customers/").status_code == 400


def test_the_timeline_shows_every_touchpoint_in_time_order(collected_order, agent, tomorrow):
    post_exchange(agent, exchange_body(collected_order, tomorrow))
    customer_id = collected_order.customer_id

    response = client_for(agent).get(f"/api/v1/customers/{customer_id}/timeline/")

    assert response.status_code == 200
    kinds = [entry["kind"] for entry in response.json()["entries"]]
    assert kinds[:4] == [
        "order_placed",
        "order_reserved",
        "order_picking",
        "order_ready",
    ]
    assert (
        kinds.index("order_collected")
        < kinds.index("hotline_call")
        < kinds.index("exchange_opened")
    )
    assert "replacement_placed" in kinds
    stamps = [entry["at"] for entry in response.json()["entries"]]
    assert stamps == sorted(stamps)


def test_the_timeline_of_an_unknown_customer_answers_404(agent):
    assert client_for(agent).get("/api/v1/customers/999999/timeline/").status_code == 404


def test_the_timeline_with_latest_is_the_tail_of_the_whole_journey(
    collected_order, agent, tomorrow
):
    post_exchange(agent, exchange_body(collected_order, tomorrow))
    url = f"/api/v1/customers/{collected_order.customer_id}/timeline/"
    client = client_for(agent)
    whole = client.get(url).json()
    assert whole["complete"] is True
    entries = whole["entries"]

    for latest in range(1, len(entries) + 2):
        window = client.get(url, {"latest": latest}).json()

        assert window["entries"] == entries[-latest:], latest
        assert window["complete"] is (latest >= len(entries)), latest


@pytest.mark.parametrize(
    "latest", ["0", "-1", "1001", "99999999999999999999", "abc", "1.5", "true"]
)
def test_the_timeline_refuses_a_latest_that_is_not_a_count_up_to_1000(
    collected_order, agent, latest
):
    url = f"/api/v1/customers/{collected_order.customer_id}/timeline/"

    response = client_for(agent).get(url, {"latest": latest})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["latest"]


def test_the_timeline_refuses_a_nul_byte_in_latest(collected_order, agent):
    url = f"/api/v1/customers/{collected_order.customer_id}/timeline/"

    response = client_for(agent).get(url, {"latest": "5\x00"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_the_timeline_runs_the_same_number_of_queries_for_one_order_or_ten(
    passau, drill, clerk, agent, tomorrow
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inventory.services import stock_receive
    from tests.hotline.scenario import order_collect

    first = order_collect(store=passau, products=[drill], clerk=clerk)
    post_exchange(agent, exchange_body(first, tomorrow))
    client = client_for(agent)
    with CaptureQueriesContext(connection) as one_order:
        client.get(f"/api/v1/customers/{first.customer_id}/timeline/")
    stock_receive(store_id=passau.pk, product_id=drill.pk, quantity=9, reason="delivery")
    for _ in range(9):
        order_collect(store=passau, products=[drill], clerk=clerk)

    with CaptureQueriesContext(connection) as ten_orders:
        client.get(f"/api/v1/customers/{first.customer_id}/timeline/")
    with CaptureQueriesContext(connection) as newest_five:
        client.get(f"/api/v1/customers/{first.customer_id}/timeline/", {"latest": 5})

    assert len(ten_orders) == len(one_order)
    assert len(newest_five) == len(one_order)


def receive_one_resellable(user, number):
    return client_for(user).post(
        f"/api/v1/returns/{number}/receive/",
        {"lines": [{"sku": "DRILL-18V", "quantity": 1, "condition": "resellable"}]},
        format="json",
    )


def test_an_agent_may_read_a_case_but_not_receive_it_and_no_stock_moves(
    collected_order, agent, tomorrow, passau, drill
):
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    on_hand = StockLevel.objects.get(store=passau, product=drill).on_hand
    movements = StockMovement.objects.count()

    response = receive_one_resellable(agent, number)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert StockLevel.objects.get(store=passau, product=drill).on_hand == on_hand
    assert StockMovement.objects.count() == movements
    assert ReturnCase.objects.get(number=number).state == "awaiting_courier"


def test_the_original_stores_clerk_cannot_receive_into_the_replacement_store(
    collected_order, agent, clerk, munich_clerk, tomorrow, munich, drill
):
    body = exchange_body(collected_order, tomorrow, replacement_store="MUC-01")
    number = post_exchange(agent, body).json()["number"]
    on_hand = StockLevel.objects.get(store=munich, product=drill).on_hand
    movements = StockMovement.objects.count()

    response = receive_one_resellable(clerk, number)

    assert response.status_code == 403
    assert StockLevel.objects.get(store=munich, product=drill).on_hand == on_hand
    assert StockMovement.objects.count() == movements

    response = receive_one_resellable(munich_clerk, number)

    assert response.status_code == 200
    assert StockLevel.objects.get(store=munich, product=drill).on_hand == on_hand + 1


def test_an_exchange_with_several_mistakes_names_them_all_in_one_answer_and_writes_nothing(
    collected_order, agent, tomorrow
):
    body = exchange_body(collected_order, tomorrow)
    body["collection"]["address"]["postcode"] = "ABCDE"
    body["collection"]["window_start"] = "14:00"

    response = post_exchange(agent, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert sorted(response.json()["fields"]) == [
        "collection.address.postcode",
        "collection.window_end",
    ]
    assert (ReturnCase.objects.count(), CourierBooking.objects.count()) == (0, 0)


def test_an_exchange_to_a_country_no_courier_serves_is_refused(collected_order, agent, tomorrow):
    body = exchange_body(collected_order, tomorrow)
    body["collection"]["address"]["country"] = "US"

    response = post_exchange(agent, body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["collection.address.country"]
    assert CourierBooking.objects.count() == 0


def test_the_case_shows_the_carrier_booking_id_and_tracking_url_once_booked(
    collected_order, agent, tomorrow, settings
):
    settings.COURIER_TRACKING_URL = "https://track.example.net/{booking_id}"
    number = post_exchange(agent, exchange_body(collected_order, tomorrow)).json()["number"]
    before = client_for(agent).get(f"/api/v1/returns/{number}/").json()["courier_booking"]
    booking = CourierBooking.objects.get()
    courier_booking_book(booking_id=booking.pk)
    booking.refresh_from_db()

    after = client_for(agent).get(f"/api/v1/returns/{number}/").json()["courier_booking"]

    assert (before["carrier_booking_id"], before["tracking_url"]) == ("", "")
    assert after["carrier_booking_id"] == booking.provider_booking_id
    assert after["tracking_url"] == f"https://track.example.net/{booking.provider_booking_id}"


def test_a_return_case_reads_the_same_queries_for_1_and_10_lines(collected_order, agent, tomorrow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from returns.models import ReturnLine
    from tests.orders.factories import OrderLineFactory
    from tests.returns.conftest import exchange_for

    case = exchange_for(collected_order, agent, tomorrow).case
    reader = client_for(agent)

    def queries_of_the_case() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(f"/api/v1/returns/{case.number}/")
        assert len(response.json()["lines"]) == case.lines.count()
        return len(captured)

    few = queries_of_the_case()
    for _ in range(9):
        line = OrderLineFactory(order=collected_order)
        ReturnLine.objects.create(case=case, order_line=line, product=line.product, quantity=1)

    many = queries_of_the_case()

    assert case.lines.count() == 10
    assert few == many
