"""Placing an order: validate everything, upsert the customer, reserve at the pickup store or
start sourcing, record the payment to authorize and the confirmation to send."""

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from config.db import insert_unless_exists
from customers.models import Customer, Language
from customers.phones import phone_to_e164
from customers.services import CustomerInput, customer_upsert
from inventory import exceptions as inventory_errors
from inventory.models import Product
from inventory.selectors import availability_for_lines, store_and_products_get
from inventory.services import StockRequest, stock_hold, stock_reserve
from messaging.services import notification_queue
from orders import codes
from orders.exceptions import (
    CurbsideNotAvailable,
    InsufficientStock,
    InvalidOrderInput,
    InvalidQuantity,
    OrderLimitReached,
    PickupSlotTooEarly,
    PickupSlotUnknown,
    StoreNotClickAndCollect,
    UnknownSku,
    UnknownStore,
)
from orders.models import Order, OrderLine, OrderTransition
from orders.selectors import order_open_totals
from orders.services.common import User, history_rows
from payments.models import Payment, SideEffect
from payments.sepa import SepaInput, sepa_clean
from payments.services import sepa_mandate_add, side_effect_add
from stores.models import Store
from stores.selectors import SlotOffer, pickup_slot_find, store_ready_by
from stores.services import pickup_slot_book

# Input limits of an order: units of one product, and different products.
MAX_QUANTITY = 99
MAX_LINES = 50
ALTERNATIVES_SHOWN = 3
NOTIFY_CHANNELS = ("email", "sms")
# A clash of random order numbers is rare (25^8 of them); a few tries always find a free one.
NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    access_token: str  # in plain text, shown once


def _invalid(field: str, message: str) -> InvalidOrderInput:
    return InvalidOrderInput(message, fields={field: [message]})


def _customer_clean(customer: CustomerInput) -> CustomerInput:
    email = (customer.email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise _invalid("customer.email", "Enter a valid e-mail address.") from error
    name = (customer.name or "").strip()
    if not name or len(name) > 120:
        raise _invalid("customer.name", "Enter a name of at most 120 characters.")
    language = (customer.language or "de").lower()
    if language not in Language.values:
        raise _invalid("customer.language", "Choose de or en.")
    local, _, domain = email.rpartition("@")
    return CustomerInput(
        email=f"{local}@{domain.lower()}", name=name, phone=customer.phone, language=language
    )


def _contact_clean(
    customer: CustomerInput, notify_by: Sequence[str], store: Store
) -> tuple[CustomerInput, list[str]]:
    """The phone in E.164 (a national number read in the pickup store's country) and the
    channels to notify on; SMS needs a phone."""
    channels = list(dict.fromkeys(notify_by))
    if not channels or any(channel not in NOTIFY_CHANNELS for channel in channels):
        raise _invalid("notify_by", "Choose email, sms or both.")
    phone = phone_to_e164(customer.phone, region=store.country, field="customer.phone")
    if "sms" in channels and not phone:
        raise InvalidOrderInput(
            "A text message needs a phone number.",
            fields={"customer.phone": ["Give a mobile number for the SMS."]},
            field_codes={"customer.phone": "phone_required"},
        )
    return replace(customer, phone=phone), channels


def _lines_merge(lines: Sequence[LineInput]) -> dict[str, int]:
    """SKU -> quantity, duplicates added up; every quantity a whole number from 1 to
    MAX_QUANTITY."""
    if not lines:
        raise _invalid("lines", "Order at least one product.")
    if len(lines) > MAX_LINES:
        raise _invalid("lines", f"Order at most {MAX_LINES} different products.")
    merged: dict[str, int] = {}
    for index, line in enumerate(lines):
        quantity = line.quantity
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= MAX_QUANTITY
        ):
            raise InvalidQuantity(
                fields={f"lines[{index}].quantity": [f"Must be 1 to {MAX_QUANTITY}."]}
            )
        sku = (line.sku or "").strip()
        if not sku:
            raise _invalid(f"lines[{index}].sku", "Name a product by its SKU.")
        merged[sku] = merged.get(sku, 0) + quantity
        if merged[sku] > MAX_QUANTITY:
            raise InvalidQuantity(
                fields={f"lines[{index}].quantity": [f"At most {MAX_QUANTITY} of one product."]}
            )
    return merged


def _store_and_products_get(code: str, merged: dict[str, int]) -> tuple[Store, dict[str, Product]]:
    """The pickup store and the ordered products, in one query; UnknownStore,
    StoreNotClickAndCollect or UnknownSku (named by the line's index) otherwise."""
    code = (code or "").strip()
    store, products = store_and_products_get(store_code=code, skus=list(merged))
    if store is None or not store.is_active:
        raise UnknownStore(fields={"pickup_store": [code]})
    if not store.click_and_collect_enabled:
        raise StoreNotClickAndCollect(fields={"pickup_store": [code]})
    for index, sku in enumerate(merged):
        if sku not in products:
            raise UnknownSku(
                f"No product with SKU {sku} is sold.", fields={f"lines[{index}].sku": [sku]}
            )
    return store, products


