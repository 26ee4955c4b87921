"""Every role against every endpoint and method. Anything outside a caller's reach answers 404
(or 401 when the caller is nobody at all), and no error answer carries the object's data."""

import pytest
from rest_framework.test import APIClient

from inventory.models import Transfer
from inventory.services import StockRequest, transfer_request, transfer_ship
from orders import selectors
from orders.models import Order
from tests.api.conftest import admin, advance, agent, clerk_of, client_for, manager_of, place_order
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory

ROLES = [
    "anonymous",
    "shopper",
    "shopper_wrong_token",
    "clerk",
    "clerk_other_store",
    "manager",
    "agent",
    "admin",
]

ORDER_BODY = {
    "customer": {"email": "matrix@example.com", "name": "Matrix"},
    "pickup_store": "PAS-01",
    "lines": [{"sku": "DRL-18V", "quantity": 1}],
    "payment_method": "pay_in_store",
}

# (name, method, path, body, state the order must be in first, expected per role in ROLES order)
ENDPOINTS = [
    ("stores", "get", "/api/v1/stores/", None, None, [200] * 8),
    ("products", "get", "/api/v1/products/", None, None, [200] * 8),
    ("product", "get", "/api/v1/products/DRL-18V/", None, None, [200] * 8),
    ("availability", "get", "/api/v1/products/DRL-18V/availability/", None, None, [200] * 8),
    ("pickup_slots", "get", "/api/v1/stores/PAS-01/pickup-slots/", None, None, [200] * 8),
    (
        "stock_list",
        "get",
        "/api/v1/stores/PAS-01/stock/",
        None,
        None,
        [401, 401, 401, 200, 404, 200, 404, 200],
    ),
    (
        "stock_change",
        "post",
        "/api/v1/stores/PAS-01/stock/",
        {"sku": "DRL-18V", "kind": "receipt", "quantity": 1},
        None,
        [401, 401, 401, 201, 404, 201, 404, 201],
    ),
    ("order_place", "post", "/api/v1/orders/", ORDER_BODY, None, [201] * 8),
    ("queue", "get", "/api/v1/orders/", None, None, [401, 401, 401, 200, 200, 200, 200, 200]),
    (
        "queue_of_store",
        "get",
        "/api/v1/orders/?store=PAS-01",
        None,
        None,
        [401, 401, 401, 200, 404, 200, 200, 200],
    ),
    (
        "order",
        "get",
        "/api/v1/orders/{number}/",
        None,
        "reserved",
        [401, 200, 404, 200, 404, 200, 200, 200],
    ),
    (
        "cancel",
        "post",
        "/api/v1/orders/{number}/cancel/",
        {"reason": "matrix"},
        "reserved",
        [401, 200, 404, 200, 404, 200, 200, 200],
    ),
    (
        "start_picking",
        "post",
        "/api/v1/orders/{number}/start-picking/",
        {},
        "reserved",
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
    (
        "mark_ready",
        "post",
        "/api/v1/orders/{number}/mark-ready/",
        {},
        "picking",
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
    (
        "report_shortage",
        "post",
        "/api/v1/orders/{number}/report-shortage/",
        {"lines": [{"sku": "DRL-18V", "quantity": 1}]},
        "picking",
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
    (
        "hand_over",
        "post",
        "/api/v1/orders/{number}/hand-over/",
        {"pickup_code": "{code}"},
        "ready_for_pickup",
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
    # Transfers: {outgoing} is requested from the store, {incoming} in transit to it.
    (
        "transfers",
        "get",
        "/api/v1/transfers/",
        None,
        None,
        [401, 401, 401, 200, 200, 200, 200, 200],
    ),
    (
        "transfers_of_store",
        "get",
        "/api/v1/transfers/?store=PAS-01",
        None,
        None,
        [401, 401, 401, 200, 404, 200, 200, 200],
    ),
    (
        "transfer_ship",
        "post",
        "/api/v1/transfers/{outgoing}/ship/",
        {},
        None,
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
    (
        "transfer_cannot_send",
        "post",
        "/api/v1/transfers/{outgoing}/cannot-send/",
        {"reason": "matrix"},
        None,
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
    (
        "transfer_receive",
        "post",
        "/api/v1/transfers/{incoming}/receive/",
        {},
        None,
        [401, 401, 401, 200, 404, 200, 403, 200],
    ),
]

CASES = [
    pytest.param(name, method, path, body, state, role, expected[index], id=f"{name}-{role}")
    for name, method, path, body, state, expected in ENDPOINTS
    for index, role in enumerate(ROLES)
]


def caller(role: str, *, store, other_store, token: str) -> APIClient:
    if role == "anonymous":
        return APIClient()
    if role in ("shopper", "shopper_wrong_token"):
        client = APIClient()
        client.credentials(HTTP_X_ORDER_TOKEN=token if role == "shopper" else "not-the-token")
        return client
    user = {
        "clerk": lambda: clerk_of(store),
        "clerk_other_store": lambda: clerk_of(other_store),
        "manager": lambda: manager_of(store),
        "agent": agent,
        "admin": admin,
    }[role]()
    return client_for(user)


def fill(value, **values):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {key: fill(item, **values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, **values) for item in value]
    return value


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "path", "body", "state", "role", "expected"), CASES)
def test_permission_matrix(name, method, path, body, state, role, expected):
    store = StoreFactory(code="PAS-01")
    other_store = StoreFactory(code="MUC-01", latitude=48.1496, longitude=11.4619)
    drill = ProductFactory(sku="DRL-18V")
    StockLevelFactory(store=store, product=drill, on_hand=10)
    order, token = place_order(store, drill, quantity=2)
    transfers = _transfers(store, drill)
    if state not in (None, "reserved"):
        order = advance(order, to=state, by=clerk_of(store, username="matrix.clerk"))
    order = Order.objects.get(pk=order.pk)
    code = selectors.order_pickup_code_for_shopper(order=order) or ""
    client = caller(role, store=store, other_store=other_store, token=token)
    state_before = order.state

    response = getattr(client, method)(
        fill(path, number=order.number, **{k: t.pk for k, t in transfers.items()}),
        fill(body, code=code),
        format="json",
    )

    assert response.status_code == expected, response.json()
    if expected >= 400:
        assert set(response.json()) <= {"code", "detail", "fields", "attempts_left"}
        assert order.number not in response.content.decode()
        assert Order.objects.get(pk=order.pk).state == state_before
        for transfer in transfers.values():
            assert Transfer.objects.get(pk=transfer.pk).state == transfer.state


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
