"""What every stock service shares: the limits of input, validation, the stock-row lock and
closing reservations (release, consume, ship and cancel a transfer)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from inventory.exceptions import (
    InvalidQuantity,
    InvalidReference,
    ReasonRequired,
    ReservationNotHeld,
    StockOutOfBalance,
    UnknownProduct,
    UnknownStore,
)
from inventory.models import Product, Reservation, StockLevel, StockMovement
from stores.models import Store

User = AbstractBaseUser | AnonymousUser

# One request or receipt larger than this is a typing error, not a real movement of goods.
MAX_QUANTITY = 10_000
# A counted stock level may be large (screws by the piece) but not absurd.
MAX_COUNTED = 1_000_000
# Lines in one delivery note entered at once.
MAX_DELIVERY_LINES = 100
REFERENCE_MAX_LENGTH = 64
REASON_MAX_LENGTH = 200

Kind = StockMovement.Kind


@dataclass(frozen=True)
class StockRequest:
    product_id: int
    quantity: int
    reference: str  # who the units are for, e.g. "order-line:42"


# --- validation ------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _quantity_check(
    value: object, *, field: str = "quantity", minimum: int = 1, maximum: int = MAX_QUANTITY
) -> int:
    if not _is_int(value) or not minimum <= value <= maximum:
        message = f"Must be a whole number from {minimum} to {maximum}; got {value!r}."
        raise InvalidQuantity(message, fields={field: [message]})
    return value


def _reference_check(value: object, *, field: str = "reference", blank: bool = False) -> str:
    if (
        not isinstance(value, str)
        or len(value) > REFERENCE_MAX_LENGTH
        or (not blank and not value.strip())
    ):
        message = f"Must be a non-empty text of at most {REFERENCE_MAX_LENGTH} characters."
        raise InvalidReference(message, fields={field: [message]})
    return value


def _reason_check(value: object, *, required: bool) -> str:
    if not isinstance(value, str) or len(value) > REASON_MAX_LENGTH:
        message = f"Must be a text of at most {REASON_MAX_LENGTH} characters."
        raise ReasonRequired(message, fields={"reason": [message]})
    if required and not value.strip():
        message = "Say why the stock changes (stock-taking, damage, theft, ...)."
        raise ReasonRequired(message, fields={"reason": [message]})
    return value.strip()


def _requests_check(requests: Sequence[StockRequest]) -> list[StockRequest]:
    requests = list(requests)
    if not requests:
        message = "At least one line is needed."
        raise InvalidQuantity(message, fields={"requests": [message]})
    for request in requests:
        if not _is_int(request.product_id):
            raise UnknownProduct(
                fields={"product_id": [f"Unknown product {request.product_id!r}."]}
            )
        _quantity_check(request.quantity)
        _reference_check(request.reference)
    return requests


def _actor_id(actor: User | None) -> int | None:
    if actor is None or not actor.is_authenticated:
        return None
    return actor.pk


def _store_check(store_id: object, *, active_only: bool = False) -> Store:
    store = Store.objects.filter(pk=store_id).first() if _is_int(store_id) else None
    if store is None or (active_only and not store.is_active):
        raise UnknownStore(fields={"store_id": [f"No active store with id {store_id!r}."]})
    return store


def _products_check(product_ids: Iterable[int], *, active_only: bool) -> dict[int, Product]:
    product_ids = set(product_ids)
    products = Product.objects.in_bulk(product_ids)
    missing = sorted(
        product_id
        for product_id in product_ids
        if product_id not in products or (active_only and not products[product_id].is_active)
    )
    if missing:
        raise UnknownProduct(
            fields={"product_id": [f"Unknown or discontinued product {pid}." for pid in missing]}
        )
    return products


# --- locking helpers -------------------------------------------------------------------------


def _stock_levels_lock(*, store_id: int, product_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Creates the missing rows of (store, product), then locks all of them in id order."""
    product_ids = set(product_ids)
    existing = set(
        StockLevel.objects.filter(store_id=store_id, product_id__in=product_ids).values_list(
            "product_id", flat=True
        )
    )
    # Created before anything is locked, so the locks below are still taken in id order.
    StockLevel.objects.bulk_create(
        [
            StockLevel(store_id=store_id, product_id=product_id)
            for product_id in sorted(product_ids - existing)
        ],
        ignore_conflicts=True,
    )
    levels = (
        StockLevel.objects.select_for_update(no_key=True)
        .filter(store_id=store_id, product_id__in=product_ids)
        .order_by("pk")
    )
    return {level.product_id: level for level in levels}


def _on_hand_add(
    levels: dict[int, StockLevel],
    totals: dict[int, int],
    *,
    kind: str,
    reference: str,
    reason: str,
    actor_id: int | None,
) -> None:
    """Goods arrive on locked stock rows (product id -> level): on_hand += each product's total,
    row by row in id order, and one movement of `kind` per product."""
    for level in sorted(levels.values(), key=lambda level: level.pk):
        StockLevel.objects.filter(pk=level.pk).update(
            on_hand=F("on_hand") + totals[level.product_id], updated_at=Now()
        )
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                stock_level=levels[product_id],
                kind=kind,
                on_hand_delta=quantity,
                reference=reference,
                reason=reason,
                actor_id=actor_id,
            )
            for product_id, quantity in totals.items()
        ]
    )


# --- closing reservations --------------------------------------------------------------------


def _reservations_close(
    *, reference: str, consume: bool, kind: str, reason: str, actor: User | None
) -> list[Reservation]:
    """Closes every held reservation of `reference`: consumed units also leave `on_hand`.

    Locks the reservations (id order), then updates their stock rows in id order. A second call
    for the same reference waits for the first and then finds nothing held: idempotent.
    """
    held = list(
        Reservation.objects.select_for_update(of=("self",))
        .select_related("stock_level")
        .filter(reference=reference, state=Reservation.State.HELD)
        .order_by("pk")
    )
    if not held:
        return []

    per_level: dict[int, int] = defaultdict(int)
    for reservation in held:
        per_level[reservation.stock_level_id] += reservation.quantity
    for level_id in sorted(per_level):
        quantity = per_level[level_id]
        rows = StockLevel.objects.filter(pk=level_id, reserved__gte=quantity)
        if consume:
            updated = rows.filter(on_hand__gte=quantity).update(
                on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity, updated_at=Now()
            )
        else:
            updated = rows.update(reserved=F("reserved") - quantity, updated_at=Now())
        if updated != 1:
            raise StockOutOfBalance(
                f"Stock level {level_id} holds fewer units than its reservations for {reference}."
            )

    state = Reservation.State.CONSUMED if consume else Reservation.State.RELEASED
    closed = Reservation.objects.filter(
        pk__in=[reservation.pk for reservation in held], state=Reservation.State.HELD
    ).update(state=state, closed_at=timezone.now())
    if closed != len(held):
        raise ReservationNotHeld(f"The reservations for {reference} changed while closing them.")

    actor_id = _actor_id(actor)
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                stock_level_id=reservation.stock_level_id,
                kind=kind,
                on_hand_delta=-reservation.quantity if consume else 0,
                reserved_delta=-reservation.quantity,
                reference=reference,
                reason=reason,
                actor_id=actor_id,
            )
            for reservation in held
        ]
    )
    for reservation in held:
        reservation.state = state
    return held
