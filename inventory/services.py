"""Writes of stock: reserve, release, consume, receive, count, return, and transfers.

Every function is one transaction (nested calls become savepoints) that writes a StockMovement
for each change of `on_hand` or `reserved`. Stock rows are locked in primary-key order, so two
transactions never wait on each other in a cycle; the new values are checked in memory and a
refusal is raised before anything is written; the UPDATE then uses F() expressions, repeats the
guard in its WHERE and checks the row count, so a bug in the locking can never oversell.
Nothing here waits on anything outside the database while it holds a lock.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django_fsm import can_proceed

from inventory.exceptions import (
    CountBelowReserved,
    InsufficientStock,
    InvalidQuantity,
    InvalidReference,
    InvalidTransferState,
    ReasonRequired,
    ReservationNotHeld,
    Shortage,
    StockOutOfBalance,
    TransferToSameStore,
    UnknownProduct,
    UnknownStore,
    UnknownTransfer,
)
from inventory.models import (
    Product,
    Reservation,
    StockLevel,
    StockMovement,
    Transfer,
    TransferLine,
    promisable,
)
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


# --- reservations ----------------------------------------------------------------------------


def stock_hold(*, store_id: int, wanted: Mapping[int, int]) -> "StockHold":
    """Locks the store's stock rows of these products in id order and checks that they hold the
    wanted units (product id → quantity); raises InsufficientStock (UnknownStore,
    UnknownProduct) before writing anything, so the caller's transaction may go on. Only inside
    a transaction, whose end releases the locks; `stock_reserve(hold=…)` writes the reservation.
    Queues nothing."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("stock_hold locks rows: call it inside a transaction.")
    if not _is_int(store_id):
        raise UnknownStore(fields={"store_id": [f"No active store with id {store_id!r}."]})
    levels = _levels_lock(store_id, sorted(wanted))
    by_product = {level.product_id: level for level in levels}
    skus = {level.product_id: level.sku for level in levels}
    if len(by_product) != len(wanted) or not all(
        level.product_active and level.store_active for level in levels
    ):
        # A stock row is missing or something is inactive: name the culprit precisely.
        _store_check(store_id, active_only=True)
        products = _products_check(wanted, active_only=True)
        skus.update((product_id, product.sku) for product_id, product in products.items())

    shortages = [
        Shortage(
            product_id=product_id,
            sku=skus[product_id],
            requested=quantity,
            available=by_product[product_id].available if product_id in by_product else 0,
        )
        for product_id, quantity in wanted.items()
        if product_id not in by_product or quantity > by_product[product_id].available
    ]
    if shortages:
        raise InsufficientStock(shortages)
    return StockHold(store_id=store_id, wanted=dict(wanted), levels=tuple(levels))


def stock_reserve(
    *,
    store_id: int,
    requests: Sequence[StockRequest],
    actor: User | None = None,
    hold: "StockHold | None" = None,
) -> list[Reservation]:
    """Holds every line at one store or none (→ held); locks the store's stock rows of those
    products in id order; queues nothing. With `hold` (stock_hold of the same units, earlier in
    the caller's transaction) the rows are locked and checked already, and no savepoint is
    taken."""
    requests = _requests_check(requests)
    if not _is_int(store_id):
        raise UnknownStore(fields={"store_id": [f"No active store with id {store_id!r}."]})
    wanted: dict[int, int] = defaultdict(int)
    for request in requests:
        wanted[request.product_id] += request.quantity

    if hold is not None:
        if hold.store_id != store_id or hold.wanted != wanted:
            raise ValueError("The hold is for other units than these requests.")
        return _reserve_held(hold, requests, actor)
    with transaction.atomic():
        return _reserve_held(stock_hold(store_id=store_id, wanted=wanted), requests, actor)


def _reserve_held(
    hold: "StockHold", requests: list[StockRequest], actor: User | None
) -> list[Reservation]:
    by_product = {level.product_id: level for level in hold.levels}
    for level in hold.levels:
        quantity = hold.wanted[level.product_id]
        if not _reserved_add(level.id, quantity):
            # Only a bug in the locking gets here, maybe after other rows changed: whoever
            # catches this must not commit them.
            transaction.set_rollback(True)
            raise InsufficientStock([Shortage(level.product_id, level.sku, quantity, 0)])
    return _reservations_add(
        [(by_product[request.product_id].id, request) for request in requests], _actor_id(actor)
    )


@dataclass(frozen=True)
class _LockedLevel:
    id: int
    product_id: int
    on_hand: int
    reserved: int
    safety_stock: int
    sku: str
    product_active: bool
    store_active: bool

    @property
    def available(self) -> int:
        return promisable(self.on_hand, self.reserved, self.safety_stock)


