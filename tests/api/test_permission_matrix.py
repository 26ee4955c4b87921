"""Every role against every API endpoint and method. Anything outside a caller's reach answers
404 (or 401 when the caller is nobody at all, 403 when they may see the object but not act on
it); no error answer carries the object's data, and a refused request writes nothing at all.

`test_every_api_route_and_method_has_rows_in_the_matrix` fails when a route is added without
rows here: a new endpoint states who may call it before it lands."""

import datetime
import json
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import Transfer
from inventory.services import StockRequest, transfer_request, transfer_ship
from newsletter.tokens import unsubscribe_token
from orders import selectors
from orders.models import Order
from returns.couriers.signing import signature_header
from returns.models import CourierBooking
from returns.services import courier_booking_book
from tests.api.conftest import admin, advance, agent, clerk_of, client_for, manager_of, place_order
from tests.hotline.scenario import exchange_of, order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory
from tests.support.snapshot import database_snapshot

ROLES = (
    "anonymous",
    "shopper",
    "shopper_wrong_token",
    "clerk",
    "clerk_other_store",
    "manager",
    "agent",
    "admin",
)

ORDER_BODY = {
    "customer": {"email": "matrix@example.com", "name": "Matrix"},
    "pickup_store": "PAS-01",
    "lines": [{"sku": "DRL-18V", "quantity": 1}],
    "payment_method": "pay_in_store",
}


def exchange_body(number: str) -> dict:
    return {
        "order_number": number,
        "lines": [{"sku": "DRL-18V", "quantity": 1}],
        "reason": "defective",
        "replacement_store": "PAS-01",
        "collection": {
            "address": {
                "name": "Erika Müller",
                "line1": "Innstraße 12",
                "postcode": "94032",
                "city": "Passau",
            },
            "date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "window_start": "09:00",
            "window_end": "12:00",
        },
    }


WEBHOOK_BODY = {
    "event_id": "evt-1",
    "booking_reference": "{booking}",
    "status": "picked_up",
    "occurred_at": "2026-11-23T10:00:00+01:00",
}
RECEIVE_BODY = {"lines": [{"sku": "DRL-18V", "quantity": 1, "condition": "resellable"}]}


def expect(answers: str) -> dict[str, int]:
    """Eight statuses in ROLES order: anonymous, shopper, shopper with a wrong token, clerk of
    the object's store, clerk of another store, manager of the object's store, agent, admin."""
    statuses = [int(answer) for answer in answers.split()]
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


@dataclass(frozen=True)
class Row:
    """One endpoint and method. `given` names the world it needs: an order in a state, a
    collected order ("collected"), an exchange case received at the order's own store
    ("case") or at the other store ("case_other_store"), a booked courier pickup ("booking"),
    transfers from and to the order's store ("transfers")."""

    name: str
    method: str
    path: str
    expected: dict[str, int]
    body: dict | None = None
    given: str = "reserved"
    headers: dict = field(default_factory=dict)
    raw: bool = False  # the body is sent as bytes, exactly as given (signed webhooks)


ANYONE_200 = expect("200 200 200 200 200 200 200 200")
STAFF_OF_STORE = expect("401 401 401 200 404 200 403 200")
AGENTS_ONLY = expect("401 401 401 403 403 403 200 200")

