"""Every write of the returns app: exchanges, courier bookings, webhook events, receiving.

Courier calls happen in tasks with no transaction open; the CourierBooking row is their outbox
(written with the case, dispatched after commit, re-dispatched by the relay while still due).
"""

import datetime
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from customers.services import CustomerInput
from inventory.services import stock_return
from messaging.services import notification_queue
from orders.models import Order, OrderLine
from orders.services import LineInput, order_place
from outbox.models import OutboxStatus
from outbox.services import (
    outbox_claim,
    outbox_record_done,
    outbox_record_failure,
    outbox_row_enqueue,
)
from payments.services import payment_refund
from returns.addresses import (
    WINDOW_CODES,
    Problem,
    collection_problems,
    postcode_normalize,
)
from returns.couriers import (
    CourierRateLimited,
    CourierRejected,
    CourierUnavailable,
    PickupAddress,
    PickupRequest,
    WebhookEvent,
    courier_gateway,
)
from returns.exceptions import (
    InvalidCollectionWindow,
    InvalidReturnInput,
    InvalidReturnTransition,
    OrderNotCollected,
    ReceiveExceedsExpected,
    ReceiveNotPermitted,
    ReturnCaseNotFound,
    ReturnExceedsCollected,
)
from returns.models import CourierBooking, CourierCall, CourierEvent, ReturnCase, ReturnLine
from stores.models import Store
from stores.roles import user_works_at

logger = logging.getLogger(__name__)

User = AbstractBaseUser
MAX_LINE_QUANTITY = 99
RMA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class ReturnLineInput:
    sku: str
    quantity: int


@dataclass(frozen=True)
class ReceivedLineInput:
    sku: str
    quantity: int
    condition: str  # resellable | defective


@dataclass(frozen=True)
class CollectionInput:
    name: str
    line1: str
    postcode: str
    city: str
    date: datetime.date
    window_start: datetime.time
    window_end: datetime.time
    line2: str = ""
    country: str = "DE"
    phone: str = ""


@dataclass(frozen=True)
class ExchangeOpened:
    case: ReturnCase
    replacement_order: Order
    booking: CourierBooking


def _rma_number_unused() -> str:
    while True:
        number = "RMA-" + "".join(secrets.choice(RMA_ALPHABET) for _ in range(7))
        if not ReturnCase.objects.filter(number=number).exists():
            return number


def _booking_reference_unused() -> str:
    while True:
        reference = "CB-" + secrets.token_hex(6).upper()
        if not CourierBooking.objects.filter(reference=reference).exists():
            return reference


def _request_check(
    *, reason: str, collection: CollectionInput | None, now: datetime.datetime
) -> None:
    """Refuses, naming every field at once, a reason we do not know or a collection a courier
    cannot be asked for (address, postcode of its country, window). Reads nothing."""
    problems: dict[str, Problem] = {}
    if reason not in ReturnCase.Reason.values:
        problems["reason"] = Problem(
            f"Choose one of {', '.join(ReturnCase.Reason.values)}.", "invalid_choice"
        )
    if collection is not None:
        problems.update(
            collection_problems(
                name=collection.name,
                line1=collection.line1,
                postcode=collection.postcode,
                city=collection.city,
                country=collection.country,
                date=collection.date,
                window_start=collection.window_start,
                window_end=collection.window_end,
                now=now,
            )
        )
    if not problems:
        return
    fields = {key: [problem.message] for key, problem in problems.items()}
    codes = {key: problem.code for key, problem in problems.items()}
    if set(codes.values()) <= WINDOW_CODES:
        raise InvalidCollectionWindow(fields=fields, field_codes=codes)
    raise InvalidReturnInput(
        "Correct the fields named in `fields`.", fields=fields, field_codes=codes
    )


def _quantity_checked(quantity: object, index: int) -> int:
    """A line's quantity: a whole number from 1 to MAX_LINE_QUANTITY, else the line's error."""
    whole = isinstance(quantity, int) and not isinstance(quantity, bool)
    if not (whole and 1 <= quantity <= MAX_LINE_QUANTITY):
        raise InvalidReturnInput(
            f"Quantities are whole numbers from 1 to {MAX_LINE_QUANTITY}.",
            fields={f"lines[{index}].quantity": [f"Must be between 1 and {MAX_LINE_QUANTITY}."]},
            field_codes={f"lines[{index}].quantity": "quantity_out_of_range"},
        )
    return quantity


