"""Every write of the orders app. Views, admin actions and tasks call these, nothing else."""

from customers.services import CustomerInput
from orders.services.common import ensure_transition, order_lock
from orders.services.due import orders_expire_due, orders_remind_due, orders_source_due
from orders.services.lifecycle import (
    order_cancel,
    order_complete_sourcing,
    order_expire,
    order_hand_over,
    order_mark_ready,
    order_remind,
    order_report_shortage,
    order_source,
    order_start_picking,
)
from orders.services.placement import LineInput, PlacedOrder, order_place
from orders.services.transfers import (
    order_transfer_receive,
    order_transfer_refuse,
    order_transfer_ship,
)

__all__ = [
    "CustomerInput",
    "LineInput",
    "PlacedOrder",
    "ensure_transition",
    "order_cancel",
    "order_complete_sourcing",
    "order_expire",
    "order_hand_over",
    "order_lock",
    "order_mark_ready",
    "order_place",
    "order_remind",
    "order_report_shortage",
    "order_source",
    "order_start_picking",
    "order_transfer_receive",
    "order_transfer_refuse",
    "order_transfer_ship",
    "orders_expire_due",
    "orders_remind_due",
    "orders_source_due",
]
