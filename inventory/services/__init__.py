"""Writes of stock: reserve, release, consume, receive, count, return, and transfers.

Every function is one transaction (nested calls become savepoints) that writes a StockMovement
for each change of `on_hand` or `reserved`. Stock rows are locked in primary-key order, so two
transactions never wait on each other in a cycle; the new values are checked in memory and a
refusal is raised before anything is written; the UPDATE then uses F() expressions, repeats the
guard in its WHERE and checks the row count, so a bug in the locking can never oversell.
Nothing here waits on anything outside the database while it holds a lock.
"""

from inventory.services.checks import StockDrift, stock_drift_list
from inventory.services.common import (
    MAX_COUNTED,
    MAX_DELIVERY_LINES,
    MAX_QUANTITY,
    REASON_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    StockRequest,
)
from inventory.services.receipts import (
    DeliveryLine,
    stock_count_correct,
    stock_receive,
    stock_receive_delivery,
    stock_return,
)
from inventory.services.reservations import (
    StockHold,
    stock_consume,
    stock_hold,
    stock_release,
    stock_reserve,
)
from inventory.services.transfers import (
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)

__all__ = [
    "MAX_COUNTED",
    "MAX_DELIVERY_LINES",
    "MAX_QUANTITY",
    "REASON_MAX_LENGTH",
    "REFERENCE_MAX_LENGTH",
    "DeliveryLine",
    "StockDrift",
    "StockHold",
    "StockRequest",
    "stock_consume",
    "stock_count_correct",
    "stock_drift_list",
    "stock_hold",
    "stock_receive",
    "stock_receive_delivery",
    "stock_release",
    "stock_reserve",
    "stock_return",
    "transfer_cancel",
    "transfer_receive",
    "transfer_request",
    "transfer_ship",
]
