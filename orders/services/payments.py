"""Payment side effects: authorize at order, capture at hand-over, void at cancel or expiry.

Each runs from its outbox row with no transaction open during the gateway call; the row's
idempotency key goes to the gateway, so a repeated call does not charge twice.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.exceptions import InvalidAmount, InvalidOrderInput, PaymentNotRefundable
from orders.models import Order, OutboxStatus, Payment, SideEffect
from orders.payments import PaymentDeclined, PaymentUnavailable, payment_gateway
from orders.services.outbox import TransientDeliveryError, side_effect_add

logger = logging.getLogger(__name__)


def _payment(side_effect: SideEffect) -> Payment:
    return Payment.objects.select_related("order").get(order_id=side_effect.order_id)


def payment_authorize(side_effect: SideEffect) -> None:
    """pending → authorized or declined; a decline cancels the order and releases its stock."""
    from orders.services.lifecycle import order_cancel

    payment = _payment(side_effect)
    if payment.state != Payment.State.PENDING:
        return
    if payment.order.state in (Order.State.CANCELLED, Order.State.EXPIRED):
        # The cancellation's void marks a never-authorized payment voided.
        return
    gateway = payment_gateway()
    try:
        result = gateway.authorize(
            amount=payment.amount,
            currency=payment.currency,
            order_number=payment.order.number,
            idempotency_key=side_effect.idempotency_key,
        )
    except PaymentUnavailable as error:
        raise TransientDeliveryError(str(error)) from error
    except PaymentDeclined as declined:
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            if locked.state == Payment.State.PENDING:
                locked.state = Payment.State.DECLINED
                locked.decline_reason = str(declined)[:200]
                locked.save(update_fields=["state", "decline_reason", "updated_at"])
            order = Order.objects.get(pk=payment.order_id)
            if order.state in Order.OPEN_STATES:
                order_cancel(order=order, by=None, reason="payment_declined")
        return
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.state == Payment.State.PENDING:
            locked.state = Payment.State.AUTHORIZED
            locked.provider_reference = result.reference
            locked.save(update_fields=["state", "provider_reference", "updated_at"])


def payment_capture(side_effect: SideEffect) -> None:
    """authorized → captured, for the order's total after any shortage."""
    payment = _payment(side_effect)
    if payment.state == Payment.State.PENDING:
        raise TransientDeliveryError("the authorization has not completed yet")
    if payment.state != Payment.State.AUTHORIZED:
        return
    amount = min(payment.order.total, payment.amount)
    try:
        payment_gateway().capture(
            reference=payment.provider_reference,
            amount=amount,
            currency=payment.currency,
            idempotency_key=side_effect.idempotency_key,
        )
    except (PaymentUnavailable, PaymentDeclined) as error:
        raise TransientDeliveryError(str(error)) from error
    Payment.objects.filter(pk=payment.pk, state=Payment.State.AUTHORIZED).update(
        state=Payment.State.CAPTURED, amount_captured=amount, updated_at=timezone.now()
    )


def payment_void(side_effect: SideEffect) -> None:
    """authorized → voided; a payment never authorized is voided without asking the gateway."""
    payment = _payment(side_effect)
    if payment.state == Payment.State.PENDING:
        with transaction.atomic():
            # Locks the authorization's outbox row: a sender claims it under the same lock, so
            # either it is in flight (wait for it) or it never starts.
            authorizations = list(
                SideEffect.objects.select_for_update().filter(
                    order_id=payment.order_id,
                    kind=SideEffect.Kind.PAYMENT_AUTHORIZE,
                    status=OutboxStatus.PENDING,
                )
            )
            now = timezone.now()
            if any(row.claimed_until and row.claimed_until > now for row in authorizations):
                raise TransientDeliveryError("an authorization is in flight")
            SideEffect.objects.filter(pk__in=[row.pk for row in authorizations]).update(
                status=OutboxStatus.DONE, last_error="skipped: order cancelled"
            )
            updated = Payment.objects.filter(pk=payment.pk, state=Payment.State.PENDING).update(
                state=Payment.State.VOIDED, updated_at=now
            )
        if updated:
            return
        payment.refresh_from_db()
    if payment.state != Payment.State.AUTHORIZED:
        return
    try:
        payment_gateway().void(
            reference=payment.provider_reference, idempotency_key=side_effect.idempotency_key
        )
    except (PaymentUnavailable, PaymentDeclined) as error:
        raise TransientDeliveryError(str(error)) from error
    Payment.objects.filter(pk=payment.pk, state=Payment.State.AUTHORIZED).update(
        state=Payment.State.VOIDED, updated_at=timezone.now()
    )


@transaction.atomic
def payment_refund(*, order: Order, amount: Decimal, reference: str) -> SideEffect:
    """No order transition: queues a refund of part or all of the captured card payment, once per
    `reference` (e.g. the return case's number); locks the payment row."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 40:
        raise InvalidOrderInput(
            "Name what the refund is for.", fields={"reference": ["1 to 40 characters."]}
        )
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as error:
        raise InvalidAmount(fields={"amount": ["Not a number."]}) from error
    key = f"refund:{order.number}:{reference}"
    existing = SideEffect.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    payment = Payment.objects.select_for_update().filter(order=order).first()
    if payment is None or payment.state not in (Payment.State.CAPTURED, Payment.State.REFUNDED):
        raise PaymentNotRefundable()
    pending = sum(
        (
            Decimal(row.payload["amount"])
            for row in SideEffect.objects.filter(
                order=order, kind=SideEffect.Kind.PAYMENT_REFUND, status=OutboxStatus.PENDING
            )
        ),
        Decimal("0.00"),
    )
    refundable = payment.amount_captured - payment.amount_refunded - pending
    if not Decimal("0.00") < amount <= refundable:
        raise InvalidAmount(fields={"amount": [f"Between 0.01 and {refundable}."]})
    return side_effect_add(
        order=order,
        kind=SideEffect.Kind.PAYMENT_REFUND,
        key=key,
        payload={"amount": str(amount)},
    )


def payment_refund_perform(side_effect: SideEffect) -> None:
    """captured → refunded (when all of it is refunded); adds the amount to what was refunded."""
    payment = _payment(side_effect)
    amount = Decimal(side_effect.payload["amount"])
    try:
        payment_gateway().refund(
            reference=payment.provider_reference,
            amount=amount,
            currency=payment.currency,
            idempotency_key=side_effect.idempotency_key,
        )
    except (PaymentUnavailable, PaymentDeclined) as error:
        raise TransientDeliveryError(str(error)) from error
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        locked.amount_refunded = F("amount_refunded") + amount
        locked.save(update_fields=["amount_refunded", "updated_at"])
        locked.refresh_from_db()
        if locked.amount_refunded == locked.amount_captured:
            locked.state = Payment.State.REFUNDED
            locked.save(update_fields=["state", "updated_at"])


PAYMENT_HANDLERS = {
    SideEffect.Kind.PAYMENT_AUTHORIZE: payment_authorize,
    SideEffect.Kind.PAYMENT_CAPTURE: payment_capture,
    SideEffect.Kind.PAYMENT_VOID: payment_void,
    SideEffect.Kind.PAYMENT_REFUND: payment_refund_perform,
}