@dataclass(frozen=True)
class StockHold:
    """Stock rows of one store locked in the current transaction and checked to hold `wanted`
    (product id → units); what stock_reserve(hold=…) writes."""

    store_id: int
    wanted: dict[int, int]
    levels: tuple[_LockedLevel, ...]


# Reserving runs for every order placed, so its two statements are written by hand: the ORM's
# per-call query compilation cost more than the database work (measured with bench/reserve).
_LOCK_SQL = (
    "SELECT level.id, level.product_id, level.on_hand, level.reserved, level.safety_stock, "
    "product.sku, product.is_active, store.is_active "
    f"FROM {StockLevel._meta.db_table} level "
    f"JOIN {Product._meta.db_table} product ON product.id = level.product_id "
    f"JOIN {Store._meta.db_table} store ON store.id = level.store_id "
    "WHERE level.store_id = %s AND level.product_id IN ({placeholders}) ORDER BY level.id"
)
# The guard is repeated in the UPDATE itself; the caller checks that exactly one row changed.
_RESERVED_ADD_SQL = (
    f"UPDATE {StockLevel._meta.db_table} "
    "SET reserved = reserved + %s, updated_at = CURRENT_TIMESTAMP "
    "WHERE id = %s AND reserved <= on_hand - safety_stock - %s"
)


_RESERVATION_INSERT_SQL = (
    f"INSERT INTO {Reservation._meta.db_table} (stock_level_id, quantity, reference, state, "
    "created_at) VALUES {rows} RETURNING id"
)
# Ids come from one sequence in VALUES order, so sorting them pairs them with the lines.
_RESERVATION_WITH_MOVEMENTS_SQL = (
    f"WITH reservation AS (INSERT INTO {Reservation._meta.db_table} (stock_level_id, quantity, "
    "reference, state, created_at) VALUES {rows} "
    "RETURNING id, stock_level_id, quantity, reference), "
    f"movement AS (INSERT INTO {StockMovement._meta.db_table} "
    "(stock_level_id, kind, on_hand_delta, reserved_delta, reference, reason, actor_id, "
    "created_at) "
    "SELECT stock_level_id, %s, 0, quantity, reference, '', %s, CURRENT_TIMESTAMP "
    "FROM reservation ORDER BY id) "
    "SELECT id FROM reservation"
)
_MOVEMENT_INSERT_SQL = (
    f"INSERT INTO {StockMovement._meta.db_table} "
    "(stock_level_id, kind, on_hand_delta, reserved_delta, reference, reason, actor_id, "
    "created_at) "
    "VALUES {rows}"
)


def _reservations_add(
    lines: list[tuple[int, StockRequest]], actor_id: int | None
) -> list[Reservation]:
    """Held reservations for (stock level id, request) pairs and one ledger row for each: one
    statement on PostgreSQL (the ledger rows in a data-modifying WITH), two elsewhere."""
    now = timezone.now()
    created_at = connection.ops.adapt_datetimefield_value(now)
    params = []
    for level_id, request in lines:
        params += [level_id, request.quantity, request.reference, Reservation.State.HELD.value]
        params.append(created_at)
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(lines))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _RESERVATION_WITH_MOVEMENTS_SQL.format(rows=rows),
                [*params, Kind.RESERVE.value, actor_id],
            )
        else:
            cursor.execute(_RESERVATION_INSERT_SQL.format(rows=rows), params)
        ids = sorted(row[0] for row in cursor.fetchall())
    reservations = [
        Reservation(
            id=reservation_id,
            stock_level_id=level_id,
            quantity=request.quantity,
            reference=request.reference,
            state=Reservation.State.HELD,
            created_at=now,
        )
        for reservation_id, (level_id, request) in zip(ids, lines, strict=True)
    ]
    if connection.vendor != "postgresql":
        _reserve_movements_add(reservations, actor_id)
    return reservations


def _reserve_movements_add(reservations: list[Reservation], actor_id: int | None) -> None:
    """One ledger row per new reservation, in one statement."""
    rows = ", ".join(["(%s, %s, 0, %s, %s, '', %s, CURRENT_TIMESTAMP)"] * len(reservations))
    params = []
    for reservation in reservations:
        params += [
            reservation.stock_level_id,
            Kind.RESERVE.value,
            reservation.quantity,
            reservation.reference,
            actor_id,
        ]
    with connection.cursor() as cursor:
        cursor.execute(_MOVEMENT_INSERT_SQL.format(rows=rows), params)


def _levels_lock(store_id: int, product_ids: list[int]) -> list[_LockedLevel]:
    """The store's stock rows of these products, locked in id order (the lock order every
    service keeps, so no two transactions wait on each other in a cycle)."""
    sql = _LOCK_SQL.format(placeholders=", ".join(["%s"] * len(product_ids)))
    if connection.vendor == "postgresql":
        sql += " FOR NO KEY UPDATE OF level"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [store_id, *product_ids])
        return [_LockedLevel(*row) for row in cursor.fetchall()]


