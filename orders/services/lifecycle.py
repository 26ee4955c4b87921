"""The order's transitions after placement: picking, shortages, ready, hand-over, cancel, expiry,
the reminder, and sourcing from other stores by transfer."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inventory import exceptions as inventory_errors
from inventory.models import Transfer
from inventory.selectors import availability_for_lines, transfer_source_ids_refused
from inventory.services import (
    StockRequest,
    stock_consume,
    stock_release,
    stock_reserve,
    transfer_cancel,
    transfer_request,
)
from messaging.services import notification_queue
from orders import codes
from orders.exceptions import (
    HandOverLocked,
    HoldNotOver,
    InvalidOrderInput,
    InvalidPickupCode,
    InvalidQuantity,
    InvalidTransition,
    OverrideNotPermitted,
    ReasonRequired,
    TransferNotReceived,
    WrongPickupCode,
)
from orders.models import PICKUP_CODE_MAX_ATTEMPTS, Order, OrderLine
from orders.services.common import User, ensure_transition, history_add, order_lock
from orders.services.placement import LineInput
from payments.models import Payment, SideEffect
from payments.services import side_effect_add
from stores.roles import user_is_manager_of
from stores.selectors import store_ready_by
from stores.services import pickup_slot_release


def _reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(fields={"reason": ["Give a reason."]})
    if len(reason) > 200:
        raise InvalidOrderInput("At most 200 characters.", fields={"reason": ["Too long."]})
    return reason


def _lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("product").order_by("pk"))


def _totals_recompute(order: Order, lines: Sequence[OrderLine]) -> None:
    order.subtotal = sum(
        (line.unit_price * line.quantity_to_supply for line in lines), Decimal("0.00")
    )
    order.total = order.subtotal


def _release_everything(order: Order, lines: Sequence[OrderLine], actor: User | None, why: str):
    """Gives back every unit held for the order, here or at a transfer's source."""
    transfer = order.sourcing_transfer
    if transfer is not None and transfer.state in (
        Transfer.State.REQUESTED,
        Transfer.State.IN_TRANSIT,
    ):
        transfer_cancel(transfer_id=transfer.pk, actor=actor)
    for line in lines:
        stock_release(reference=line.reservation_reference, actor=actor, reason=why)


def _void_payment(order: Order, now) -> None:
    payment = Payment.objects.filter(order=order).first()
    if payment is not None and payment.state in (
        Payment.State.PENDING,
        Payment.State.AUTHORIZED,
        Payment.State.MANDATED,
    ):
        side_effect_add(
            order=order, kind=SideEffect.Kind.PAYMENT_VOID, key=f"void:{order.number}", now=now
        )


def _cancel_locked(order: Order, by: User | None, reason: str, now) -> Order:
    source = order.state
    lines = _lines(order)
    _release_everything(order, lines, by, f"order {order.number} cancelled")
    if order.pickup_slot is not None:
        pickup_slot_release(store_id=order.pickup_store_id, start=order.pickup_slot)
    order.cancel(now=now, reason=reason)
    order.save()
    history_add(order=order, transition="cancel", source=source, actor=by, at=now, reason=reason)
    _void_payment(order, now)
    notification_queue(
        customer=order.customer,
        template="cancelled",
        key=f"cancelled:{order.number}",
        order=order,
        channels=order.notify_channels,
        context={"reason": reason},
        now=now,
    )
    return order


@transaction.atomic
def order_start_picking(*, order: Order, by: User, now: datetime.datetime | None = None) -> Order:
    """reserved → picking; locks the order; queues nothing."""
    now = now or timezone.now()
    order = order_lock(order.pk)
    ensure_transition(order, "start_picking", by)
    order.start_picking(now=now)
    order.save()
    history_add(
        order=order, transition="start_picking", source=Order.State.RESERVED, actor=by, at=now
    )
    return order


def _shortages_clean(lines: Sequence[OrderLine], shortages: Sequence[LineInput]) -> dict[int, int]:
    """order line id -> units missing."""
    if not shortages:
        raise InvalidOrderInput("Name at least one missing line.", fields={"shortages": ["Empty."]})
    by_sku = {line.product.sku: line for line in lines}
    missing: dict[int, int] = {}
    for index, shortage in enumerate(shortages):
        line = by_sku.get((shortage.sku or "").strip())
        if line is None:
            raise InvalidOrderInput(
                "This product is not in the order.",
                fields={f"lines[{index}].sku": [shortage.sku]},
            )
        quantity = shortage.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidQuantity(fields={f"lines[{index}].quantity": ["At least 1."]})
        missing[line.pk] = missing.get(line.pk, 0) + quantity
        if missing[line.pk] > line.quantity_to_supply:
            raise InvalidQuantity(
                fields={f"lines[{index}].quantity": ["More than the order line holds."]}
            )
    return missing