def _lines_returnable(
    order: Order, lines: Sequence[ReturnLineInput]
) -> list[tuple[OrderLine, int]]:
    """Each requested SKU with the order line it comes from; raises when a SKU is not on the
    order or more would come back than was collected and not already returned."""
    if not lines:
        raise InvalidReturnInput(
            "Name at least one line.",
            fields={"lines": ["Required."]},
            field_codes={"lines": "lines_required"},
        )
    wanted: dict[str, int] = {}
    for index, line in enumerate(lines):
        quantity = _quantity_checked(line.quantity, index)
        sku = (line.sku or "").strip()
        wanted[sku] = wanted.get(sku, 0) + quantity
    order_lines = {
        line.product.sku: line for line in order.lines.select_related("product").order_by("pk")
    }
    already = dict(
        ReturnLine.objects.filter(order_line__order=order)
        .exclude(case__state=ReturnCase.State.CANCELLED)
        .values_list("order_line_id")
        .annotate(total=Sum("quantity"))
    )
    chosen = []
    for sku, quantity in wanted.items():
        order_line = order_lines.get(sku)
        if order_line is None:
            raise InvalidReturnInput(
                f"{sku} is not on order {order.number}.", fields={"lines": [f"Unknown SKU {sku}."]}
            )
        returnable = order_line.quantity_collected - already.get(order_line.pk, 0)
        if quantity > returnable:
            raise ReturnExceedsCollected(
                f"{sku}: {quantity} asked, {returnable} can still be returned.",
                fields={"lines": [f"{sku}: at most {returnable}."]},
            )
        chosen.append((order_line, quantity))
    return chosen


@transaction.atomic
def exchange_open(
    *,
    order_number: str,
    lines: Sequence[ReturnLineInput],
    reason: str,
    replacement_store_code: str,
    collection: CollectionInput,
    by: User,
    now: datetime.datetime | None = None,
) -> ExchangeOpened:
    """Opens a replacement case on a collected order: locks the order; creates the case, its
    lines, the replacement order (reserved at the chosen store, or sourcing) and the courier
    booking request; queues the booking and the "exchange opened" message after commit."""
    now = now or timezone.now()
    _request_check(reason=reason, collection=collection, now=now)
    order = _order_lock_collected(order_number)
    chosen = _lines_returnable(order, lines)
    customer = order.customer
    replacement = order_place(
        customer=CustomerInput(
            email=customer.email,
            name=customer.name,
            phone=customer.phone,
            language=customer.language,
        ),
        pickup_store_code=replacement_store_code,
        lines=[LineInput(sku=line.product.sku, quantity=quantity) for line, quantity in chosen],
        payment_method=Order.PaymentMethod.PAY_IN_STORE,
        channel=Order.SalesChannel.HOTLINE,
        allow_transfer=True,
        actor=by,
        kind=Order.Kind.REPLACEMENT,
    ).order
    case = _case_create(
        order=order,
        chosen=chosen,
        reason=reason,
        resolution=ReturnCase.Resolution.REPLACEMENT,
        opened_by=ReturnCase.OpenedBy.AGENT,
        channel=Order.SalesChannel.HOTLINE,
        by=by,
        receiving_store=replacement.pickup_store,
        now=now,
        replacement=replacement,
    )
    booking = _courier_request(case=case, collection=collection, now=now)
    notification_queue(
        customer=customer,
        template="exchange_opened",
        key=f"case:{case.number}:opened",
        order=order,
        context={
            "case_number": case.number,
            "replacement_number": replacement.number,
            "pickup_date": collection.date.isoformat(),
            "window_start": collection.window_start.strftime("%H:%M"),
            "window_end": collection.window_end.strftime("%H:%M"),
        },
        channels=order.notify_channels,
        now=now,
    )
    return ExchangeOpened(case=case, replacement_order=replacement, booking=booking)


def _courier_request(
    *, case: ReturnCase, collection: CollectionInput, now: datetime.datetime
) -> CourierBooking:
    """The booking request of a case (opened → awaiting_courier) and its courier call, which is
    dispatched after commit."""
    booking = CourierBooking.objects.create(
        case=case,
        reference=_booking_reference_unused(),
        provider=settings.COURIER_PROVIDER,
        name=collection.name.strip(),
        line1=collection.line1.strip(),
        line2=collection.line2.strip(),
        postcode=postcode_normalize(collection.postcode),
        city=collection.city.strip(),
        country=(collection.country or "DE").strip().upper()[:2],
        phone=collection.phone.strip(),
        pickup_date=collection.date,
        window_start=collection.window_start,
        window_end=collection.window_end,
        requested_at=now,
    )
    case.await_courier()
    case.save()
    courier_call_add(booking=booking, now=now)
    return booking


