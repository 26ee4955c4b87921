"""Reads of orders: lookups for shoppers and staff, queues, actions, the timeline, due work."""

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Field, Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from inventory.models import Product, Transfer, TransferLine
from inventory.selectors import stock_available_by_product
from orders import codes
from orders.exceptions import OrderNotFound, TransferNotFound
from orders.models import Order, OrderLine
from orders.payment_status import PaymentStatus, payment_status_of
from outbox.models import OutboxStatus
from payments.models import Payment, SepaMandate, SideEffect
from stores.models import Store
from stores.roles import user_is_agent, user_store_ids, user_works_at
from stores.selectors import (
    SlotOffer,
    pickup_slot_list,
    ready_by_from_schedule,
    store_schedule,
)

ACTIONS = ("cancel", "start_picking", "report_shortage", "mark_ready", "hand_over")
TRANSFER_DIRECTIONS = ("outgoing", "incoming")
# Transfers a store still has to act on: the sender ships, the receiver waits and receives.
TRANSFERS_TO_SEND = (Transfer.State.REQUESTED,)
TRANSFERS_INCOMING = (Transfer.State.REQUESTED, Transfer.State.IN_TRANSIT)
ORDER_REFERENCE_PREFIX = "order:"


def _open_totals_sql(quote) -> str:
    order, line = Order._meta, OrderLine._meta
    states = ", ".join(["%s"] * len(Order.OPEN_STATES))
    return (
        f"SELECT COUNT(DISTINCT o.{quote(order.pk.column)}), "
        f"COALESCE(SUM(l.{quote('quantity')} - l.{quote('quantity_cancelled')}), 0) "
        f"FROM {quote(order.db_table)} o LEFT JOIN {quote(line.db_table)} l "
        f"ON l.{quote(line.get_field('order').column)} = o.{quote(order.pk.column)} "
        f"WHERE o.{quote(order.get_field('customer').column)} = %s AND o.{quote('state')} "
        f"IN ({states})"
    )


def order_open_totals(*, customer_id: int) -> tuple[int, int]:
    """(open orders, units still wanted in them) of a customer, in one statement. Written out
    rather than built by the ORM: placement asks it every time, and compiling the aggregate over
    the join cost more CPU than the database's answer (docs/decisions/0014)."""
    using = router.db_for_read(Order)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            _open_totals_sql(connection.ops.quote_name), [customer_id, *Order.OPEN_STATES]
        )
        orders, units = cursor.fetchone()
    return orders, int(units)


def _orders() -> QuerySet[Order]:
    # The payment and a mandate come along: pages and the API show how the payment stands.
    return Order.objects.select_related("customer", "pickup_store", "payment", "sepa_mandate")


def order_get_for_shopper(*, number: str, access_token: str) -> Order:
    """The order whose number and access token match (compared in constant time); else NotFound."""
    order = _orders().filter(number=(number or "").strip().upper()).first()
    if order is None or not codes.access_token_matches(
        token=access_token or "", stored_hash=order.access_token_hash
    ):
        raise OrderNotFound()
    return order


def order_get_for_user(*, number: str, user) -> Order:
    """The order when the user is an agent or works at its pickup store; else NotFound."""
    order = _orders().filter(number=(number or "").strip().upper()).first()
    if order is None:
        raise OrderNotFound()
    if user_is_agent(user) or user_works_at(user, order.pickup_store_id):
        return order
    raise OrderNotFound()


def order_list_for_user(
    *, user, store_code: str | None = None, state: str | None = None
) -> QuerySet[Order]:
    """Agents see every store's orders; staff their own stores'; anyone else nothing."""
    orders = _orders().prefetch_related("lines__product")
    if not user_is_agent(user):
        orders = orders.filter(pickup_store_id__in=user_store_ids(user))
    if store_code:
        orders = orders.filter(pickup_store__code=store_code)
    if state:
        orders = orders.filter(state=state)
    return orders.order_by("placed_at", "pk")