def _reserved_add(level_id: int, quantity: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_RESERVED_ADD_SQL, [quantity, level_id, quantity])
        return cursor.rowcount == 1


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


def stock_release(*, reference: str, actor: User | None = None, reason: str = "") -> int:
    """held → released for every reservation of `reference`; locks them, then their stock rows in
    id order; returns the units released (0 when none is held); queues nothing."""
    _reference_check(reference)
    reason = _reason_check(reason, required=False)
    with transaction.atomic():
        released = _reservations_close(
            reference=reference, consume=False, kind=Kind.RELEASE, reason=reason, actor=actor
        )
    return sum(reservation.quantity for reservation in released)


def stock_consume(*, reference: str, actor: User | None = None) -> int:
    """held → consumed at hand-over (the units leave the store); locks the reservations, then their
    stock rows in id order; returns the units handed over (0 when none is held); queues nothing."""
    _reference_check(reference)
    with transaction.atomic():
        consumed = _reservations_close(
            reference=reference, consume=True, kind=Kind.HAND_OVER, reason="", actor=actor
        )
    return sum(reservation.quantity for reservation in consumed)


# --- receipts, counts, returns ---------------------------------------------------------------


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
        for level in sorted(levels.values(), key=lambda level: level.pk):
            StockLevel.objects.filter(pk=level.pk).update(
                on_hand=F("on_hand") + totals[level.product_id], updated_at=Now()
            )
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    stock_level=levels[product_id],
                    kind=Kind.RECEIPT,
                    on_hand_delta=quantity,
                    reference=reference,
                    reason=reason,
                    actor_id=actor_id,
                )
                for product_id, quantity in totals.items()
            ]
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


# --- transfers -------------------------------------------------------------------------------


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
            for level in sorted(levels.values(), key=lambda level: level.pk):
                StockLevel.objects.filter(pk=level.pk).update(
                    on_hand=F("on_hand") + totals[level.product_id], updated_at=Now()
                )
            actor_id = _actor_id(actor)
            StockMovement.objects.bulk_create(
                [
                    StockMovement(
                        stock_level=levels[product_id],
                        kind=Kind.TRANSFER_IN,
                        on_hand_delta=quantity,
                        reference=transfer_reference,
                        reason="transfer cancelled in transit: back at the source",
                        actor_id=actor_id,
                    )
                    for product_id, quantity in totals.items()
                ]
            )
        transfer.cancel(now=timezone.now(), reason=reason[:200])
        transfer.save()
    return transfer


# --- reconcile -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockDrift:
    """A stock row that disagrees with its ledger or with its held reservations."""

    stock_level_id: int
    store_code: str
    sku: str
    on_hand: int
    ledger_on_hand: int
    reserved: int
    ledger_reserved: int
    held: int


def stock_drift_list(*, store_code: str | None = None) -> list[StockDrift]:
    """Every stock row whose on_hand or reserved differs from the ledger's sums or from its live
    reservations. A read that takes no locks (it serves reconcile_stock and its periodic task).

    One statement, so PostgreSQL answers from one snapshot: a row and the movements written with
    it in the same transaction are always seen together, and concurrent writes show no false
    drift. The ledger is summed once per stock row by GROUP BY and joined, which is many times
    faster on large catalogues than a correlated subquery per row.
    """
    # Table names come from the models; every value is a query parameter.
    where = ""
    params: list[object] = [Reservation.State.HELD]
    if store_code:
        where = "AND store.code = %s"
        params.append(store_code)
    sql = f"""
        SELECT level.id, store.code, product.sku,
               level.on_hand, COALESCE(ledger.on_hand, 0),
               level.reserved, COALESCE(ledger.reserved, 0), COALESCE(held.quantity, 0)
        FROM {StockLevel._meta.db_table} AS level
        JOIN {Store._meta.db_table} AS store ON store.id = level.store_id
        JOIN {Product._meta.db_table} AS product ON product.id = level.product_id
        LEFT JOIN (
            SELECT stock_level_id, SUM(on_hand_delta) AS on_hand, SUM(reserved_delta) AS reserved
            FROM {StockMovement._meta.db_table} GROUP BY stock_level_id
        ) AS ledger ON ledger.stock_level_id = level.id
        LEFT JOIN (
            SELECT stock_level_id, SUM(quantity) AS quantity
            FROM {Reservation._meta.db_table} WHERE state = %s GROUP BY stock_level_id
        ) AS held ON held.stock_level_id = level.id
        WHERE (
            level.on_hand <> COALESCE(ledger.on_hand, 0)
            OR level.reserved <> COALESCE(ledger.reserved, 0)
            OR level.reserved <> COALESCE(held.quantity, 0)
        ) {where}
        ORDER BY store.code, product.sku
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [StockDrift(*row) for row in cursor.fetchall()]
