"""Demo exchange: the hotline has opened one for a drill collected in Passau (SPEC §1)."""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order
from returns.models import ReturnCase
from returns.services import CollectionInput, ReturnLineInput, exchange_open

Report = Callable[[str], None]


def demo_exchange_seed(*, report: Report) -> None:
    """Opens one exchange on a collected Passau order, once; the worker books its courier."""
    if ReturnCase.objects.exists():
        report(f"returns: {ReturnCase.objects.count()} cases (already there)")
        return
    order = (
        Order.objects.filter(pickup_store__code="PAS-01", state=Order.State.COLLECTED)
        .select_related("customer")
        .prefetch_related("lines__product")
        .order_by("pk")
        .first()
    )
    if order is None:
        report("returns: no collected order at PAS-01 to exchange")
        return
    line = order.lines.all()[0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    case = exchange_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku=line.product.sku, quantity=1)],
        reason="defective",
        replacement_store_code="PAS-01",
        collection=CollectionInput(
            name=order.customer.name,
            line1="Ludwigstraße 5",
            postcode="94032",
            city="Passau",
            date=tomorrow,
            window_start=datetime.time(9),
            window_end=datetime.time(12),
            phone=order.customer.phone,
        ),
        by=get_user_model().objects.get(username="agent"),
    ).case
    report(f"returns: exchange {case.number} open for order {order.number}")