@transaction.atomic
def order_report_shortage(*, order: Order, by: User, shortages: Sequence[LineInput]) -> Order:
    """picking → sourcing (the shopper allowed transfers: the missing units come from another
    store) or → reserved (the missing units are cancelled; the whole order when nothing is left);
    locks the order, then the stock rows; queues the shopper's message."""
    now = timezone.now()
    order = order_lock(order.pk)
    ensure_transition(order, "report_shortage", by)
    lines = _lines(order)
    missing = _shortages_clean(lines, shortages)
    for line in lines:
        short = missing.get(line.pk, 0)
        if not short:
            continue
        stock_release(
            reference=line.reservation_reference, actor=by, reason=f"shortage at {order.number}"
        )
        keep = line.quantity_to_supply - short
        if keep:
            try:
                stock_reserve(
                    store_id=order.pickup_store_id,
                    requests=[StockRequest(line.product_id, keep, line.reservation_reference)],
                    actor=by,
                )
            except inventory_errors.InsufficientStock:
                short, keep = short + keep, 0
        if order.allow_transfer:
            line.quantity_sourcing = short
        else:
            line.quantity_cancelled += short
        line.save(update_fields=["quantity_sourcing", "quantity_cancelled"])
    if not order.allow_transfer and all(line.quantity_to_supply == 0 for line in lines):
        return _cancel_locked(order, by, "out_of_stock", now)
    _totals_recompute(order, lines)
    order.report_shortage(now=now, resource=order.allow_transfer, due_at=now)
    order.save()
    history_add(
        order=order, transition="report_shortage", source=Order.State.PICKING, actor=by, at=now
    )
    if not order.allow_transfer:
        cancelled = [
            {
                "sku": line.product.sku,
                "name": line.product.name,
                "name_en": line.product.name_en,
                "quantity": missing[line.pk],
            }
            for line in lines
            if line.pk in missing
        ]
        notification_queue(
            customer=order.customer,
            template="shortage",
            key=f"shortage:{order.number}:{now.timestamp()}",
            order=order,
            channels=order.notify_channels,
            context={"cancelled_lines": cancelled},
            now=now,
        )
    return order


@transaction.atomic
def order_mark_ready(*, order: Order, by: User, now: datetime.datetime | None = None) -> Order:
    """picking → ready_for_pickup; locks the order; issues the pickup code (a new salt and
    version, nothing stored in plain text); queues the ready message."""
    now = now or timezone.now()
    order = order_lock(order.pk)
    ensure_transition(order, "mark_ready", by)
    hold_until = now + datetime.timedelta(days=order.pickup_store.pickup_hold_days)
    reminder_due_at = hold_until - datetime.timedelta(
        hours=settings.ORDER_REMINDER_HOURS_BEFORE_EXPIRY
    )
    if reminder_due_at <= now:
        # A hold shorter than the reminder lead: the ready message is the reminder.
        reminder_due_at = None
    lines = _lines(order)
    for line in lines:
        line.quantity_picked = line.quantity_to_supply
    OrderLine.objects.bulk_update(lines, ["quantity_picked"])
    order.mark_ready(
        now=now,
        code_salt=codes.salt_generate(),
        hold_until=hold_until,
        reminder_due_at=reminder_due_at,
    )
    order.save()
    history_add(order=order, transition="mark_ready", source=Order.State.PICKING, actor=by, at=now)
    notification_queue(
        customer=order.customer,
        template="ready",
        key=f"ready:{order.number}:v{order.pickup_code_version}",
        order=order,
        channels=order.notify_channels,
        now=now,
    )
    return order