ROWS = [
    Row(
        "auth_token",
        "post",
        "/api/v1/auth/token/",
        ANYONE_200,
        {"username": "matrix.clerk", "password": "demo"},
    ),
    Row(
        "auth_token_wrong_password",
        "post",
        "/api/v1/auth/token/",
        expect("400 400 400 400 400 400 400 400"),
        {"username": "matrix.clerk", "password": "wrong"},
    ),
    Row("stores", "get", "/api/v1/stores/", ANYONE_200),
    Row("products", "get", "/api/v1/products/", ANYONE_200),
    Row("product", "get", "/api/v1/products/DRL-18V/", ANYONE_200),
    Row("availability", "get", "/api/v1/products/DRL-18V/availability/", ANYONE_200),
    Row("pickup_slots", "get", "/api/v1/stores/PAS-01/pickup-slots/", ANYONE_200),
    Row(
        "stock_list",
        "get",
        "/api/v1/stores/PAS-01/stock/",
        expect("401 401 401 200 404 200 404 200"),
    ),
    Row(
        "stock_change",
        "post",
        "/api/v1/stores/PAS-01/stock/",
        expect("401 401 401 201 404 201 404 201"),
        {"sku": "DRL-18V", "kind": "receipt", "quantity": 1},
    ),
    Row(
        "order_place",
        "post",
        "/api/v1/orders/",
        expect("201 201 201 201 201 201 201 201"),
        ORDER_BODY,
    ),
    Row("queue", "get", "/api/v1/orders/", expect("401 401 401 200 200 200 200 200")),
    Row(
        "queue_of_store",
        "get",
        "/api/v1/orders/?store=PAS-01",
        expect("401 401 401 200 404 200 200 200"),
    ),
    Row("order", "get", "/api/v1/orders/{number}/", expect("401 200 404 200 404 200 200 200")),
    Row(
        "cancel",
        "post",
        "/api/v1/orders/{number}/cancel/",
        expect("401 200 404 200 404 200 200 200"),
        {"reason": "matrix"},
    ),
    Row("start_picking", "post", "/api/v1/orders/{number}/start-picking/", STAFF_OF_STORE, {}),
    Row("mark_ready", "post", "/api/v1/orders/{number}/mark-ready/", STAFF_OF_STORE, {}, "picking"),
    Row(
        "report_shortage",
        "post",
        "/api/v1/orders/{number}/report-shortage/",
        STAFF_OF_STORE,
        {"lines": [{"sku": "DRL-18V", "quantity": 1}]},
        "picking",
    ),
    Row(
        "hand_over",
        "post",
        "/api/v1/orders/{number}/hand-over/",
        STAFF_OF_STORE,
        {"pickup_code": "{code}"},
        "ready_for_pickup",
    ),
    Row(
        "exchange_open",
        "post",
        "/api/v1/exchanges/",
        expect("401 401 401 403 403 403 201 201"),
        exchange_body("{number}"),
        "collected",
    ),
    # Refund returns: agents and the order's store; a counter hand-in only where the caller works.
    Row(
        "return_open",
        "post",
        "/api/v1/returns/",
        expect("401 401 401 201 404 201 201 201"),
        {
            "order_number": "{number}",
            "lines": [{"sku": "DRL-18V", "quantity": 1}],
            "reason": "not_wanted",
        },
        "collected",
    ),
    Row(
        "return_hand_in",
        "post",
        "/api/v1/returns/",
        expect("401 401 401 201 404 201 403 201"),
        {
            "order_number": "{number}",
            "lines": [{"sku": "DRL-18V", "quantity": 1}],
            "reason": "not_wanted",
            "hand_in_store": "PAS-01",
        },
        "collected",
    ),
    Row(
        "return",
        "get",
        "/api/v1/returns/{case}/",
        expect("401 401 401 200 404 200 200 200"),
        given="case",
    ),
    Row(
        "return_receive",
        "post",
        "/api/v1/returns/{case}/receive/",
        STAFF_OF_STORE,
        RECEIVE_BODY,
        "case",
    ),
    # Received at the other store: the order's own store may read the case, not receive it.
    Row(
        "return_receive_at_other_store",
        "post",
        "/api/v1/returns/{case}/receive/",
        expect("401 401 401 403 200 403 403 200"),
        RECEIVE_BODY,
        "case_other_store",
    ),
    Row("customers", "get", "/api/v1/customers/?search=matrix", AGENTS_ONLY),
    Row("customer_timeline", "get", "/api/v1/customers/{customer}/timeline/", AGENTS_ONLY),
    Row(
        "courier_webhook_unsigned",
        "post",
        "/api/v1/couriers/sandbox/webhook/",
        expect("401 401 401 401 401 401 401 401"),
        WEBHOOK_BODY,
        "booking",
    ),
    # The signature is the webhook's only credential: whoever else the caller is does not count.
    Row(
        "courier_webhook_signed",
        "post",
        "/api/v1/couriers/sandbox/webhook/",
        ANYONE_200,
        WEBHOOK_BODY,
        "booking",
        {"X-Courier-Signature": "{signature}"},
        raw=True,
    ),
    # Transfers: {outgoing} is requested from PAS-01, {incoming} in transit to it.
    Row("transfers", "get", "/api/v1/transfers/", expect("401 401 401 200 200 200 200 200")),
    Row(
        "transfers_of_store",
        "get",
        "/api/v1/transfers/?store=PAS-01",
        expect("401 401 401 200 404 200 200 200"),
        given="transfers",
    ),
    Row(
        "transfer_ship",
        "post",
        "/api/v1/transfers/{outgoing}/ship/",
        STAFF_OF_STORE,
        {},
        "transfers",
    ),
    Row(
        "transfer_cannot_send",
        "post",
        "/api/v1/transfers/{outgoing}/cannot-send/",
        STAFF_OF_STORE,
        {"reason": "matrix"},
        "transfers",
    ),
    Row(
        "transfer_receive",
        "post",
        "/api/v1/transfers/{incoming}/receive/",
        STAFF_OF_STORE,
        {},
        "transfers",
    ),
    # Newsletter: anyone subscribes; a link's token is the only credential of confirm and
    # unsubscribe, whoever else the caller is.
    Row(
        "newsletter_subscribe",
        "post",
        "/api/v1/newsletter/subscriptions/",
        expect("202 202 202 202 202 202 202 202"),
        {"email": "news@example.com", "language": "de"},
    ),
    Row(
        "newsletter_confirm_bad_token",
        "post",
        "/api/v1/newsletter/confirm/",
        expect("400 400 400 400 400 400 400 400"),
        {"token": "not-a-token"},
    ),
    Row(
        "newsletter_unsubscribe_bad_token",
        "post",
        "/api/v1/newsletter/unsubscribe/",
        expect("400 400 400 400 400 400 400 400"),
        {"token": "not-a-token"},
    ),
    Row(
        "newsletter_unsubscribe",
        "post",
        "/api/v1/newsletter/unsubscribe/",
        ANYONE_200,
        {"token": "{unsubscribe}"},
    ),
    Row("customer_consents", "get", "/api/v1/customers/{customer}/consents/", AGENTS_ONLY),
    Row("schema", "get", "/api/schema/", ANYONE_200),
    Row("docs", "get", "/api/docs/", ANYONE_200),
]

