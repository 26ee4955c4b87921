"""Plain helpers shared by the console tests and the console's browser tests."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from customers.services import CustomerInput
from inventory.models import Product, StockLevel
from orders.models import Order
from orders.services import LineInput, order_place, order_source
from returns.models import ReturnCase, ReturnLine
from stores.models import StaffMembership, Store
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.stores.factories import StaffMembershipFactory, StoreFactory, UserFactory


def store_create(code: str = "PAS-01", name: str = "Passau Mitte", **fields) -> Store:
    store = StoreFactory(code=code, name=name, pickup_hold_days=7, **fields)
    for weekday in range(7):
        store.opening_hours.create(
            weekday=weekday, opens=datetime.time(0, 0), closes=datetime.time(23, 59)
        )
    return store


def staff_create(store: Store, username: str, role: str = StaffMembership.Role.CLERK):
    return StaffMembershipFactory(store=store, user__username=username, role=role).user


def agent_create(username: str = "agent"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    return user


def drill_stocked(store: Store, on_hand: int = 5) -> StockLevel:
    drill = ProductFactory(
        sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90", category="Werkzeug"
    )
    return StockLevelFactory(store=store, product=drill, on_hand=on_hand)


def order_placed(store: Store, *, sku: str = "DRILL-18V", quantity: int = 1, **overrides):
    """A real order through the service: reserved at the store, stock held."""
    arguments = {
        "customer": CustomerInput(email="mueller@example.com", name="Frau Müller"),
        "pickup_store_code": store.code,
        "lines": [LineInput(sku=sku, quantity=quantity)],
        "payment_method": "pay_in_store",
    }
    arguments.update(overrides)
    return order_place(**arguments).order


def order_fact(store: Store, state: str, *, placed_minutes_ago: int = 60, units: int = 1, **fields):
    """An order row in any state as a bare fact (no stock), with one line of `units`."""
    now = timezone.now()
    if state == Order.State.READY_FOR_PICKUP:
        order = OrderFactory(
            pickup_store=store,
            ready=True,
            placed_at=now - datetime.timedelta(minutes=placed_minutes_ago),
            **fields,
        )
    else:
        order = OrderFactory(
            pickup_store=store,
            state=state,
            placed_at=now - datetime.timedelta(minutes=placed_minutes_ago),
            **fields,
        )
    OrderLineFactory(order=order, quantity=units)
    return order


def return_case_fact(
    order: Order, *, state: str, number: str, store: Store | None = None, **fields
):
    """A return case of one unit of the order's first line, on its way to `store`."""
    line = order.lines.first()
    case = ReturnCase.objects.create(
        number=number,
        order=order,
        customer=order.customer,
        reason=ReturnCase.Reason.DEFECTIVE,
        resolution=fields.pop("resolution", ReturnCase.Resolution.REPLACEMENT),
        opened_by=ReturnCase.OpenedBy.AGENT,
        channel=Order.SalesChannel.HOTLINE,
        receiving_store=store or order.pickup_store,
        state=state,
        opened_at=fields.pop("opened_at", timezone.now()),
        **fields,
    )
    ReturnLine.objects.create(case=case, order_line=line, product=line.product, quantity=1)
    return case


def order_waiting_for_transfer(pickup_store: Store, source_store: Store, *, quantity: int = 1):
    """An order for a drill the pickup store lacks, with a transfer requested from
    `source_store` (which must hold the drills): (order, transfer)."""
    drill = Product.objects.get(sku="DRILL-18V")
    StockLevel.objects.get_or_create(store=pickup_store, product=drill)
    order = order_placed(pickup_store, quantity=quantity, allow_transfer=True)
    order = order_source(order_id=order.pk)
    assert order.sourcing_transfer.source_store == source_store
    return order, order.sourcing_transfer
