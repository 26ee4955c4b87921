"""Holding stock for orders and transfers: hold and reserve (the hot path, in hand-written SQL),
release and consume."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from inventory.exceptions import InsufficientStock, Shortage, UnknownStore
from inventory.models import Product, Reservation, StockLevel, StockMovement, promisable
from inventory.services.common import (
    Kind,
    StockRequest,
    User,
    _actor_id,
    _is_int,
    _products_check,
    _reason_check,
    _reference_check,
    _requests_check,
    _reservations_close,
    _store_check,
)
from stores.models import Store


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
