"""Payment calls: authorize at order, capture at hand-over, void at cancel or expiry, refund.

Services record a payment call as a `SideEffect` outbox row; its delivery runs the handler of its
kind with no transaction open during the gateway call, and the row's idempotency key goes to the
gateway, so a repeated call does not charge twice. Orders registers the authorize handler (a
decline cancels the order); capture, void and refund are registered here.
"""

import datetime
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.db import insert_unless_exists
from outbox.models import OutboxStatus
from outbox.services import (
    TransientDeliveryError,
    outbox_claim,
    outbox_record_done,
    outbox_record_failure,
    outbox_row_enqueue,
)
from payments.exceptions import InvalidAmount, InvalidPaymentInput, PaymentNotRefundable
from payments.gateways import PaymentDeclined, PaymentUnavailable, payment_gateway
from payments.models import Payment, SepaMandate, SideEffect
from payments.sepa import CleanSepa, mandate_reference, mandate_text

if TYPE_CHECKING:
    from orders.models import Order

logger = logging.getLogger(__name__)

REFUND_REFERENCE_MAX_LENGTH = 40

Handler = Callable[[SideEffect], None]
_handlers: dict[str, Handler] = {}


def payment_handler_register(kind: str, handler: Handler) -> None:
    """The function that performs payment calls of `kind` from their outbox row."""
    _handlers[kind] = handler


def side_effect_add(
    *,
    order: "Order",
    kind: str,
    key: str,
    payload: dict | None = None,
    now: datetime.datetime | None = None,
) -> SideEffect:
    """Records a payment call for after commit and queues its delivery. Idempotent by key."""
    side_effect = SideEffect(
        idempotency_key=key,
        order=order,
        kind=kind,
        payload=payload or {},
        next_attempt_at=now or timezone.now(),
    )
    # One INSERT that yields to a row of the same key, instead of get_or_create's savepoint.
    if not insert_unless_exists(side_effect):
        return SideEffect.objects.get(idempotency_key=key)
    outbox_row_enqueue(side_effect)
    return side_effect


def side_effect_perform(side_effect_id: int, *, now: datetime.datetime | None = None) -> str:
    """pending → done (or failed); claims the row, calls the provider with no transaction open,
    records the outcome. Raises TransientDeliveryError when the provider failed for now and the
    row has attempts left."""
    claim = outbox_claim(SideEffect, side_effect_id, now)
    if claim is None:
        return (
            SideEffect.objects.filter(pk=side_effect_id).values_list("status", flat=True).first()
            or "missing"
        )
    side_effect = SideEffect.objects.get(pk=claim.row_id)
    try:
        _handlers[side_effect.kind](side_effect)
    except TransientDeliveryError as error:
        return outbox_record_failure(SideEffect, claim, error)
    outbox_record_done(SideEffect, claim, status=OutboxStatus.DONE, done_at=timezone.now())
    return OutboxStatus.DONE


def _payment(side_effect: SideEffect) -> Payment:
    return Payment.objects.select_related("order").get(order_id=side_effect.order_id)


def payment_authorize(side_effect: SideEffect, *, on_declined: Callable[[Payment], None]) -> None:
    """pending → authorized or declined; `on_declined` runs in the transaction that records a
    decline (orders cancels the order there)."""
    payment = _payment(side_effect)
    if payment.state != Payment.State.PENDING:
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
            on_declined(locked)
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
    """authorized → voided; a payment never authorized, or a direct debit never submitted, is
    voided without asking the gateway."""
    payment = _payment(side_effect)
    if payment.state == Payment.State.MANDATED:
        Payment.objects.filter(pk=payment.pk, state=Payment.State.MANDATED).update(
            state=Payment.State.VOIDED, updated_at=timezone.now()
        )
        return
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


