"""Plain helpers shared by the hotline tests and the hotline's browser test: stores open all day,
an order collected through the real services, and an exchange opened by an agent."""

import datetime

from django.utils import timezone

from orders import selectors as order_selectors
from orders import services as order_services
from returns.services import (
    CollectionInput,
    ReceivedLineInput,
    ReturnLineInput,
    exchange_open,
    return_hand_in,
)
from tests.stores.factories import OpeningHoursFactory, StoreFactory


def store_open_all_day(**fields):
    store = StoreFactory(**fields)
    for weekday in range(7):
        OpeningHoursFactory(
            store=store, weekday=weekday, opens=datetime.time(0, 0), closes=datetime.time(23, 59)
        )
    return store


def order_collect(
    *,
    store,
    products,
    clerk,
    email="erika.mueller@example.com",
    quantity=1,
    language="de",
    notify_by=("email",),
):
    """A web order from the newsletter, picked, made ready and handed over at the counter."""
    placed = order_services.order_place(
        customer=order_services.CustomerInput(
            email=email, name="Erika Müller", phone="+4985112345", language=language
        ),
        pickup_store_code=store.code,
        lines=[
            order_services.LineInput(sku=product.sku, quantity=quantity) for product in products
        ],
        payment_method="pay_in_store",
        campaign="newsletter-2026-11",
        notify_by=notify_by,
    )
    order = order_services.order_start_picking(order=placed.order, by=clerk)
    order = order_services.order_mark_ready(order=order, by=clerk)
    code = order_selectors.order_pickup_code_for_shopper(order=order)
    return order_services.order_hand_over(order=order, by=clerk, pickup_code=code)


def exchange_of(order, *, by, store_code="PAS-01", sku="DRILL-18V"):
    """The exchange an agent opens through the service: one unit back, courier tomorrow 8–12."""
    return exchange_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku=sku, quantity=1)],
        reason="defective",
        replacement_store_code=store_code,
        collection=CollectionInput(
            name="Erika Müller",
            line1="Innstraße 12",
            postcode="94032",
            city="Passau",
            date=timezone.localdate() + datetime.timedelta(days=1),
            window_start=datetime.time(8, 0),
            window_end=datetime.time(12, 0),
        ),
        by=by,
    )


ONE_DRILL_RESELLABLE = [ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="resellable")]


def hand_in_at_counter(order, *, clerk, store, lines=ONE_DRILL_RESELLABLE):
    """A refund return the customer hands in at the counter: opened, received and closed at once."""
    return return_hand_in(
        order_number=order.number, lines=lines, reason="not_wanted", store=store, by=clerk
    )
