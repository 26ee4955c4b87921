"""Translated names of states and actions, for the console's pages and buttons."""

from django.utils.translation import gettext_lazy as _

ORDER_STATES = {
    "placed": _("Placed"),
    "sourcing": _("Sourcing"),
    "reserved": _("To pick"),
    "picking": _("Picking"),
    "ready_for_pickup": _("Ready for pickup"),
    "collected": _("Collected"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired (not collected)"),
}

ORDER_ACTIONS = {
    "start_picking": _("Start picking"),
    "mark_ready": _("Mark ready for pickup"),
    "report_shortage": _("Report shortage…"),
    "hand_over": _("Hand over…"),
    "cancel": _("Cancel order…"),
}

# What each transition was called in the order's history.
ORDER_EVENTS = {
    "place": _("Placed"),
    "source": _("Sourcing from another store"),
    "reserve": _("Reserved"),
    "start_picking": _("Picking started"),
    "report_shortage": _("Shortage reported"),
    "mark_ready": _("Marked ready"),
    "hand_over": _("Handed over"),
    "cancel": _("Cancelled"),
    "expire": _("Expired"),
}

RETURN_STATES = {
    "opened": _("Opened"),
    "awaiting_courier": _("Awaiting courier"),
    "courier_booked": _("Courier booked"),
    "in_transit": _("In transit"),
    "received": _("Received"),
    "closed": _("Closed"),
    "cancelled": _("Cancelled"),
}

TRANSFER_STATES = {
    "requested": _("To send"),
    "in_transit": _("On the way"),
    "received": _("Received"),
    "cancelled": _("Cancelled"),
}

TRANSFER_ACTIONS = {
    "ship": _("Pick and ship…"),
    "cannot_send": _("Cannot send…"),
    "receive": _("Receive…"),
}

# Why an order is on the hotline's "needs attention" list (Order.attention_reason).
ORDER_ATTENTION = {
    "transfer_not_sent": _("The sending store could not send it and no other store has it"),
}

ORDER_CHANNELS = {
    "web": _("Web shop"),
    "app": _("App"),
    "hotline": _("Hotline"),
    "store": _("Store"),
}

# How an order's payment stands (the codes of orders.payment_status), in the staff's words.
PAYMENT_STATES = {
    "authorization_pending": _("Authorization pending"),
    "authorized": _("Authorized"),
    "capture_pending": _("Capture in progress"),
    "capture_failed": _("Capture failed"),
    "captured": _("Captured"),
    "refunded": _("Refunded"),
    "declined": _("Declined"),
    "nothing_charged": _("Nothing charged"),
    "mandated": _("Direct debit mandate given"),
    "submitted": _("Direct debit submitted"),
    "returned": _("Direct debit returned"),
    "due_at_pickup": _("Paid in store at hand-over"),
    "paid_in_store": _("Paid in store."),
    "free": _("Free of charge."),
    "free_replacement": _("Free replacement: nothing to pay."),
}