def _slot_find(
    store: Store, slot: datetime.datetime | None, now: datetime.datetime
) -> SlotOffer | None:
    """The store's slot the shopper chose; refuses a time that is not one of its slots."""
    if slot is None:
        return None
    if slot.tzinfo is None or slot.utcoffset() is None:
        raise _invalid("pickup_slot", "Give the pickup slot with its time zone.")
    if slot <= now:
        raise _invalid("pickup_slot", "The pickup slot must be in the future.")
    offer = pickup_slot_find(store=store, start=slot, now=now)
    if offer is None:
        raise PickupSlotUnknown(
            fields={"pickup_slot": ["Not a pickup slot of this store: choose one it offers."]}
        )
    return offer


def _slot_book(store: Store, slot: SlotOffer | None, ready_by: datetime.datetime | None) -> None:
    """Takes a place in the slot once the order's ready-by time is known (here or by transfer)."""
    if slot is None:
        return
    if ready_by is None or slot.start < ready_by:
        raise PickupSlotTooEarly(
            fields={"pickup_slot": ["The order cannot be ready by then."]},
            ready_by=ready_by.isoformat() if ready_by else None,
        )
    pickup_slot_book(store=store, slot=slot)


def _limits_check(customer: Customer, units: int) -> None:
    """Open orders and units in them, counted in one query."""
    open_orders, open_units = order_open_totals(customer_id=customer.pk)
    if open_orders >= settings.ORDER_MAX_OPEN_PER_CUSTOMER:
        raise OrderLimitReached(
            f"At most {settings.ORDER_MAX_OPEN_PER_CUSTOMER} open orders per customer."
        )
    if open_units + units > settings.ORDER_MAX_UNITS_PER_CUSTOMER:
        raise OrderLimitReached(
            f"At most {settings.ORDER_MAX_UNITS_PER_CUSTOMER} units in open orders per customer."
        )


def _order_insert(order: Order, *, dependents: Sequence[OrderLine | OrderTransition]) -> str:
    """INSERTs the new order with its lines and audit rows (one statement on PostgreSQL) under a
    fresh random number, another on the rare clash with an existing one (no savepoint needed);
    returns the shopper's access token."""
    for _ in range(NUMBER_ATTEMPTS):
        order.number = codes.order_number_generate()
        token = codes.access_token_derive(number=order.number, salt=order.access_token_salt)
        order.access_token_hash = codes.access_token_hash(token)
        if insert_unless_exists(order, dependents=dependents):
            # Later saves of this instance check the state it was inserted in.
            order._update_initial_state()
            return token
    raise RuntimeError(f"No unused order number in {NUMBER_ATTEMPTS} attempts.")


def _alternatives(store: Store, lines: list[tuple[int, int]], now) -> list[dict]:
    return [
        {
            "store": choice.store.code,
            "name": choice.store.name,
            "distance_km": round(choice.distance_km, 1) if choice.distance_km is not None else None,
            "available": choice.available,
        }
        for choice in availability_for_lines(
            lines=lines,
            latitude=store.latitude,
            longitude=store.longitude,
            limit=ALTERNATIVES_SHOWN,
            exclude_store_id=store.pk,
            now=now,
        )
    ]