def order_hand_over(
    *, order: Order, by: User, pickup_code: str = "", override_reason: str = ""
) -> Order:
    """ready_for_pickup → collected; locks the order, then the reservations' stock rows; checks
    the pickup code in constant time (a wrong one counts, 5 lock the hand-over) or takes a
    manager's override with its reason; consumes the reservations; queues the payment capture
    (card) or the direct debit (SEPA), the receipt and (promotional, with consent) accessory
    suggestions."""
    override_reason = (override_reason or "").strip()
    pickup_code = codes.pickup_code_normalise(pickup_code)
    if not override_reason and not pickup_code:
        raise InvalidOrderInput(
            "Enter the pickup code.", fields={"pickup_code": ["Enter the pickup code."]}
        )
    if not override_reason and not codes.pickup_code_well_formed(pickup_code):
        # A typo, not a guess: refused before the order is even locked, so it never counts.
        raise InvalidPickupCode(fields={"pickup_code": ["Six digits."]})
    if len(override_reason) > 200:
        raise InvalidOrderInput(
            "At most 200 characters.", fields={"override_reason": ["Too long."]}
        )
    refusal: Exception | None = None
    with transaction.atomic():
        now = timezone.now()
        order = order_lock(order.pk)
        ensure_transition(order, "hand_over", by)
        if override_reason:
            if not user_is_manager_of(by, order.pickup_store_id):
                raise OverrideNotPermitted()
        elif order.hand_over_locked:
            raise HandOverLocked()
        elif not codes.pickup_code_matches(
            given=pickup_code,
            number=order.number,
            salt=order.pickup_code_salt,
            version=order.pickup_code_version,
        ):
            # Counted in this transaction, which commits; the refusal is raised after it.
            order.pickup_code_failed_attempts += 1
            order.save(update_fields=["pickup_code_failed_attempts"])
            left = PICKUP_CODE_MAX_ATTEMPTS - order.pickup_code_failed_attempts
            refusal = HandOverLocked() if left <= 0 else WrongPickupCode(attempts_left=left)
        if refusal is None:
            lines = _lines(order)
            for line in lines:
                stock_consume(reference=line.reservation_reference, actor=by)
                line.quantity_collected = line.quantity_to_supply
            OrderLine.objects.bulk_update(lines, ["quantity_collected"])
            order.hand_over(now=now, override_reason=override_reason)
            order.save()
            history_add(
                order=order,
                transition="hand_over",
                source=Order.State.READY_FOR_PICKUP,
                actor=by,
                at=now,
                reason=f"manager override: {override_reason}" if override_reason else "",
            )
            if Payment.objects.filter(order=order).exists():
                # Card: capture what was authorized; direct debit: submit it, only now.
                debit = order.payment_method == Order.PaymentMethod.SEPA_DEBIT
                side_effect_add(
                    order=order,
                    kind=SideEffect.Kind.PAYMENT_DEBIT
                    if debit
                    else SideEffect.Kind.PAYMENT_CAPTURE,
                    key=f"debit:{order.number}" if debit else f"capture:{order.number}",
                    now=now,
                )
            notification_queue(
                customer=order.customer,
                template="collected",
                key=f"collected:{order.number}",
                order=order,
                channels=order.notify_channels,
                now=now,
            )
            # Promotional: goes only with the customer's consent and within the frequency cap.
            notification_queue(
                customer=order.customer,
                template="accessories",
                key=f"accessories:{order.number}",
                order=order,
                channels=order.notify_channels,
                promotional=True,
                now=now,
            )
    if refusal is not None:
        raise refusal
    return order


@transaction.atomic
def order_cancel(*, order: Order, by: User | None, reason: str) -> Order:
    """any open state → cancelled; locks the order, then the stock rows, then its pickup slot;
    releases every reservation, cancels a pending transfer and frees the slot's place; queues
    the payment void and the message. by=None is the shopper (or the system)."""
    reason = _reason_clean(reason)
    now = timezone.now()
    order = order_lock(order.pk)
    ensure_transition(order, "cancel", by)
    return _cancel_locked(order, by, reason, now)


@transaction.atomic
def order_expire(*, order_id: int, now: datetime.datetime | None = None) -> Order:
    """ready_for_pickup → expired once the hold is over; locks the order, then the stock rows;
    releases the reservations; queues the payment void and the message."""
    now = now or timezone.now()
    order = order_lock(order_id)
    ensure_transition(order, "expire", None)
    if order.hold_until is not None and order.hold_until > now:
        raise HoldNotOver()
    lines = _lines(order)
    _release_everything(order, lines, None, f"order {order.number} not collected")
    order.expire(now=now)
    order.save()
    history_add(
        order=order, transition="expire", source=Order.State.READY_FOR_PICKUP, actor=None, at=now
    )
    _void_payment(order, now)
    notification_queue(
        customer=order.customer,
        template="expired",
        key=f"expired:{order.number}",
        order=order,
        channels=order.notify_channels,
        now=now,
    )
    return order