def order_available_actions(*, order: Order, user) -> list[str]:
    """The transitions this caller may take now; user None is the shopper (only cancel)."""
    actions = []
    for name in ACTIONS:
        method = getattr(order, name)
        if not can_proceed(method):
            continue
        if user is None or not user.is_authenticated:
            if name == "cancel":
                actions.append(name)
            continue
        if has_transition_perm(method, user):
            actions.append(name)
    return actions


def order_timeline(*, order: Order) -> list[dict]:
    """Every state change with who, when and why, oldest first."""
    return [
        {
            "at": transition.created_at,
            "event": transition.transition,
            "from": transition.source,
            "to": transition.target,
            "actor": transition.actor.get_username() if transition.actor else None,
            "reason": transition.reason,
        }
        for transition in order.transitions.select_related("actor").order_by("created_at", "pk")
    ]


def order_find_ready_by_pickup_code(*, store_id: int, code: str) -> Order | None:
    """The order ready for pickup at this store whose current pickup code this is (a spoken
    code at the counter); None when no order or more than one matches. One query; each code is
    derived again and compared in constant time, and nothing is counted."""
    found = None
    for order in _orders().filter(
        pickup_store_id=store_id, state=Order.State.READY_FOR_PICKUP, pickup_code_version__gt=0
    ):
        if codes.pickup_code_matches(
            given=code,
            number=order.number,
            salt=order.pickup_code_salt,
            version=order.pickup_code_version,
        ):
            if found is not None:
                return None
            found = order
    return found


def order_pickup_code_for_shopper(*, order: Order) -> str | None:
    """The pickup code, derived again from the server secret; only while ready for pickup."""
    if order.state != Order.State.READY_FOR_PICKUP or not order.pickup_code_issued():
        return None
    return codes.pickup_code_derive(
        number=order.number, salt=order.pickup_code_salt, version=order.pickup_code_version
    )


def order_access_token_for_messages(*, order: Order) -> str:
    """The shopper's access token, derived again for the link in a message."""
    return codes.access_token_derive(number=order.number, salt=order.access_token_salt)


# What order messages read of an order: their templates (templates/orders/messages), the
# link's token, the pickup code, the local times and the payment text; nothing else. A template
# that shows a further field needs it added here; tests/orders/test_message_fields.py fails
# until it is.
MESSAGE_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Order: (
        "id",
        "number",
        "kind",
        "customer_id",
        "pickup_store_id",
        "state",
        "payment_method",
        "total",
        "pickup_slot",
        "ready_by",
        "hold_until",
        "access_token_salt",
        "pickup_code_salt",
        "pickup_code_version",
    ),
    Store: ("id", "name", "street", "postcode", "city", "timezone"),
    Payment: ("id", "order_id", "state"),
    OrderLine: ("id", "order_id", "product_id", "quantity", "quantity_collected"),
    Product: ("id", "sku", "name", "name_en"),
}


# The tables of that statement, in the order of its columns, with their aliases.
_MESSAGE_TABLES = {Order: "o", Store: "s", Payment: "p", OrderLine: "l", Product: "i"}


@functools.cache
def _message_fields(model: type[Model]) -> tuple[Field, ...]:
    # In the model's own order: Model.from_db takes the values of a subset in that order.
    wanted = MESSAGE_FIELDS[model]
    return tuple(field for field in model._meta.concrete_fields if field.attname in wanted)