def _case_create(
    *,
    order: Order,
    chosen: list[tuple[OrderLine, int]],
    reason: str,
    resolution: str,
    opened_by: str,
    channel: str,
    by: User | None,
    receiving_store: Store,
    now: datetime.datetime,
    replacement: Order | None = None,
) -> ReturnCase:
    case = ReturnCase.objects.create(
        number=_rma_number_unused(),
        order=order,
        customer=order.customer,
        reason=reason,
        resolution=resolution,
        opened_by=opened_by,
        channel=channel,
        opened_by_user=by if by is not None and by.is_authenticated else None,
        receiving_store=receiving_store,
        replacement_order=replacement,
        opened_at=now,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(case=case, order_line=line, product=line.product, quantity=quantity)
        for line, quantity in chosen
    )
    return case


def _order_lock_collected(order_number: str) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("customer", "pickup_store")
        .filter(number=(order_number or "").strip().upper())
        .first()
    )
    if order is None:
        raise InvalidReturnInput(
            "No such order.", fields={"order_number": ["No order with this number."]}
        )
    if order.state != Order.State.COLLECTED:
        raise OrderNotCollected(f"Order {order.number} is {order.state}, not collected.")
    return order


@transaction.atomic
def return_open(
    *,
    order_number: str,
    lines: Sequence[ReturnLineInput],
    reason: str,
    opened_by: str,
    by: User | None = None,
    collection: CollectionInput | None = None,
    now: datetime.datetime | None = None,
) -> ReturnCase:
    """Opens a refund case — by a hotline agent, the order's store or the shopper (e.g. an
    unwanted item); the order's pickup store receives the item. With a `collection` a courier
    fetches it (opened → awaiting_courier, the booking queued after commit); without, the
    customer brings it. Locks the order; queues the "return opened" message after commit."""
    now = now or timezone.now()
    _request_check(reason=reason, collection=collection, now=now)
    if opened_by not in ReturnCase.OpenedBy.values:
        raise InvalidReturnInput("Unknown opener.", fields={"opened_by": ["Unknown."]})
    order = _order_lock_collected(order_number)
    chosen = _lines_returnable(order, lines)
    channel = {
        ReturnCase.OpenedBy.AGENT: Order.SalesChannel.HOTLINE,
        ReturnCase.OpenedBy.STORE: Order.SalesChannel.STORE,
    }.get(opened_by, order.channel)
    case = _case_create(
        order=order,
        chosen=chosen,
        reason=reason,
        resolution=ReturnCase.Resolution.REFUND,
        opened_by=opened_by,
        channel=channel,
        by=by,
        receiving_store=order.pickup_store,
        now=now,
    )
    if collection is not None:
        _courier_request(case=case, collection=collection, now=now)
    _return_opened_queue(case=case, chosen=chosen, collection=collection, now=now)
    return case


def _return_opened_queue(
    *,
    case: ReturnCase,
    chosen: list[tuple[OrderLine, int]],
    collection: CollectionInput | None,
    now: datetime.datetime,
) -> None:
    """The customer's confirmation of a refund return: what comes back, how (the courier's
    window or the store to bring it to) and the refund that follows its arrival."""
    if collection is not None:
        how: dict = {
            "return_by": "courier",
            "pickup_date": collection.date.isoformat(),
            "window_start": collection.window_start.strftime("%H:%M"),
            "window_end": collection.window_end.strftime("%H:%M"),
        }
    else:
        store = case.receiving_store
        how = {
            "return_by": "store",
            "return_store": {
                "code": store.code,
                "name": store.name,
                "street": store.street,
                "postcode": store.postcode,
                "city": store.city,
            },
        }
    refund = sum((line.unit_price * quantity for line, quantity in chosen), Decimal("0.00"))
    _refund_message_queue(
        case=case,
        template="return_opened",
        key="opened",
        context=how,
        lines=chosen,
        refund=refund,
        now=now,
    )


