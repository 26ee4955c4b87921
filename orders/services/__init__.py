"""Every write of the orders app. Views, admin actions and tasks call these, nothing else."""

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
from orders.services.outbox import (
    TransientDeliveryError,
    notification_deliver,
    notification_queue,
    outbox_relay,
    side_effect_add,
    side_effect_perform,
)
from orders.services.payments import payment_refund
from orders.services.placement import (
    CustomerInput,
    LineInput,
    PlacedOrder,
    customer_upsert,
    order_place,
)

__all__ = [
    "CustomerInput",
    "LineInput",
    "PlacedOrder",
    "TransientDeliveryError",
    "customer_upsert",
    "ensure_transition",
    "notification_deliver",
    "notification_queue",
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
    "orders_expire_due",
    "orders_remind_due",
    "orders_source_due",
    "outbox_relay",
    "payment_refund",
    "side_effect_add",
    "side_effect_perform",
]