def _message_sql(quote) -> str:
    columns = ", ".join(
        f"{alias}.{quote(field.column)}"
        for model, alias in _MESSAGE_TABLES.items()
        for field in _message_fields(model)
    )

    def table(model: type[Model]) -> str:
        return f"{quote(model._meta.db_table)} {_MESSAGE_TABLES[model]}"

    def column(model: type[Model], name: str) -> str:
        return f"{_MESSAGE_TABLES[model]}.{quote(model._meta.get_field(name).column)}"

    return (
        f"SELECT {columns} FROM {table(Order)} "
        f"JOIN {table(Store)} ON {column(Store, 'id')} = {column(Order, 'pickup_store')} "
        f"LEFT JOIN {table(Payment)} ON {column(Payment, 'order')} = {column(Order, 'id')} "
        f"LEFT JOIN {table(OrderLine)} ON {column(OrderLine, 'order')} = {column(Order, 'id')} "
        f"LEFT JOIN {table(Product)} ON {column(Product, 'id')} = {column(OrderLine, 'product')} "
        f"WHERE {column(Order, 'id')} = %s ORDER BY {column(OrderLine, 'id')}"
    )


def order_get_for_message(*, order_id: int) -> tuple[Order, list[OrderLine]]:
    """The order with its store and payment, and its lines with their products in the order
    placed, as its messages show them (MESSAGE_FIELDS), in one statement; Order.DoesNotExist
    when it is gone. Written out rather than built by the ORM: every message of an order reads
    it, and compiling the ORM's two statements cost the worker more CPU than all the rest of
    the order's context (docs/decisions/0017)."""
    using = router.db_for_read(Order)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_message_sql(connection.ops.quote_name), [order_id])
        rows = cursor.fetchall()
    if not rows:
        raise Order.DoesNotExist(f"order {order_id}")
    # Each row: the order, its store, its payment (NULLs: none), a line and its product.
    widths = [len(_message_fields(model)) for model in _MESSAGE_TABLES]

    def split(row: tuple) -> list[tuple]:
        parts, start = [], 0
        for width in widths:
            parts.append(row[start : start + width])
            start += width
        return parts

    def instance(model: type[Model], values: tuple) -> Model:
        names = [field.attname for field in _message_fields(model)]
        return model.from_db(using, names, values)

    order_values, store_values, payment_values, _line, _product = split(rows[0])
    order = instance(Order, order_values)
    order.pickup_store = instance(Store, store_values)
    payment = instance(Payment, payment_values) if payment_values[0] is not None else None
    # Cached as select_related caches it: no read of the payment, none of its order.
    Order._meta.get_field("payment").set_cached_value(order, payment)
    if payment is not None:
        payment.order = order
    lines = []
    for row in rows:
        *_, line_values, product_values = split(row)
        if line_values[0] is None:
            continue
        line = instance(OrderLine, line_values)
        line.order = order
        line.product = instance(Product, product_values)
        lines.append(line)
    return order, lines


def order_ids_due_for_sourcing(
    *, now: datetime.datetime | None = None, limit: int = 100
) -> list[int]:
    now = now or timezone.now()
    return list(
        Order.objects.filter(
            state=Order.State.SOURCING, sourcing_transfer__isnull=True, sourcing_due_at__lte=now
        )
        .order_by("sourcing_due_at")
        .values_list("pk", flat=True)[:limit]
    )