def _refund_message_queue(
    *,
    case: ReturnCase,
    template: str,
    key: str,
    context: dict,
    lines: Sequence[tuple[OrderLine | ReturnLine, int]],
    refund: Decimal,
    now: datetime.datetime,
) -> None:
    """A message about a refund return to its customer, on the channels chosen for the order:
    the RMA number, the units with their names in the customer's language, and the refund."""
    customer, order = case.customer, case.order
    context = {
        "case_number": case.number,
        **context,
        "items": [
            {"quantity": quantity, "name": line.product.name_in(customer.language)}
            for line, quantity in lines
        ],
    }
    if refund:
        context["refund_amount"] = str(refund)
    notification_queue(
        customer=customer,
        template=template,
        key=f"case:{case.number}:{key}",
        order=order,
        context=context,
        channels=order.notify_channels,
        now=now,
    )


@transaction.atomic
def return_hand_in(
    *,
    order_number: str,
    lines: Sequence[ReceivedLineInput],
    reason: str,
    store: Store,
    by: User,
    now: datetime.datetime | None = None,
) -> ReturnCase:
    """An item handed in at a store counter: opens a refund case straight to received (stock
    by condition, refund queued) and closes it. Only staff of that store (or an administrator).
    Locks the order, then the case."""
    now = now or timezone.now()
    if not user_works_at(by, store.pk):
        raise ReceiveNotPermitted()
    _request_check(reason=reason, collection=None, now=now)
    order = _order_lock_collected(order_number)
    chosen = _lines_returnable(
        order, [ReturnLineInput(sku=line.sku, quantity=line.quantity) for line in lines]
    )
    case = _case_create(
        order=order,
        chosen=chosen,
        reason=reason,
        resolution=ReturnCase.Resolution.REFUND,
        opened_by=ReturnCase.OpenedBy.STORE,
        channel=Order.SalesChannel.STORE,
        by=by,
        receiving_store=store,
        now=now,
    )
    return return_receive(number=case.number, lines=lines, store=store, by=by, now=now)


def courier_call_add(*, booking: CourierBooking, now: datetime.datetime) -> CourierCall:
    """Records the call that books the pickup and queues its delivery after commit."""
    call, is_new = CourierCall.objects.get_or_create(
        idempotency_key=f"courier-book:{booking.reference}",
        defaults={"booking": booking, "next_attempt_at": now},
    )
    if is_new:
        outbox_row_enqueue(call)
    return call


def courier_call_deliver(call_id: int, *, now: datetime.datetime | None = None) -> str:
    """Delivers one booking call: books the pickup (courier_booking_book). A rejection fails the
    booking for good and flags the case; an outage or rate limit is retried by the outbox's
    policy, never sooner than the carrier asked for, and flags the case at the bound."""
    claim = outbox_claim(CourierCall, call_id, now)
    if claim is None:
        return CourierCall.objects.filter(pk=call_id).values_list("status", flat=True).first() or (
            "missing"
        )
    booking_id = CourierCall.objects.values_list("booking_id", flat=True).get(pk=call_id)
    try:
        courier_booking_book(booking_id=booking_id)
    except CourierRejected as error:
        courier_booking_fail(booking_id=booking_id, error=str(error))
        outbox_record_done(CourierCall, claim, status=OutboxStatus.FAILED, done_at=timezone.now())
        return OutboxStatus.FAILED
    except CourierUnavailable as error:
        courier_booking_postpone(booking_id=booking_id, error=str(error))
        retry_after = error.retry_after if isinstance(error, CourierRateLimited) else None
        return outbox_record_failure(
            CourierCall,
            claim,
            error,
            not_before=datetime.timedelta(seconds=retry_after or 0),
        )
    outbox_record_done(CourierCall, claim, status=OutboxStatus.DONE, done_at=timezone.now())
    return OutboxStatus.DONE


def courier_call_give_up(call: CourierCall, error: str) -> None:
    """The outbox ran out of attempts for this call: the booking fails, the case is flagged."""
    courier_booking_fail(booking_id=call.booking_id, error=error)


def _pickup_request(booking: CourierBooking) -> PickupRequest:
    return PickupRequest(
        reference=booking.reference,
        address=PickupAddress(
            name=booking.name,
            line1=booking.line1,
            line2=booking.line2,
            postcode=booking.postcode,
            city=booking.city,
            country=booking.country,
        ),
        date=booking.pickup_date,
        window_start=booking.window_start,
        window_end=booking.window_end,
        phone=booking.phone,
    )


