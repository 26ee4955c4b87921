"""Transfers as the stores run them for a pickup order (ship-to-store): the sending store ships
or says it cannot send, the receiving store receives, and the order moves on.

Locks are always taken order → transfer → stock rows (the order of order_source and
order_cancel), so none of these deadlocks against a cancel or a sourcing run.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from inventory.models import Transfer
from inventory.services import transfer_cancel, transfer_receive, transfer_ship
from orders.exceptions import InvalidOrderInput, TransferNotFound, TransitionNotPermitted
from orders.models import Order
from orders.services.common import User, order_lock
from orders.services.lifecycle import order_complete_sourcing, order_source
from stores.roles import user_works_at

# What the hotline's "needs attention" list shows for an order, by code.
ATTENTION_TRANSFER_NOT_SENT = "transfer_not_sent"
REFUSAL_REASON_MAX = 200


def _transfer(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise TransferNotFound()
    return transfer


def _staff_of(user: User, store_id: int) -> None:
    if not user_works_at(user, store_id):
        raise TransitionNotPermitted("Only the staff of this store may do this to the transfer.")


def _order_locked(transfer: Transfer) -> Order | None:
    order_id = (
        Order.objects.filter(sourcing_transfer_id=transfer.pk).values_list("pk", flat=True).first()
    )
    if order_id is None:
        return None
    order = order_lock(order_id)
    # Re-read under the lock: only the order's current transfer moves it on.
    return order if order.sourcing_transfer_id == transfer.pk else None


@transaction.atomic
def order_transfer_ship(*, transfer_id: int, by: User) -> Transfer:
    """requested → in_transit, by the sending store's staff once the units are picked; locks the
    transfer, then the source's stock rows (inventory.services.transfer_ship); queues nothing."""
    transfer = _transfer(transfer_id)
    _staff_of(by, transfer.source_store_id)
    return transfer_ship(transfer_id=transfer.pk, actor=by)


@transaction.atomic
def order_transfer_receive(
    *, transfer_id: int, by: User, now: datetime.datetime | None = None
) -> Transfer:
    """in_transit → received, by the receiving store's staff: the units are reserved there for the
    order, which goes sourcing → reserved (ready to pick); locks the order, the transfer, then the
    destination's stock rows; queues the shopper's message when the ready-by time changes."""
    now = now or timezone.now()
    transfer = _transfer(transfer_id)
    _staff_of(by, transfer.destination_store_id)
    order = _order_locked(transfer)
    transfer = transfer_receive(transfer_id=transfer.pk, actor=by)
    if order is not None and order.state == Order.State.SOURCING:
        order_complete_sourcing(order_id=order.pk, now=now, by=by)
    return transfer


@transaction.atomic
def order_transfer_refuse(
    *, transfer_id: int, by: User, reason: str, now: datetime.datetime | None = None
) -> Transfer:
    """requested → cancelled, by the sending store's staff when they cannot send (the shelf is
    short): the hold at the source is released and the order is sourced again from another store
    (never this one); with no store having it, the order is flagged to the hotline. Locks the
    order, the transfer, then stock rows; queues the shopper's message with a new ready-by time
    when another store sends it."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidOrderInput("Give a reason.", fields={"reason": ["Give a reason."]})
    if len(reason) > REFUSAL_REASON_MAX:
        raise InvalidOrderInput("At most 200 characters.", fields={"reason": ["Too long."]})
    transfer = _transfer(transfer_id)
    _staff_of(by, transfer.source_store_id)
    order = _order_locked(transfer)
    transfer = transfer_cancel(
        transfer_id=transfer.pk, actor=by, reason=reason, requested_only=True
    )
    if order is None or order.state != Order.State.SOURCING:
        return transfer
    order.sourcing_transfer = None
    order.sourcing_due_at = now
    order.save(update_fields=["sourcing_transfer", "sourcing_due_at"])
    order = order_source(order_id=order.pk, now=now)
    if order.state == Order.State.SOURCING and order.sourcing_transfer_id is None:
        order.attention_reason = ATTENTION_TRANSFER_NOT_SENT
        order.attention_since = now
        order.save(update_fields=["attention_reason", "attention_since"])
    return transfer
