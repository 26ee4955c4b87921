"""Demo orders: a day at the counter in Passau, Munich and Berlin, every one made through the
same services the shop and the console use, so stock, ledger, history and outbox all agree."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from demo.inventory import DRILL_SKU
from inventory.models import StockLevel
from orders import selectors, services
from orders.models import Order
from payments.sepa import SepaInput

Report = Callable[[str], None]

DEMO_EMAIL_DOMAIN = "kunden.example.com"
DEMO_STORES = ("PAS-01", "MUC-01", "BER-01")
# The first is the newsletter campaign demo/newsletter.py sends (with its clicks) before the day.
CAMPAIGNS = ("werkzeugwochen", "", "", "social-herbst", "")
NAMES = (
    "Erika Müller", "Hans Schmidt", "Sabine Fischer", "Jürgen Weber", "Monika Wagner",
    "Thomas Becker", "Petra Hoffmann", "Stefan Schäfer", "Andrea Koch", "Michael Richter",
    "Claudia Klein", "Frank Wolf", "Ursula Schröder", "Klaus Neumann", "Birgit Schwarz",
)  # fmt: skip
# How many orders end the demo day in each state, per store, and how long ago they came in:
# an order waiting at the counter for most of its hold is "overdue", one past it has expired.
PLAN = (
    ("reserved", 3, datetime.timedelta(0)),
    ("picking", 2, datetime.timedelta(0)),
    ("ready_for_pickup", 2, datetime.timedelta(0)),
    ("ready_for_pickup", 1, datetime.timedelta(days=6, hours=12)),
    ("expired", 1, datetime.timedelta(days=8)),
    ("collected", 3, datetime.timedelta(0)),
    ("cancelled", 1, datetime.timedelta(0)),
)


@dataclass(frozen=True)
class Shopper:
    email: str
    name: str
    phone: str


def _shoppers():
    for index, name in enumerate(NAMES * 3):
        local = name.lower().replace(" ", ".").replace("ü", "ue").replace("ö", "oe")
        local = local.replace("ä", "ae")
        yield Shopper(
            email=f"{local}.{index}@{DEMO_EMAIL_DOMAIN}",
            name=name,
            phone=f"+49151{55500000 + index:08d}",
        )


def _skus_in_stock(store_code: str, count: int) -> list[str]:
    return list(
        StockLevel.objects.filter(store__code=store_code, on_hand__gte=20, product__is_active=True)
        .order_by("product__sku")
        .values_list("product__sku", flat=True)[:count]
    )


def _advance(order: Order, target: str, clerk, at: datetime.datetime) -> Order:
    if target == "cancelled":
        return services.order_cancel(order=order, by=None, reason="changed my mind")
    if target == "reserved":
        return order
    order = services.order_start_picking(order=order, by=clerk, now=at)
    if target == "picking":
        return order
    order = services.order_mark_ready(order=order, by=clerk, now=at)
    if target == "ready_for_pickup":
        return order
    if target == "expired":
        return services.order_expire(order_id=order.pk, now=timezone.now())
    code = selectors.order_pickup_code_for_shopper(order=order)
    return services.order_hand_over(order=order, by=clerk, pickup_code=code)


def demo_orders_seed(*, report: Report) -> None:
    """Creates the demo day's orders once; a second run finds them and does nothing."""
    if Customer.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists():
        report(f"orders: {Order.objects.count()} (demo day already there)")
        return
    users = get_user_model().objects
    shoppers = _shoppers()
    placed = 0
    with transaction.atomic():
        for store_code in DEMO_STORES:
            clerk = users.get(username=f"clerk.{store_code.lower()}")
            skus = _skus_in_stock(store_code, 12)
            if not skus:
                continue
            for target, count, ago in PLAN:
                for _ in range(count):
                    shopper = next(shoppers)
                    at = timezone.now() - ago
                    order = services.order_place(
                        customer=services.CustomerInput(
                            email=shopper.email, name=shopper.name, phone=shopper.phone
                        ),
                        pickup_store_code=store_code,
                        lines=[
                            services.LineInput(sku=skus[placed % len(skus)], quantity=1),
                            services.LineInput(sku=skus[(placed + 5) % len(skus)], quantity=2),
                        ],
                        payment_method="pay_in_store" if placed % 3 else "card",
                        channel="app" if placed % 4 == 1 else "web",
                        campaign=CAMPAIGNS[placed % len(CAMPAIGNS)],
                        now=at,
                    ).order
                    _advance(order, target, clerk, at)
                    placed += 1
        placed += _sourcing_order(next(shoppers))
        placed += _story_order(users.get(username="clerk.pas-01"))
    report(f"orders: {placed} demo orders at {', '.join(DEMO_STORES)}")


def _story_order(clerk) -> int:
    """SPEC's story so far: Frau Müller ordered the cordless drill from the newsletter for pickup
    in Passau, paying by direct debit, and has collected it (the debit goes out after the
    hand-over). It is whole, so the hotline can start her exchange on the demo."""
    erika = next(_shoppers())
    if not StockLevel.objects.filter(store__code="PAS-01", product__sku=DRILL_SKU).exists():
        return 0
    order = services.order_place(
        customer=services.CustomerInput(email=erika.email, name=erika.name, phone=erika.phone),
        pickup_store_code="PAS-01",
        lines=[services.LineInput(sku=DRILL_SKU, quantity=1)],
        payment_method="sepa_debit",
        sepa=SepaInput(
            iban="DE89 3704 0044 0532 0130 00", account_holder=erika.name, mandate_accepted=True
        ),
        campaign=CAMPAIGNS[0],
    ).order
    _advance(order, "collected", clerk, timezone.now())
    return 1


def _sourcing_order(shopper: Shopper) -> int:
    """One Passau order for more than Passau has, allowed to come by transfer: it waits in
    sourcing until a worker reserves it at another store."""
    level = (
        StockLevel.objects.filter(store__code="PAS-01", on_hand__lte=8, product__is_active=True)
        .select_related("product")
        .order_by("product__sku")
        .first()
    )
    if level is None:
        return 0
    services.order_place(
        customer=services.CustomerInput(
            email=shopper.email, name=shopper.name, phone=shopper.phone
        ),
        pickup_store_code="PAS-01",
        lines=[services.LineInput(sku=level.product.sku, quantity=level.on_hand + 1)],
        payment_method="pay_in_store",
        allow_transfer=True,
    )
    return 1