def order_place(
    *,
    customer: CustomerInput,
    pickup_store_code: str,
    lines: Sequence[LineInput],
    payment_method: str,
    channel: str = "web",
    allow_transfer: bool = False,
    pickup_slot: datetime.datetime | None = None,
    curbside: bool = False,
    campaign: str = "",
    notify_by: Sequence[str] = ("email",),
    actor: User | None = None,
    kind: str = Order.Kind.STANDARD,
    now: datetime.datetime | None = None,
    sepa: SepaInput | None = None,
    savepoint: bool = True,
) -> PlacedOrder:
    """→ placed → reserved (in stock at the pickup store) or → sourcing (allow_transfer); locks the
    customer row, then the pickup store's stock rows, then the pickup slot's row; queues the
    confirmation and, for card, the payment authorization; for SEPA direct debit records the
    mandate (the debit waits for the hand-over). Raises before writing anything on bad input (an
    invalid IBAN, a mandate not accepted), missing stock, a slot too early or a full slot.
    `savepoint=False` when the caller's transaction holds this placement alone (an API request):
    no savepoint is taken inside it, and an error rolls back the caller's whole transaction."""
    now = now or timezone.now()
    customer = _customer_clean(customer)
    if payment_method not in Order.PaymentMethod.values:
        raise _invalid("payment_method", "Choose card, sepa_debit or pay_in_store.")
    if channel not in Order.SalesChannel.values:
        raise _invalid("channel", "Choose web, app, hotline or store.")
    if kind not in Order.Kind.values:
        raise _invalid("kind", "Choose standard or replacement.")
    campaign = (campaign or "").strip()
    if len(campaign) > 64:
        raise _invalid("campaign", "At most 64 characters.")
    merged = _lines_merge(lines)
    store, products = _store_and_products_get(pickup_store_code, merged)
    customer, channels = _contact_clean(customer, notify_by, store)
    if curbside and not store.curbside_enabled:
        raise CurbsideNotAvailable(fields={"curbside": ["Not offered at this store."]})
    slot = _slot_find(store, pickup_slot, now)
    debit = sepa_clean(sepa) if payment_method == Order.PaymentMethod.SEPA_DEBIT else None
    wanted = {products[sku].pk: quantity for sku, quantity in merged.items()}

    with transaction.atomic(savepoint=savepoint):
        buyer = customer_upsert(customer=customer)
        _limits_check(buyer, sum(merged.values()))
        # Stock is locked and checked before anything of the order is written, so the order is
        # inserted in the state it ends in; shortages raise here and write nothing.
        try:
            hold = stock_hold(store_id=store.pk, wanted=wanted)
        except inventory_errors.InsufficientStock as missing:
            alternatives = _alternatives(store, list(wanted.items()), now)
            if not (allow_transfer and alternatives):
                raise InsufficientStock(
                    fields={"lines": [asdict(shortage) for shortage in missing.shortages]},
                    alternatives=alternatives,
                ) from missing
            hold = None
        # A replacement for a broken item costs the shopper nothing.
        prices = {
            sku: Decimal("0.00") if kind == Order.Kind.REPLACEMENT else product.price
            for sku, product in products.items()
        }
        subtotal = sum(
            (prices[sku] * quantity for sku, quantity in merged.items()), Decimal("0.00")
        )
        order = Order(
            access_token_salt=codes.salt_generate(),
            customer=buyer,
            channel=channel,
            kind=kind,
            pickup_store=store,
            pickup_slot=slot.start if slot else None,
            curbside=curbside,
            allow_transfer=allow_transfer,
            payment_method=payment_method,
            subtotal=subtotal,
            total=subtotal,
            campaign=campaign,
            notify_by_email="email" in channels,
            notify_by_sms="sms" in channels,
            placed_at=now,
        )
        if hold is not None:
            order.reserve(
                now=now, ready_by=store_ready_by(store=store, now=now, via_transfer=False)
            )
        else:
            order.source(
                now=now,
                due_at=now,
                ready_by=store_ready_by(store=store, now=now, via_transfer=True),
            )
        # After the stock: every placement locks customer, stock rows, slot in this order.
        _slot_book(store, slot, order.ready_by)
        order_lines = [
            OrderLine(
                order=order,
                product=products[sku],
                quantity=quantity,
                unit_price=prices[sku],
                quantity_sourcing=0 if hold is not None else quantity,
            )
            for sku, quantity in merged.items()
        ]
        history = history_rows(
            order=order,
            steps=[
                ("place", "", Order.State.PLACED, actor),
                (
                    "reserve" if hold is not None else "source",
                    Order.State.PLACED,
                    order.state,
                    None,
                ),
            ],
            at=now,
        )
        token = _order_insert(order, dependents=[*order_lines, *history])
        if hold is not None:
            stock_reserve(
                store_id=store.pk,
                requests=[
                    StockRequest(
                        product_id=line.product_id,
                        quantity=line.quantity,
                        reference=line.reservation_reference,
                    )
                    for line in order_lines
                ],
                actor=actor,
                hold=hold,
            )
        if payment_method == Order.PaymentMethod.CARD and order.total > 0:
            Payment.objects.create(
                order=order,
                amount=order.total,
                currency=order.currency,
                gateway=settings.PAYMENT_GATEWAY.rsplit(".", 1)[-1],
            )
            side_effect_add(
                order=order,
                kind=SideEffect.Kind.PAYMENT_AUTHORIZE,
                key=f"authorize:{order.number}",
                now=now,
            )
        if debit is not None and order.total > 0:
            sepa_mandate_add(order=order, sepa=debit, language=customer.language, now=now)
        notification_queue(
            customer=buyer,
            template="confirmation",
            key=f"confirmation:{order.number}",
            order=order,
            channels=order.notify_channels,
            now=now,
        )
    return PlacedOrder(order=order, access_token=token)