def courier_booking_book(*, booking_id: int, now: datetime.datetime | None = None) -> str:
    """requested → booked. Counts the attempt under a lock, calls the carrier with no transaction
    open (our reference is its idempotency key, so a repeat finds the first booking), then
    records the answer under the lock again. Raises CourierUnavailable/CourierRejected."""
    with transaction.atomic():
        booking = CourierBooking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None or booking.state != CourierBooking.State.REQUESTED:
            return booking.state if booking else "missing"
        booking.attempts += 1
        booking.save(update_fields=["attempts"])
    result = courier_gateway(booking.provider).book_pickup(_pickup_request(booking))
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            CourierBooking.objects.select_for_update().select_related("case").get(pk=booking_id)
        )
        if booking.state != CourierBooking.State.REQUESTED:
            return booking.state
        booking.confirm(
            now=now,
            provider_booking_id=result.provider_booking_id,
            tracking_number=result.tracking_number,
            poll_at=now + datetime.timedelta(seconds=settings.COURIER_POLL_AFTER_SECONDS),
        )
        booking.save()
        case = ReturnCase.objects.select_for_update().get(pk=booking.case_id)
        if case.state == ReturnCase.State.AWAITING_COURIER:
            case.confirm_courier(now=now)
            case.save()
        notification_queue(
            customer=case.customer,
            template="courier_booked",
            key=f"booking:{booking.reference}:booked",
            order=case.order,
            context={
                "case_number": case.number,
                # The wording: a refund return is no exchange.
                "resolution": case.resolution,
                "pickup_date": booking.pickup_date.isoformat(),
                "window_start": booking.window_start.strftime("%H:%M"),
                "window_end": booking.window_end.strftime("%H:%M"),
                "tracking_number": booking.tracking_number,
            },
            channels=case.order.notify_channels,
            now=now,
        )
    return booking.state


def courier_booking_postpone(*, booking_id: int, error: str) -> None:
    """Records a transient failure on the booking, for the hotline to see; the call retries."""
    CourierBooking.objects.filter(pk=booking_id, state=CourierBooking.State.REQUESTED).update(
        last_error=error[:300]
    )


@transaction.atomic
def courier_booking_fail(
    *, booking_id: int, error: str, now: datetime.datetime | None = None
) -> None:
    """requested → failed for good; flags the case for the hotline. Never drops it silently."""
    now = now or timezone.now()
    booking = CourierBooking.objects.select_for_update().filter(pk=booking_id).first()
    if booking is None or booking.state != CourierBooking.State.REQUESTED:
        return
    booking.fail(now=now, error=error)
    booking.save()
    case = ReturnCase.objects.select_for_update().get(pk=booking.case_id)
    case.needs_attention = True
    case.attention_reason = f"Courier booking failed: {error}"[:200]
    case.save(update_fields=["needs_attention", "attention_reason"])
    logger.error("courier booking %s failed for good: %s", booking.reference, error)


def _apply_status(
    booking: CourierBooking, case: ReturnCase, status: str, now: datetime.datetime
) -> bool:
    """Moves booking and case forward to `status`; False when it would move them backwards."""
    if CourierBooking.RANK.get(status, -1) <= CourierBooking.RANK[booking.state]:
        return False
    if status == CourierBooking.State.BOOKED:
        booking.confirm(
            now=now,
            provider_booking_id=booking.provider_booking_id,
            tracking_number=booking.tracking_number,
            poll_at=now + datetime.timedelta(seconds=settings.COURIER_POLL_AFTER_SECONDS),
        )
        if case.state == ReturnCase.State.AWAITING_COURIER:
            case.confirm_courier(now=now)
    elif status == CourierBooking.State.PICKED_UP:
        booking.pick_up(now=now)
        if case.state in (ReturnCase.State.AWAITING_COURIER, ReturnCase.State.COURIER_BOOKED):
            case.start_transit(now=now)
    elif status == CourierBooking.State.DELIVERED:
        booking.deliver(now=now)
        if case.state in (
            ReturnCase.State.AWAITING_COURIER,
            ReturnCase.State.COURIER_BOOKED,
            ReturnCase.State.IN_TRANSIT,
        ):
            case.receive(now=now)
    elif status == CourierBooking.State.FAILED:
        booking.fail(now=now, error="the courier reported the pickup failed")
        case.needs_attention = True
        case.attention_reason = "The courier reported the pickup failed."
    elif status == CourierBooking.State.CANCELLED:
        booking.cancel()
    booking.last_status_at = now
    booking.save()
    case.save()
    return True


