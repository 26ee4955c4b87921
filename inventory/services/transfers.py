"""Transfers between stores: request (reserved at the source), ship, receive (held at the
destination under each line's reference) and cancel."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django_fsm import can_proceed

from inventory.exceptions import (
    InvalidTransferState,
    ReservationNotHeld,
    StockOutOfBalance,
    TransferToSameStore,
    UnknownTransfer,
)
from inventory.models import Reservation, StockLevel, StockMovement, Transfer, TransferLine
from inventory.services.common import (
    Kind,
    StockRequest,
    User,
    _actor_id,
    _is_int,
    _on_hand_add,
    _reference_check,
    _requests_check,
    _reservations_close,
    _stock_levels_lock,
    _store_check,
)
from inventory.services.reservations import stock_reserve


def _transfer_lock(transfer_id: object) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("source_store", "destination_store")
        .filter(pk=transfer_id)
        .first()
        if _is_int(transfer_id)
        else None
    )
    if transfer is None:
        raise UnknownTransfer(fields={"transfer_id": [f"No transfer with id {transfer_id!r}."]})
    return transfer


def _transfer_reference(transfer_id: int) -> str:
    return f"transfer:{transfer_id}"


def transfer_request(
    *,
    source_store_id: int,
    destination_store_id: int,
    requests: Sequence[StockRequest],
    reference: str,
    actor: User | None = None,
) -> Transfer:
    """→ requested; reserves the lines at the source under "transfer:<id>" (stock_reserve's locks);
    each line keeps its request's reference for the destination; queues nothing."""
    _reference_check(reference)
    requests = _requests_check(requests)
    if source_store_id == destination_store_id:
        raise TransferToSameStore(fields={"destination_store_id": ["Same as the source store."]})
    # Two requests for the same product and reference are one line of their sum.
    lines: dict[tuple[int, str], int] = defaultdict(int)
    for request in requests:
        lines[(request.product_id, request.reference)] += request.quantity

    with transaction.atomic():
        _store_check(source_store_id, active_only=True)
        _store_check(destination_store_id, active_only=True)
        transfer = Transfer.objects.create(
            source_store_id=source_store_id,
            destination_store_id=destination_store_id,
            reference=reference,
        )
        transfer_reference = _transfer_reference(transfer.pk)
        stock_reserve(
            store_id=source_store_id,
            requests=[
                StockRequest(product_id=product_id, quantity=quantity, reference=transfer_reference)
                for (product_id, _), quantity in lines.items()
            ],
            actor=actor,
        )
        TransferLine.objects.bulk_create(
            [
                TransferLine(
                    transfer=transfer,
                    product_id=product_id,
                    quantity=quantity,
                    reference=line_reference,
                )
                for (product_id, line_reference), quantity in lines.items()
            ]
        )
    return transfer


def _transition_check(transfer: Transfer, transition_name: str) -> None:
    if not can_proceed(getattr(transfer, transition_name)):
        raise InvalidTransferState(
            f"A transfer that is {transfer.state.replace('_', ' ')} cannot {transition_name}."
        )


def _line_totals(lines: Iterable[TransferLine]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for line in lines:
        totals[line.product_id] += line.quantity
    return dict(totals)


def transfer_ship(*, transfer_id: int, actor: User | None = None) -> Transfer:
    """requested → in_transit: the reserved units leave the source; locks the transfer, its
    reservations, then the source's stock rows in id order; queues nothing."""
    with transaction.atomic():
        transfer = _transfer_lock(transfer_id)
        _transition_check(transfer, "ship")
        expected = _line_totals(transfer.lines.all())
        shipped = _reservations_close(
            reference=_transfer_reference(transfer.pk),
            consume=True,
            kind=Kind.TRANSFER_OUT,
            reason=f"to store {transfer.destination_store.code}",
            actor=actor,
        )
        shipped_totals: dict[int, int] = defaultdict(int)
        for reservation in shipped:
            shipped_totals[reservation.stock_level.product_id] += reservation.quantity
        if dict(shipped_totals) != expected:
            raise ReservationNotHeld(
                "The stock reserved for this transfer at the source is no longer held."
            )
        transfer.ship(now=timezone.now())
        transfer.save()
    return transfer


def transfer_receive(*, transfer_id: int, actor: User | None = None) -> Transfer:
    """in_transit → received: the units arrive at the destination and are held there under each
    line's reference; locks the transfer, then the destination's stock rows in id order."""
    with transaction.atomic():
        transfer = _transfer_lock(transfer_id)
        _transition_check(transfer, "receive")
        lines = list(transfer.lines.order_by("pk"))
        totals = _line_totals(lines)
        levels = _stock_levels_lock(store_id=transfer.destination_store_id, product_ids=totals)
        for level in sorted(levels.values(), key=lambda level: level.pk):
            quantity = totals[level.product_id]
            updated = StockLevel.objects.filter(pk=level.pk).update(
                on_hand=F("on_hand") + quantity,
                reserved=F("reserved") + quantity,
                updated_at=Now(),
            )
            if updated != 1:
                raise StockOutOfBalance(f"Stock level {level.pk} vanished while it was locked.")

        transfer_reference = _transfer_reference(transfer.pk)
        actor_id = _actor_id(actor)
        movements = []
        for line in lines:
            level = levels[line.product_id]
            movements += [
                StockMovement(
                    stock_level=level,
                    kind=Kind.TRANSFER_IN,
                    on_hand_delta=line.quantity,
                    reference=transfer_reference,
                    reason=f"from store {transfer.source_store.code}",
                    actor_id=actor_id,
                ),
                StockMovement(
                    stock_level=level,
                    kind=Kind.RESERVE,
                    reserved_delta=line.quantity,
                    reference=line.reference,
                    reason=f"arrived by {transfer_reference}",
                    actor_id=actor_id,
                ),
            ]
        Reservation.objects.bulk_create(
            [
                Reservation(
                    stock_level=levels[line.product_id],
                    quantity=line.quantity,
                    reference=line.reference,
                )
                for line in lines
            ]
        )
        StockMovement.objects.bulk_create(movements)
        transfer.receive(now=timezone.now())
        transfer.save()
    return transfer


def transfer_cancel(
    *,
    transfer_id: int,
    actor: User | None = None,
    reason: str = "",
    requested_only: bool = False,
) -> Transfer:
    """requested / in_transit → cancelled: a requested transfer releases its hold at the source;
    one in transit puts its units back on hand at the source; locks the transfer, then the
    source's reservations and stock rows in id order; queues nothing. `requested_only`: the
    sending store cannot send, which makes no sense once the units left."""
    with transaction.atomic():
        transfer = _transfer_lock(transfer_id)
        _transition_check(transfer, "cancel")
        if requested_only and transfer.state != Transfer.State.REQUESTED:
            raise InvalidTransferState(
                f"A transfer that is {transfer.state.replace('_', ' ')} was already sent."
            )
        transfer_reference = _transfer_reference(transfer.pk)
        if transfer.state == Transfer.State.REQUESTED:
            _reservations_close(
                reference=transfer_reference,
                consume=False,
                kind=Kind.RELEASE,
                reason="transfer cancelled",
                actor=actor,
            )
        else:
            totals = _line_totals(transfer.lines.all())
            levels = _stock_levels_lock(store_id=transfer.source_store_id, product_ids=totals)
            _on_hand_add(
                levels,
                totals,
                kind=Kind.TRANSFER_IN,
                reference=transfer_reference,
                reason="transfer cancelled in transit: back at the source",
                actor_id=_actor_id(actor),
            )
        transfer.cancel(now=timezone.now(), reason=reason[:200])
        transfer.save()
    return transfer