@transaction.atomic
def order_remind(*, order_id: int, now: datetime.datetime | None = None) -> Order:
    """No transition: once the reminder is due, stamps it on the locked order and queues the
    reminder message; nothing when not due or already sent."""
    now = now or timezone.now()
    order = order_lock(order_id)
    due = order.reminder_due_at is not None and order.reminder_due_at <= now
    if order.state != Order.State.READY_FOR_PICKUP or not due or order.reminder_sent_at:
        return order
    order.reminder_sent_at = now
    order.save(update_fields=["reminder_sent_at"])
    notification_queue(
        customer=order.customer,
        template="reminder",
        key=f"reminder:{order.number}:v{order.pickup_code_version}",
        order=order,
        channels=order.notify_channels,
        now=now,
    )
    return order


@transaction.atomic
def order_source(*, order_id: int, now: datetime.datetime | None = None) -> Order:
    """No transition (stays sourcing): reserves the missing units at the nearest store that has
    them all and requests a transfer to the pickup store; locks the order, then that store's stock
    rows; queues the message with the new ready-by time. With no store having them it tries again
    later and cancels after ORDER_SOURCING_GIVE_UP_HOURS."""
    now = now or timezone.now()
    order = order_lock(order_id)
    if order.state != Order.State.SOURCING or order.sourcing_transfer_id is not None:
        return order
    lines = [line for line in _lines(order) if line.quantity_sourcing > 0]
    store = order.pickup_store
    candidates = availability_for_lines(
        lines=[(line.product_id, line.quantity_sourcing) for line in lines],
        latitude=store.latitude,
        longitude=store.longitude,
        limit=1,
        exclude_store_id=store.pk,
        # A store that said it cannot send is not asked again for this order.
        exclude_store_ids=transfer_source_ids_refused(reference=f"order:{order.number}"),
        now=now,
    )
    transfer = None
    if candidates:
        try:
            transfer = transfer_request(
                source_store_id=candidates[0].store.pk,
                destination_store_id=store.pk,
                requests=[
                    StockRequest(
                        line.product_id, line.quantity_sourcing, line.reservation_reference
                    )
                    for line in lines
                ],
                reference=f"order:{order.number}",
            )
        except inventory_errors.InsufficientStock:
            transfer = None
    if transfer is None:
        started = order.sourcing_started_at or order.placed_at
        if now - started >= datetime.timedelta(hours=settings.ORDER_SOURCING_GIVE_UP_HOURS):
            return _cancel_locked(order, None, "out_of_stock", now)
        order.sourcing_due_at = now + datetime.timedelta(
            minutes=settings.ORDER_SOURCING_RETRY_MINUTES
        )
        order.save(update_fields=["sourcing_due_at"])
        return order
    order.sourcing_transfer = transfer
    order.sourcing_due_at = None
    order.ready_by = store_ready_by(store=store, now=now, via_transfer=True)
    order.attention_reason, order.attention_since = "", None
    order.save(
        update_fields=[
            "sourcing_transfer",
            "sourcing_due_at",
            "ready_by",
            "attention_reason",
            "attention_since",
        ]
    )
    notification_queue(
        customer=order.customer,
        template="sourcing",
        key=f"sourcing:{order.number}:{transfer.pk}",
        order=order,
        channels=order.notify_channels,
        context={"source_store": candidates[0].store.name},
        now=now,
    )
    return order


@transaction.atomic
def order_complete_sourcing(
    *, order_id: int, now: datetime.datetime | None = None, by: User | None = None
) -> Order:
    """sourcing → reserved once the transfer was received at the pickup store (its units are then
    reserved there under the order lines' references); locks the order; queues the shopper's
    message when the ready-by time changes. `by`: the clerk who received it, for the history."""
    now = now or timezone.now()
    order = order_lock(order_id)
    if order.state != Order.State.SOURCING:
        raise InvalidTransition(
            f"An order in state {order.state} is not waiting for a transfer.",
            state=order.state,
            transition="reserve",
        )
    ensure_transition(order, "reserve", None)
    transfer = order.sourcing_transfer
    if transfer is None or transfer.state != Transfer.State.RECEIVED:
        raise TransferNotReceived()
    OrderLine.objects.filter(order=order).update(quantity_sourcing=0)
    source = order.state
    promised = order.ready_by
    order.reserve(
        now=now, ready_by=store_ready_by(store=order.pickup_store, now=now, via_transfer=False)
    )
    order.save()
    history_add(order=order, transition="reserve", source=source, actor=by, at=now)
    if _minute(order.ready_by) != _minute(promised):
        notification_queue(
            customer=order.customer,
            template="ready_by_changed",
            key=f"ready-by:{order.number}:{transfer.pk}",
            order=order,
            channels=order.notify_channels,
            now=now,
        )
    return order


def _minute(value: datetime.datetime | None) -> datetime.datetime | None:
    return value.replace(second=0, microsecond=0) if value is not None else None