@transaction.atomic
def courier_event_apply(*, provider: str, event: WebhookEvent) -> CourierEvent | None:
    """Applies one carrier event once: the unique (provider, event id) makes a repeat a no-op
    (None); an event that would move the booking backwards is recorded but not applied."""
    booking = (
        CourierBooking.objects.select_for_update()
        .filter(provider=provider, provider_booking_id=event.provider_booking_id)
        .first()
    )
    try:
        with transaction.atomic():
            recorded = CourierEvent.objects.create(
                provider=provider,
                event_id=event.event_id,
                booking=booking,
                status=event.status,
                occurred_at=event.occurred_at,
            )
    except IntegrityError:
        return None
    if booking is None:
        logger.warning(
            "courier event %s names unknown booking %s", event.event_id, event.provider_booking_id
        )
        return recorded
    case = ReturnCase.objects.select_for_update().get(pk=booking.case_id)
    recorded.applied = _apply_status(booking, case, event.status, event.occurred_at)
    recorded.save(update_fields=["applied"])
    return recorded


def courier_booking_poll(*, booking_id: int, now: datetime.datetime | None = None) -> str:
    """The polling fallback: reads the carrier's status of a booking that had no update and
    applies it like an event. Raises CourierUnavailable when the carrier does not answer."""
    now = now or timezone.now()
    booking = CourierBooking.objects.get(pk=booking_id)
    if booking.state not in (CourierBooking.State.BOOKED, CourierBooking.State.PICKED_UP):
        return booking.state
    status = courier_gateway(booking.provider).pickup_status(booking.provider_booking_id)
    with transaction.atomic():
        booking = CourierBooking.objects.select_for_update().get(pk=booking_id)
        case = ReturnCase.objects.select_for_update().get(pk=booking.case_id)
        applied = _apply_status(booking, case, status.status, now)
        if not applied:
            booking.next_poll_at = now + datetime.timedelta(
                seconds=settings.COURIER_POLL_AFTER_SECONDS
            )
            booking.save(update_fields=["next_poll_at"])
    return booking.state


def courier_bookings_poll_due(*, now: datetime.datetime | None = None, batch: int = 100) -> int:
    """Polls every booked or picked-up booking whose poll time has come; returns how many."""
    now = now or timezone.now()
    ids = list(
        CourierBooking.objects.filter(
            state__in=[CourierBooking.State.BOOKED, CourierBooking.State.PICKED_UP],
            next_poll_at__lte=now,
        )
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:batch]
    )
    polled = 0
    for booking_id in ids:
        try:
            courier_booking_poll(booking_id=booking_id, now=now)
        except (CourierUnavailable, CourierRejected) as error:
            CourierBooking.objects.filter(pk=booking_id).update(
                last_error=str(error)[:300],
                next_poll_at=now + datetime.timedelta(seconds=settings.COURIER_POLL_AFTER_SECONDS),
            )
            continue
        polled += 1
    return polled


