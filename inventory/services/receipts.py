"""Receipts, counts and returns: the writes that change what a store has on hand outside orders
and transfers."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now

from inventory.exceptions import CountBelowReserved, InvalidQuantity, StockOutOfBalance
from inventory.models import StockLevel, StockMovement
from inventory.services.common import (
    MAX_COUNTED,
    MAX_DELIVERY_LINES,
    Kind,
    User,
    _actor_id,
    _on_hand_add,
    _products_check,
    _quantity_check,
    _reason_check,
    _reference_check,
    _stock_levels_lock,
    _store_check,
)


@dataclass(frozen=True)
class DeliveryLine:
    """One line of a delivery: units of a product that arrived."""

    product_id: int
    quantity: int


def stock_receive(
    *,
    store_id: int,
    product_id: int,
    quantity: int,
    actor: User | None = None,
    reason: str = "",
    reference: str = "",
) -> StockLevel:
    """Goods arrive: on_hand += quantity; locks the stock row (creating it); queues nothing."""
    return stock_receive_delivery(
        store_id=store_id,
        lines=[DeliveryLine(product_id, quantity)],
        actor=actor,
        reason=reason,
        reference=reference,
    )[product_id]


def stock_receive_delivery(
    *,
    store_id: int,
    lines: Sequence[DeliveryLine],
    actor: User | None = None,
    reason: str = "",
    reference: str = "",
) -> dict[int, StockLevel]:
    """A delivery with several lines arrives: on_hand += each line's units, all lines or none
    (every line is checked before anything is written; lines of one product add up); locks the
    stock rows in id order (creating the missing ones); queues nothing. Product id -> level."""
    if not lines:
        raise InvalidQuantity("Give at least one line.", fields={"lines": ["Give a line."]})
    if len(lines) > MAX_DELIVERY_LINES:
        raise InvalidQuantity(
            f"At most {MAX_DELIVERY_LINES} lines.", fields={"lines": ["Too many lines."]}
        )
    totals: dict[int, int] = defaultdict(int)
    for index, line in enumerate(lines):
        field = "quantity" if len(lines) == 1 else f"lines[{index}].quantity"
        _quantity_check(line.quantity, field=field)
        totals[line.product_id] += line.quantity
    for product_id, total in totals.items():
        _quantity_check(total, field=f"product {product_id}")
    reason = _reason_check(reason, required=False)
    _reference_check(reference, blank=True)
    actor_id = _actor_id(actor)
    with transaction.atomic():
        _store_check(store_id)
        _products_check(totals, active_only=False)
        levels = _stock_levels_lock(store_id=store_id, product_ids=totals)
        _on_hand_add(
            levels,
            totals,
            kind=Kind.RECEIPT,
            reference=reference,
            reason=reason,
            actor_id=actor_id,
        )
        received = StockLevel.objects.in_bulk([level.pk for level in levels.values()])
    return {level.product_id: level for level in received.values()}


def stock_count_correct(
    *, store_id: int, product_id: int, counted: int, actor: User | None = None, reason: str
) -> StockLevel:
    """A physical count sets on_hand (the difference goes to the ledger as an adjustment); locks
    the stock row (creating it); refuses a count below what orders hold; queues nothing."""
    _quantity_check(counted, field="counted", minimum=0, maximum=MAX_COUNTED)
    reason = _reason_check(reason, required=True)
    with transaction.atomic():
        _store_check(store_id)
        _products_check([product_id], active_only=False)
        level = _stock_levels_lock(store_id=store_id, product_ids=[product_id])[product_id]
        if counted < level.reserved:
            message = (
                f"Counted {counted}, but {level.reserved} are reserved for orders; "
                "release or hand over those first."
            )
            raise CountBelowReserved(message, fields={"counted": [message]})
        difference = counted - level.on_hand
        if difference:
            updated = StockLevel.objects.filter(
                pk=level.pk, on_hand=level.on_hand, reserved__lte=counted
            ).update(on_hand=counted, updated_at=Now())
            if updated != 1:
                raise StockOutOfBalance(f"Stock level {level.pk} changed while it was locked.")
            StockMovement.objects.create(
                stock_level=level,
                kind=Kind.ADJUSTMENT,
                on_hand_delta=difference,
                reason=reason,
                actor_id=_actor_id(actor),
            )
            level.refresh_from_db()
    return level


def stock_return(
    *,
    store_id: int,
    product_id: int,
    quantity: int,
    resellable: bool,
    actor: User | None = None,
    reference: str = "",
) -> StockLevel:
    """A returned item comes back: resellable units go on hand; defective ones are recorded as
    returned and written off at once, so they are never available; locks the stock row."""
    _quantity_check(quantity)
    _reference_check(reference, blank=True)
    with transaction.atomic():
        _store_check(store_id)
        _products_check([product_id], active_only=False)
        level = _stock_levels_lock(store_id=store_id, product_ids=[product_id])[product_id]
        actor_id = _actor_id(actor)
        movements = [
            StockMovement(
                stock_level=level,
                kind=Kind.RETURN,
                on_hand_delta=quantity,
                reference=reference,
                reason="resellable" if resellable else "defective",
                actor_id=actor_id,
            )
        ]
        if resellable:
            StockLevel.objects.filter(pk=level.pk).update(
                on_hand=F("on_hand") + quantity, updated_at=Now()
            )
        else:
            movements.append(
                StockMovement(
                    stock_level=level,
                    kind=Kind.WRITE_OFF,
                    on_hand_delta=-quantity,
                    reference=reference,
                    reason="defective return",
                    actor_id=actor_id,
                )
            )
        StockMovement.objects.bulk_create(movements)
        level.refresh_from_db()
    return level