CASES = [
    pytest.param(row, role, row.expected[role], id=f"{row.name}-{role}")
    for row in ROWS
    for role in ROLES
]


@dataclass
class World:
    order: Order
    token: str
    store: object
    other_store: object
    values: dict


def world_for(given: str) -> World:
    """PAS-01 (the object's store) and MUC-01, a drill in stock at both, and an order placed at
    PAS-01 by a shopper, moved on to what `given` asks for."""
    store = store_open_all_day(code="PAS-01", name="Passau")
    other_store = store_open_all_day(code="MUC-01", latitude=48.1496, longitude=11.4619)
    drill = ProductFactory(sku="DRL-18V")
    StockLevelFactory(store=store, product=drill, on_hand=10)
    StockLevelFactory(store=other_store, product=drill, on_hand=10)
    staff = clerk_of(store, username="matrix.clerk")
    order, token = place_order(store, drill, quantity=2, email="matrix.shopper@example.com")
    values: dict = {
        "number": order.number,
        "customer": order.customer_id,
        "unsubscribe": unsubscribe_token(customer_id=order.customer_id, channel="email"),
    }
    if given in ("picking", "ready_for_pickup"):
        order = advance(order, to=given, by=staff)
    if given in ("collected", "case", "case_other_store", "booking"):
        order = order_collect(
            store=store, products=[drill], clerk=staff, email="matrix@example.com"
        )
        values.update(number=order.number, customer=order.customer_id)
    if given in ("case", "case_other_store", "booking"):
        store_code = "MUC-01" if given == "case_other_store" else "PAS-01"
        opened = exchange_of(order, by=agent(), store_code=store_code, sku="DRL-18V")
        values["case"] = opened.case.number
    if given == "transfers":
        values.update({key: transfer.pk for key, transfer in _transfers(store, drill).items()})
    if given == "booking":
        booking = CourierBooking.objects.get(case__number=values["case"])
        courier_booking_book(booking_id=booking.pk)
        booking.refresh_from_db()
        values["booking"] = booking.provider_booking_id
    order = Order.objects.get(pk=order.pk)
    values["code"] = selectors.order_pickup_code_for_shopper(order=order) or ""
    return World(order=order, token=token, store=store, other_store=other_store, values=values)