def _case_lock(number: str) -> ReturnCase:
    case = (
        ReturnCase.objects.select_for_update(of=("self",))
        .select_related("replacement_order", "receiving_store", "order")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if case is None:
        raise ReturnCaseNotFound()
    return case


def _close_if_done(case: ReturnCase, now: datetime.datetime) -> bool:
    """received → closed when every line came back and, for an exchange, the replacement was
    collected."""
    if case.state != ReturnCase.State.RECEIVED:
        return False
    if case.lines.exclude(quantity_received=F("quantity")).exists():
        return False
    if case.resolution == ReturnCase.Resolution.REPLACEMENT and (
        case.replacement_order is None or case.replacement_order.state != Order.State.COLLECTED
    ):
        return False
    case.close(now=now)
    case.save()
    return True


@transaction.atomic
def return_receive(
    *,
    number: str,
    lines: Sequence[ReceivedLineInput],
    store: Store,
    by: User,
    now: datetime.datetime | None = None,
) -> ReturnCase:
    """Records what came back and in what condition: resellable goes on hand at the receiving
    store, defective is written off through the ledger; the case becomes received and closes
    when nothing is outstanding. A refund queues its payment call and the customer's receipt
    ("return received") after commit. Only staff of the case's receiving store (or an administrator)
    may receive it, and only into that store. Locks the case."""
    now = now or timezone.now()
    case = _case_lock(number)
    if store.pk != case.receiving_store_id or not user_works_at(by, case.receiving_store_id):
        raise ReceiveNotPermitted()
    if case.state in (ReturnCase.State.CLOSED, ReturnCase.State.CANCELLED):
        raise InvalidReturnTransition(f"Return {case.number} is {case.state}.")
    if not lines:
        raise InvalidReturnInput("Name at least one line.", fields={"lines": ["Required."]})
    case_lines = {line.product.sku: line for line in case.lines.select_related("product")}
    received: dict[str, tuple[int, str]] = {}
    for index, line in enumerate(lines):
        if line.condition not in ReturnLine.Condition.values:
            raise InvalidReturnInput(
                "Condition is resellable or defective.",
                fields={f"lines[{index}].condition": ["Choose resellable or defective."]},
            )
        quantity = _quantity_checked(line.quantity, index)
        if line.sku in received:
            raise InvalidReturnInput(
                "Each SKU once.", fields={f"lines[{index}].sku": ["Named twice."]}
            )
        case_line = case_lines.get(line.sku)
        if case_line is None:
            raise InvalidReturnInput(
                f"{line.sku} is not part of {case.number}.",
                fields={f"lines[{index}].sku": ["Not part of this return."]},
            )
        outstanding = case_line.quantity - case_line.quantity_received
        if quantity > outstanding:
            raise ReceiveExceedsExpected(
                f"{line.sku}: {quantity} received, {outstanding} expected.",
                fields={f"lines[{index}].quantity": [f"At most {outstanding}."]},
            )
        received[line.sku] = (quantity, line.condition)
    for sku, (quantity, condition) in received.items():
        case_line = case_lines[sku]
        stock_return(
            store_id=store.pk,
            product_id=case_line.product_id,
            quantity=quantity,
            resellable=condition == ReturnLine.Condition.RESELLABLE,
            actor=by,
            reference=f"return:{case.number}",
        )
        case_line.quantity_received += quantity
        case_line.condition = condition
        case_line.save(update_fields=["quantity_received", "condition"])
    if case.state != ReturnCase.State.RECEIVED:
        case.receive(now=now)
        case.save()
    if case.resolution == ReturnCase.Resolution.REFUND:
        refund = sum(
            (
                case_lines[sku].order_line.unit_price * quantity
                for sku, (quantity, _condition) in received.items()
            ),
            Decimal("0.00"),
        )
        # Once per receipt: a retried request finds the same side effect and message by it.
        receipts = case.lines.aggregate(total=Sum("quantity_received"))["total"]
        if refund and case.order.payment_method == Order.PaymentMethod.CARD:
            payment_refund(order=case.order, amount=refund, reference=f"{case.number}:{receipts}")
        # Paid in store: the counter pays the money back; we record how much.
        case.refunded_amount += refund
        case.save(update_fields=["refunded_amount"])
        _return_received_queue(
            case=case,
            received=[(case_lines[sku], quantity) for sku, (quantity, _) in received.items()],
            store=store,
            refund=refund,
            receipt=receipts,
            now=now,
        )
    _close_if_done(case, now)
    return case


def _return_received_queue(
    *,
    case: ReturnCase,
    received: list[tuple[ReturnLine, int]],
    store: Store,
    refund: Decimal,
    receipt: int,
    now: datetime.datetime,
) -> None:
    """The customer's receipt of one delivery of a refund return: what came back, where, and
    the refund. For a hand-in at the counter it is the case's only message."""
    _refund_message_queue(
        case=case,
        template="return_received",
        key=f"received:{receipt}",
        context={"store_name": store.name},
        lines=received,
        refund=refund,
        now=now,
    )


def return_cases_close_due(*, now: datetime.datetime | None = None) -> int:
    """Closes received exchanges whose replacement has since been collected."""
    now = now or timezone.now()
    ids = list(
        ReturnCase.objects.filter(
            state=ReturnCase.State.RECEIVED,
            resolution=ReturnCase.Resolution.REPLACEMENT,
            replacement_order__state=Order.State.COLLECTED,
        ).values_list("pk", flat=True)
    )
    closed = 0
    for case_id in ids:
        with transaction.atomic():
            case = (
                ReturnCase.objects.select_for_update(of=("self",))
                .select_related("replacement_order")
                .get(pk=case_id)
            )
            closed += _close_if_done(case, now)
    return closed