def sepa_mandate_add(
    *, order: "Order", sepa: CleanSepa, language: str, now: datetime.datetime
) -> SepaMandate:
    """No transition, in the caller's transaction: records the order's direct debit payment
    (mandated: nothing is debited before hand-over) and the mandate with the exact text the
    shopper accepted and its reference. Queues nothing."""
    gateway = payment_gateway()
    Payment.objects.create(
        order=order,
        amount=order.total,
        currency=order.currency,
        gateway=getattr(gateway, "name", "") or "gateway",
        state=Payment.State.MANDATED,
    )
    return SepaMandate.objects.create(
        order=order,
        reference=mandate_reference(order.number),
        iban=sepa.iban,
        bic=sepa.bic,
        account_holder=sepa.account_holder,
        creditor_id=settings.SEPA_CREDITOR_ID,
        text=mandate_text(language=language),
        language=language,
        accepted_at=now,
    )


def payment_debit(side_effect: SideEffect) -> None:
    """mandated → submitted, or → returned when the bank refuses the debit; for the order's total
    after any shortage, under the mandate's reference. Orders calls it only for a collected
    order (orders.services.payments)."""
    payment = _payment(side_effect)
    if payment.state != Payment.State.MANDATED:
        return
    mandate = SepaMandate.objects.get(order_id=payment.order_id)
    amount = min(payment.order.total, payment.amount)
    try:
        result = payment_gateway().debit(
            amount=amount,
            currency=payment.currency,
            iban=mandate.iban,
            account_holder=mandate.account_holder,
            mandate_reference=mandate.reference,
            mandate_signed_at=mandate.accepted_at,
            idempotency_key=side_effect.idempotency_key,
        )
    except PaymentUnavailable as error:
        raise TransientDeliveryError(str(error)) from error
    except PaymentDeclined as returned:
        Payment.objects.filter(pk=payment.pk, state=Payment.State.MANDATED).update(
            state=Payment.State.RETURNED,
            decline_reason=str(returned)[:200],
            updated_at=timezone.now(),
        )
        logger.warning("direct debit of order %s returned: %s", payment.order.number, returned)
        return
    Payment.objects.filter(pk=payment.pk, state=Payment.State.MANDATED).update(
        state=Payment.State.SUBMITTED,
        amount_captured=amount,
        provider_reference=result.reference,
        updated_at=timezone.now(),
    )


@transaction.atomic
def payment_refund(*, order: "Order", amount: Decimal, reference: str) -> SideEffect:
    """No order transition: queues a refund of part or all of the captured card payment, once per
    `reference` (e.g. the return case's number); locks the payment row. With the capture still in
    the outbox (the gateway slow or down) the refund is queued against what it will capture, and
    goes out after it."""
    reference = (reference or "").strip()
    if not reference or len(reference) > REFUND_REFERENCE_MAX_LENGTH:
        raise InvalidPaymentInput(
            "Name what the refund is for.",
            fields={"reference": [f"1 to {REFUND_REFERENCE_MAX_LENGTH} characters."]},
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
    captured = _captured_or_capturing(payment, order)
    if captured is None:
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
    refundable = captured - payment.amount_refunded - pending
    if not Decimal("0.00") < amount <= refundable:
        raise InvalidAmount(fields={"amount": [f"Between 0.01 and {refundable}."]})
    return side_effect_add(
        order=order,
        kind=SideEffect.Kind.PAYMENT_REFUND,
        key=key,
        payload={"amount": str(amount)},
    )


def _captured_or_capturing(payment: Payment | None, order: "Order") -> Decimal | None:
    """What the card payment captured, or, with its capture still in the outbox, what that
    will capture; None when there is nothing to refund from."""
    if payment is None:
        return None
    if payment.state in (Payment.State.CAPTURED, Payment.State.REFUNDED):
        return payment.amount_captured
    capturing = SideEffect.objects.filter(
        order=order, kind=SideEffect.Kind.PAYMENT_CAPTURE, status=OutboxStatus.PENDING
    ).exists()
    if payment.state in (Payment.State.PENDING, Payment.State.AUTHORIZED) and capturing:
        return min(order.total, payment.amount)
    return None


def payment_refund_perform(side_effect: SideEffect) -> None:
    """captured → refunded (when all of it is refunded); adds the amount to what was refunded.
    Waits (a transient failure, retried) while the capture has not gone out yet."""
    payment = _payment(side_effect)
    if payment.state in (Payment.State.PENDING, Payment.State.AUTHORIZED):
        raise TransientDeliveryError("the capture has not completed yet")
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
