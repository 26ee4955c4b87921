"""The drift check: stock rows against the ledger's sums and their held reservations."""

from dataclasses import dataclass

from django.db import connection

from inventory.models import Product, Reservation, StockLevel, StockMovement
from stores.models import Store


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
