"""Reads behind the console's own pages: the start of shift queues, the pick list and a store's
KPIs. Each runs a fixed number of queries whatever the number of orders."""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from console.labels import ORDER_CHANNELS, ORDER_STATES
from inventory.models import Transfer, TransferLine
from orders.models import Order, OrderLine
from orders.selectors import TRANSFERS_INCOMING, TRANSFERS_TO_SEND, transfers_attach_orders
from returns.models import ReturnCase
from stores.models import Store

# Opened: a refund return the customer brings to the counter (a courier case leaves `opened` in
# the transaction that opens it), so the store sees it before the customer arrives.
RETURNS_TO_RECEIVE = (
    ReturnCase.State.OPENED,
    ReturnCase.State.AWAITING_COURIER,
    ReturnCase.State.COURIER_BOOKED,
    ReturnCase.State.IN_TRANSIT,
)
OPEN_FOR_PICKING = (Order.State.RESERVED, Order.State.PICKING)
QUEUED_STATES = (*OPEN_FOR_PICKING, Order.State.READY_FOR_PICKUP)


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    count: int
    rows: list
    # Which timestamp of each row the page shows as "since".
    since_field: str


def overdue_threshold(now: datetime.datetime) -> datetime.datetime:
    """Ready orders whose hold ends before this are near expiry (the reminder has gone out)."""
    return now + datetime.timedelta(hours=settings.ORDER_REMINDER_HOURS_BEFORE_EXPIRY)


def _store_orders(store: Store) -> QuerySet[Order]:
    return (
        Order.objects.filter(pickup_store=store)
        .select_related("customer")
        .annotate(units=Sum("lines__quantity"))
    )


def console_start_queues(*, store: Store, now: datetime.datetime, limit: int = 25) -> list[Queue]:
    """The clerk's queues at one store, oldest first: to pick, picking, ready, overdue (ready and
    near or past the end of its hold) and returns the store waits for, by courier or brought by
    the customer. Seven queries."""
    overdue_before = overdue_threshold(now)
    ready = Q(state=Order.State.READY_FOR_PICKUP)
    # Only the open states counted: read from order_open_store_idx, not all the store's orders.
    counts = Order.objects.filter(pickup_store=store, state__in=QUEUED_STATES).aggregate(
        to_pick=Count("pk", filter=Q(state=Order.State.RESERVED)),
        picking=Count("pk", filter=Q(state=Order.State.PICKING)),
        ready=Count("pk", filter=ready),
        overdue=Count("pk", filter=ready & Q(hold_until__lte=overdue_before)),
    )
    orders = _store_orders(store)
    cases = ReturnCase.objects.filter(receiving_store=store, state__in=RETURNS_TO_RECEIVE)
    return [
        Queue(
            "to_pick",
            _("To pick"),
            counts["to_pick"],
            list(orders.filter(state=Order.State.RESERVED).order_by("placed_at", "pk")[:limit]),
            "placed_at",
        ),
        Queue(
            "picking",
            _("Picking"),
            counts["picking"],
            list(
                orders.filter(state=Order.State.PICKING).order_by("picking_started_at", "pk")[
                    :limit
                ]
            ),
            "picking_started_at",
        ),
        Queue(
            "ready",
            _("Ready for pickup"),
            counts["ready"],
            list(orders.filter(ready).order_by("ready_at", "pk")[:limit]),
            "ready_at",
        ),
        Queue(
            "overdue",
            _("Overdue or ending soon"),
            counts["overdue"],
            list(
                orders.filter(ready, hold_until__lte=overdue_before).order_by("hold_until", "pk")[
                    :limit
                ]
            ),
            "hold_until",
        ),
        *console_transfer_queues(store=store, limit=limit),
        Queue(
            "returns",
            _("Returns to receive"),
            cases.count(),
            list(
                cases.select_related("order", "customer")
                .annotate(units=Sum("lines__quantity"))
                .order_by("opened_at", "pk")[:limit]
            ),
            "opened_at",
        ),
    ]


def console_transfer_queues(*, store: Store, limit: int = 25) -> list[Queue]:
    """Transfers the store has to act on, oldest first: "to send" (requested from it) and
    "incoming" (requested or in transit to it), each with lines, stores and the order served.
    Five queries."""
    transfers = list(
        Transfer.objects.filter(
            Q(source_store=store, state__in=TRANSFERS_TO_SEND)
            | Q(destination_store=store, state__in=TRANSFERS_INCOMING)
        )
        .select_related("source_store", "destination_store")
        .prefetch_related(
            Prefetch("lines", queryset=TransferLine.objects.select_related("product"))
        )
        .annotate(units=Sum("lines__quantity"))
        .order_by("requested_at", "pk")
    )
    transfers_attach_orders(transfers)
    to_send = [transfer for transfer in transfers if transfer.source_store_id == store.pk]
    incoming = [transfer for transfer in transfers if transfer.destination_store_id == store.pk]
    return [
        Queue("to_send", _("Transfers to send"), len(to_send), to_send[:limit], "requested_at"),
        Queue("incoming", _("Incoming transfers"), len(incoming), incoming[:limit], "shipped_at"),
    ]