def _transfers(store, product) -> dict[str, Transfer]:
    """One transfer requested from the store to a third store, one in transit to it."""
    third = StoreFactory(code="REG-01", latitude=49.0134, longitude=12.1016)
    StockLevelFactory(store=third, product=product, on_hand=5)
    outgoing = transfer_request(
        source_store_id=store.pk,
        destination_store_id=third.pk,
        requests=[StockRequest(product.pk, 1, "matrix:out")],
        reference="matrix:out",
    )
    incoming = transfer_request(
        source_store_id=third.pk,
        destination_store_id=store.pk,
        requests=[StockRequest(product.pk, 1, "matrix:in")],
        reference="matrix:in",
    )
    return {"outgoing": outgoing, "incoming": transfer_ship(transfer_id=incoming.pk)}


def caller(role: str, world: World) -> APIClient:
    if role == "anonymous":
        return APIClient()
    if role in ("shopper", "shopper_wrong_token"):
        client = APIClient()
        token = world.token if role == "shopper" else "not-the-token"
        client.credentials(HTTP_X_ORDER_TOKEN=token)
        return client
    user = {
        "clerk": lambda: clerk_of(world.store),
        "clerk_other_store": lambda: clerk_of(world.other_store),
        "manager": lambda: manager_of(world.store),
        "agent": agent,
        "admin": admin,
    }[role]()
    return client_for(user)


def fill(value, values: dict):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    return value


def send(client: APIClient, row: Row, values: dict):
    path = fill(row.path, values)
    body = fill(row.body, values)
    if row.raw:
        raw = json.dumps(body).encode()
        signature = signature_header(secret=settings.COURIER_SANDBOX_SECRET, body=raw)
        headers = fill(row.headers, {**values, "signature": signature})
        return getattr(client, row.method)(
            path, raw, content_type="application/json", headers=headers
        )
    headers = fill(row.headers, values)
    return getattr(client, row.method)(path, body, format="json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_permission_matrix(row, role, expected):
    world = world_for(row.given)
    client = caller(role, world)
    before = database_snapshot()

    response = send(client, row, world.values)

    assert response.status_code == expected, response.content[:500]
    if expected >= 400:
        assert set(response.json()) <= {"code", "detail", "fields", "attempts_left"}
        content = response.content.decode()
        for secret in (world.order.number, world.values.get("case"), "matrix@example.com"):
            assert not secret or secret not in content
        assert database_snapshot() == before


def api_routes() -> set[tuple[str, str]]:
    """(route, method) of every view under /api/."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    routes = set()
    for route, callback in walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if not route.startswith("api/") or view_class is None:
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view_class, method):
                routes.add((route, method))
    return routes


PLACEHOLDERS = {
    "number": "NUMBER",
    "case": "RMA-CASE",
    "customer": 1,
    "outgoing": 1,
    "incoming": 1,
    "code": "",
    "booking": "",
    "signature": "",
    "unsubscribe": "",
}


def test_every_api_route_and_method_has_rows_in_the_matrix():
    covered = {
        (resolve(fill(row.path, PLACEHOLDERS).split("?")[0]).route, row.method) for row in ROWS
    }

    assert api_routes() - covered == set()
