"""Reads the hotline pages need on top of returns.selectors: a customer's orders and cases, what
of an order can still be exchanged, and where a replacement can wait."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Sum
from django.http import Http404
from django.utils import timezone

from customers.models import Customer
from inventory.selectors import availability_for_lines, stock_available_by_product
from orders.models import Order, OrderLine
from returns.models import CourierBooking, ReturnCase, ReturnLine
from stores.models import Store
from stores.selectors import store_ready_by

REPLACEMENT_STORES_SHOWN = 5


@dataclass(frozen=True)
class ReturnableLine:
    order_line: OrderLine
    returnable: int

    @property
    def field_name(self) -> str:
        return f"line_{self.order_line.pk}"


@dataclass(frozen=True)
class ReplacementStore:
    """A store the replacement can wait at: `available` is the fewest units any asked line has
    there; not `in_stock` means it would come by transfer, so it is ready later."""

    store: Store
    distance_km: float | None
    available: int
    in_stock: bool
    ready_by: datetime.datetime | None
    is_collection_store: bool
    # Units there of each asked product, by its name, when more than one product is asked.
    items: tuple[tuple[str, int], ...] = ()


def customer_order_list(*, customer: Customer) -> list[Order]:
    """The customer's orders, newest first, with their store."""
    return list(
        Order.objects.filter(customer=customer)
        .select_related("pickup_store")
        .order_by("-placed_at", "-pk")
    )


def customer_return_case_list(*, customer: Customer) -> list[ReturnCase]:
    """The customer's return cases, newest first, with orders, store and courier bookings."""
    return list(
        ReturnCase.objects.filter(customer=customer)
        .select_related("order", "replacement_order", "receiving_store")
        .prefetch_related(
            Prefetch("courier_bookings", queryset=CourierBooking.objects.order_by("requested_at"))
        )
        .order_by("-opened_at", "-pk")
    )


def order_get_for_exchange(*, number: str) -> Order:
    order = (
        Order.objects.select_related("customer", "pickup_store")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if order is None:
        raise Http404
    return order


def order_lines_returnable(*, order: Order) -> list[ReturnableLine]:
    """Each line of the order with the units collected and not yet in a (live) return case; the
    same rule exchange_open applies."""
    already = dict(
        ReturnLine.objects.filter(order_line__order=order)
        .exclude(case__state=ReturnCase.State.CANCELLED)
        .values_list("order_line_id")
        .annotate(total=Sum("quantity"))
    )
    return [
        ReturnableLine(
            order_line=line, returnable=max(line.quantity_collected - already.get(line.pk, 0), 0)
        )
        for line in order.lines.select_related("product").order_by("pk")
    ]


def collection_address_last(*, customer: Customer) -> CourierBooking | None:
    """The address a courier last collected from for this customer, to prefill the next one."""
    return (
        CourierBooking.objects.filter(case__customer=customer)
        .order_by("-requested_at", "-pk")
        .first()
    )


def replacement_store_list(
    *,
    order: Order,
    lines: Sequence[tuple[int, int]],
    names: Mapping[int, str] | None = None,
    now: datetime.datetime | None = None,
) -> list[ReplacementStore]:
    """The stores nearest to where the order was collected that have every (product id,
    quantity) line, and that store itself even when it lacks something (a transfer fills it).
    With several products, each store also gives the units of each, named by `names`."""
    now = now or timezone.now()
    home = order.pickup_store

    def items(units: Mapping[int, int]) -> tuple[tuple[str, int], ...]:
        if len(units) < 2:
            return ()
        return tuple(((names or {}).get(pk, str(pk)), units.get(pk, 0)) for pk in units)

    found = availability_for_lines(
        lines=lines,
        latitude=home.latitude,
        longitude=home.longitude,
        limit=REPLACEMENT_STORES_SHOWN,
        now=now,
    )
    stores = [
        ReplacementStore(
            store=option.store,
            distance_km=option.distance_km,
            available=option.available,
            in_stock=option.in_stock,
            ready_by=option.ready_by,
            is_collection_store=option.store.pk == home.pk,
            items=items(option.available_by_product),
        )
        for option in found
    ]
    home_listed = any(option.is_collection_store for option in stores)
    if not home_listed and home.is_active and home.click_and_collect_enabled:
        wanted: dict[int, int] = {}
        for product_id, quantity in lines:
            wanted[product_id] = wanted.get(product_id, 0) + quantity
        units = stock_available_by_product(store_id=home.pk, product_ids=wanted)
        stores.insert(
            0,
            ReplacementStore(
                store=home,
                distance_km=0.0,
                available=min(units.get(product_id, 0) for product_id in wanted),
                in_stock=False,
                ready_by=store_ready_by(store=home, now=now, via_transfer=True),
                is_collection_store=True,
                items=items({product_id: units.get(product_id, 0) for product_id in wanted}),
            ),
        )
    return stores