@dataclass(frozen=True)
class PickTotal:
    sku: str
    name: str
    gtin: str
    category: str
    quantity: int


@dataclass(frozen=True)
class PickList:
    orders: list[Order]
    totals: list[PickTotal]


def _bin_order(line: OrderLine) -> tuple[str, str]:
    # Aisles follow the category, shelves the SKU: one walk through the store per order.
    return (line.product.category, line.product.sku)


def console_pick_list(*, store: Store) -> PickList:
    """The store's orders to pick (reserved and picking), oldest first, each with its lines in
    walking order, and the units per SKU over all of them. Two queries."""
    lines = OrderLine.objects.select_related("product").order_by(
        "product__category", "product__sku"
    )
    orders = list(
        Order.objects.filter(pickup_store=store, state__in=OPEN_FOR_PICKING)
        .select_related("customer")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("placed_at", "pk")
    )
    totals: Counter = Counter()
    products = {}
    for order in orders:
        order.pick_lines = [line for line in order.lines.all() if line.quantity_to_supply > 0]
        order.pick_lines.sort(key=_bin_order)
        for line in order.pick_lines:
            totals[line.product.sku] += line.quantity_to_supply
            products[line.product.sku] = line.product
    return PickList(
        orders=orders,
        totals=[
            PickTotal(sku, products[sku].name, products[sku].gtin, products[sku].category, units)
            for sku, units in sorted(
                totals.items(), key=lambda item: (products[item[0]].category, item[0])
            )
        ],
    )


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int
    percent: float


@dataclass
class StoreKpis:
    store: Store
    since: datetime.datetime
    until: datetime.datetime
    orders: int = 0
    by_state: list[Share] = field(default_factory=list)
    by_channel: list[Share] = field(default_factory=list)
    by_campaign: list[Share] = field(default_factory=list)
    median_to_ready: datetime.timedelta | None = None
    ended: int = 0
    collected: int = 0
    expired: int = 0
    exchanges: int = 0
    exchanges_open: int = 0
    exchanges_collected: int = 0
    median_exchange_turnaround: datetime.timedelta | None = None

    @property
    def pickup_rate(self) -> float | None:
        return self.collected / self.ended * 100 if self.ended else None

    @property
    def no_show_rate(self) -> float | None:
        return self.expired / self.ended * 100 if self.ended else None


def _shares(counts: dict[str, int], labels: dict[str, str], total: int) -> list[Share]:
    return [
        Share(key, labels.get(key, key), count, count / total * 100 if total else 0.0)
        for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _median(durations: list[datetime.timedelta]) -> datetime.timedelta | None:
    if not durations:
        return None
    return datetime.timedelta(seconds=statistics.median(d.total_seconds() for d in durations))


def store_kpis(*, store: Store, since: datetime.datetime, until: datetime.datetime) -> StoreKpis:
    """A store's figures over the orders placed (and exchanges opened) in [since, until):
    orders by state, channel and campaign, median time from order to ready, pickup and no-show
    rates among orders that ended (collected or expired), exchanges and their turnaround from
    opening to the replacement's collection. Five queries."""
    kpis = StoreKpis(store=store, since=since, until=until)
    placed = Order.objects.filter(pickup_store=store, placed_at__gte=since, placed_at__lt=until)
    states = dict(placed.values_list("state").annotate(n=Count("pk")).order_by())
    kpis.orders = sum(states.values())
    kpis.by_state = [
        Share(
            state,
            ORDER_STATES[state],
            states.get(state, 0),
            states.get(state, 0) / kpis.orders * 100 if kpis.orders else 0.0,
        )
        for state in Order.State.values
        if states.get(state)
    ]
    kpis.collected = states.get(Order.State.COLLECTED, 0)
    kpis.expired = states.get(Order.State.EXPIRED, 0)
    kpis.ended = kpis.collected + kpis.expired
    channels = dict(placed.values_list("channel").annotate(n=Count("pk")).order_by())
    kpis.by_channel = _shares(channels, ORDER_CHANNELS, kpis.orders)
    campaigns = dict(placed.values_list("campaign").annotate(n=Count("pk")).order_by())
    kpis.by_campaign = _shares(campaigns, {"": str(_("(no campaign)"))}, kpis.orders)
    kpis.median_to_ready = _median(
        [
            ready_at - placed_at
            for placed_at, ready_at in placed.filter(ready_at__isnull=False).values_list(
                "placed_at", "ready_at"
            )
        ]
    )
    exchanges = list(
        ReturnCase.objects.filter(
            resolution=ReturnCase.Resolution.REPLACEMENT,
            replacement_order__pickup_store=store,
            opened_at__gte=since,
            opened_at__lt=until,
        ).values_list("state", "opened_at", "replacement_order__collected_at")
    )
    kpis.exchanges = len(exchanges)
    kpis.exchanges_open = sum(1 for state, _o, _c in exchanges if state in ReturnCase.OPEN_STATES)
    turnarounds = [collected - opened for _s, opened, collected in exchanges if collected]
    kpis.exchanges_collected = len(turnarounds)
    kpis.median_exchange_turnaround = _median(turnarounds)
    return kpis