def order_ids_with_transfer_received(*, limit: int = 100) -> list[int]:
    return list(
        Order.objects.filter(
            state=Order.State.SOURCING, sourcing_transfer__state=Transfer.State.RECEIVED
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def order_ids_due_for_reminder(
    *, now: datetime.datetime | None = None, limit: int = 100
) -> list[int]:
    now = now or timezone.now()
    return list(
        Order.objects.filter(
            state=Order.State.READY_FOR_PICKUP,
            reminder_sent_at__isnull=True,
            reminder_due_at__lte=now,
        )
        .order_by("reminder_due_at")
        .values_list("pk", flat=True)[:limit]
    )


def order_ids_due_for_expiry(
    *, now: datetime.datetime | None = None, limit: int = 100
) -> list[int]:
    now = now or timezone.now()
    return list(
        Order.objects.filter(state=Order.State.READY_FOR_PICKUP, hold_until__lte=now)
        .order_by("hold_until")
        .values_list("pk", flat=True)[:limit]
    )


@dataclass(frozen=True)
class SlotChoice:
    """The pickup slots an order could make at a store, and why from when: `via_transfer` when
    the store lacks some units and they must come from another store first."""

    ready_by: datetime.datetime | None
    via_transfer: bool
    slots: list[SlotOffer]


def pickup_slot_list_for_order(
    *,
    store: Store,
    lines: Sequence[tuple[int, int]],
    now: datetime.datetime,
    day: datetime.date | None = None,
    days: int | None = None,
    via_transfer: bool | None = None,
) -> SlotChoice:
    """The store's slots starting no earlier than the order, (product id, quantity) lines, could
    be ready there: after picking when the store has every unit, after a transfer otherwise
    (`via_transfer` when the caller knows already); earliest first, full ones with 0 places.
    At most 4 queries."""
    if via_transfer is None:
        wanted: dict[int, int] = {}
        for product_id, quantity in lines:
            wanted[product_id] = wanted.get(product_id, 0) + quantity
        available = (
            stock_available_by_product(store_id=store.pk, product_ids=wanted) if wanted else {}
        )
        via_transfer = any(available.get(product, 0) < units for product, units in wanted.items())
    schedule = store_schedule(store=store, today=now.astimezone(datetime.UTC).date())
    ready_by = ready_by_from_schedule(schedule, now=now, via_transfer=via_transfer)
    if ready_by is None:
        return SlotChoice(ready_by=None, via_transfer=via_transfer, slots=[])
    extra = {"days": days} if days is not None else {}
    slots = pickup_slot_list(
        store=store, now=now, earliest=ready_by, day=day, schedule=schedule, **extra
    )
    return SlotChoice(ready_by=ready_by, via_transfer=via_transfer, slots=slots)


# --- transfers (ship-to-store), as the stores and the hotline see them ------------------------


def _transfers() -> QuerySet[Transfer]:
    return Transfer.objects.select_related("source_store", "destination_store").prefetch_related(
        Prefetch("lines", queryset=TransferLine.objects.select_related("product").order_by("pk"))
    )


def transfers_attach_orders(transfers: list[Transfer]) -> list[Transfer]:
    """Sets `transfer.order` (or None) from each transfer's reference ("order:<number>"); one
    query for all of them, also for transfers the order no longer points at."""
    numbers = {
        transfer.reference.removeprefix(ORDER_REFERENCE_PREFIX)
        for transfer in transfers
        if transfer.reference.startswith(ORDER_REFERENCE_PREFIX)
    }
    orders = {
        order.number: order
        for order in Order.objects.filter(number__in=numbers).select_related("customer")
    }
    for transfer in transfers:
        number = transfer.reference.removeprefix(ORDER_REFERENCE_PREFIX)
        transfer.order = orders.get(number)
    return transfers


def transfer_list_for_user(
    *,
    user,
    store_id: int | None = None,
    direction: str | None = None,
    state: str | None = None,
    states: tuple[str, ...] | None = None,
) -> QuerySet[Transfer]:
    """Agents see every store's transfers; staff those from or to their stores; a store narrows
    to its own (both directions, or `direction` outgoing / incoming), oldest first."""
    transfers = _transfers()
    if not user_is_agent(user):
        mine = user_store_ids(user)
        transfers = transfers.filter(Q(source_store_id__in=mine) | Q(destination_store_id__in=mine))
    if store_id is not None:
        if direction == "outgoing":
            transfers = transfers.filter(source_store_id=store_id)
        elif direction == "incoming":
            transfers = transfers.filter(destination_store_id=store_id)
        else:
            transfers = transfers.filter(
                Q(source_store_id=store_id) | Q(destination_store_id=store_id)
            )
    elif direction == "outgoing":
        transfers = transfers.filter(source_store_id__in=user_store_ids(user))
    elif direction == "incoming":
        transfers = transfers.filter(destination_store_id__in=user_store_ids(user))
    if state:
        transfers = transfers.filter(state=state)
    if states:
        transfers = transfers.filter(state__in=states)
    return transfers.order_by("requested_at", "pk")


def transfer_get_for_user(*, transfer_id: object, user) -> Transfer:
    """The transfer when the user is an agent or works at either store; else NotFound."""
    try:
        transfer_id = int(transfer_id)
    except (TypeError, ValueError):
        raise TransferNotFound() from None
    transfer = _transfers().filter(pk=transfer_id).first()
    if transfer is None:
        raise TransferNotFound()
    if not (
        user_is_agent(user)
        or user_works_at(user, transfer.source_store_id)
        or user_works_at(user, transfer.destination_store_id)
    ):
        raise TransferNotFound()
    transfers_attach_orders([transfer])
    return transfer


def transfer_available_actions(
    *, transfer: Transfer, user, store_ids: set[int] | None = None
) -> list[str]:
    """What this user may do now: the sender ships or says it cannot send a requested
    transfer; the receiver receives one in transit. `store_ids` as for user_works_at."""
    if transfer.state == Transfer.State.REQUESTED and user_works_at(
        user, transfer.source_store_id, store_ids=store_ids
    ):
        return ["ship", "cannot_send"]
    if transfer.state == Transfer.State.IN_TRANSIT and user_works_at(
        user, transfer.destination_store_id, store_ids=store_ids
    ):
        return ["receive"]
    return []


def transfer_available_actions_by_id(
    *, transfers: Iterable[Transfer], user
) -> dict[int, list[str]]:
    """transfer_available_actions for each transfer, by id; the user's stores read once."""
    # An administrator works at every store: user_works_at answers without the set.
    store_ids = set() if user.is_superuser else user_store_ids(user)
    return {
        transfer.pk: transfer_available_actions(transfer=transfer, user=user, store_ids=store_ids)
        for transfer in transfers
    }


def order_list_needing_attention(*, limit: int = 50) -> list[Order]:
    """Open orders the stores could not solve alone (a transfer not sent and no other store had
    the stock), oldest first: the hotline's list."""
    return list(
        Order.objects.filter(state__in=Order.OPEN_STATES, attention_since__isnull=False)
        .select_related("customer", "pickup_store")
        .order_by("attention_since", "pk")[:limit]
    )


def order_payment_status(*, order: Order) -> PaymentStatus:
    """How the order's payment stands now (orders.payment_status); no query when the order was
    read with its payment, but for a collected order whose card payment is not captured yet, or
    whose direct debit is not submitted yet: then one read of the outbox row the hand-over
    queued for it (done by a worker)."""
    try:
        payment = order.payment
    except Payment.DoesNotExist:
        payment = None
    capture = None
    waiting = {
        Order.PaymentMethod.CARD: (Payment.State.PENDING, Payment.State.AUTHORIZED),
        Order.PaymentMethod.SEPA_DEBIT: (Payment.State.MANDATED,),
    }
    if (
        payment is not None
        and order.state == Order.State.COLLECTED
        and payment.state in waiting.get(order.payment_method, ())
    ):
        kind = (
            SideEffect.Kind.PAYMENT_DEBIT
            if order.payment_method == Order.PaymentMethod.SEPA_DEBIT
            else SideEffect.Kind.PAYMENT_CAPTURE
        )
        capture = (
            SideEffect.objects.filter(order_id=order.pk, kind=kind)
            .exclude(status=OutboxStatus.DONE)
            .values_list("status", flat=True)
            .first()
        )
    return payment_status_of(order, payment, capture=capture)


def order_sepa_mandate(*, order: Order) -> SepaMandate | None:
    """The order's SEPA direct debit mandate, or None without one."""
    if order.payment_method != Order.PaymentMethod.SEPA_DEBIT:
        return None
    try:
        return order.sepa_mandate
    except SepaMandate.DoesNotExist:
        return None


def order_mandate_reference(*, order: Order) -> str | None:
    mandate = order_sepa_mandate(order=order)
    return mandate.reference if mandate else None
