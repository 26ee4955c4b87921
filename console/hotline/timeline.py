"""The customer's journey as the agent reads it: each touchpoint of customers.selectors'
customer_timeline with a translated title built from the orders and cases the page shows."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.timeline import TimelineEntry
from orders.models import Order
from returns.models import ReturnCase

CHANNELS = {
    "web": gettext_lazy("Web shop"),
    "app": gettext_lazy("App"),
    "hotline": gettext_lazy("Hotline"),
    "store": gettext_lazy("Store"),
    "courier": gettext_lazy("Courier"),
    "newsletter": gettext_lazy("Newsletter"),
    "email": gettext_lazy("E-mail"),
    "sms": gettext_lazy("SMS"),
    "payment": gettext_lazy("Payment"),
}

# Messages sent, by template; any other is "Message sent".
MESSAGES = {
    "confirmation": gettext_lazy("Order confirmation sent"),
    "ready": gettext_lazy("“Ready for pickup” sent"),
    "reminder": gettext_lazy("Pickup reminder sent"),
    "expired": gettext_lazy("“Not collected” notice sent"),
    "cancelled": gettext_lazy("Cancellation sent"),
    "collected": gettext_lazy("Collection receipt sent"),
    "accessories": gettext_lazy("Accessory suggestions sent"),
    "exchange_opened": gettext_lazy("Exchange confirmation sent"),
    "return_opened": gettext_lazy("Return confirmation sent"),
    "return_received": gettext_lazy("Return receipt sent"),
    "courier_booked": gettext_lazy("Courier confirmation sent"),
    "newsletter_confirm": gettext_lazy("Newsletter confirmation link sent"),
}
CONSENT_STEPS = {
    "newsletter_requested": gettext_lazy("Asked for the newsletter"),
    "newsletter_confirmed": gettext_lazy("Confirmed the newsletter subscription"),
    "newsletter_unsubscribed": gettext_lazy("Unsubscribed from the newsletter"),
}

REASONS = {
    "defective": gettext_lazy("Defective"),
    "wrong_item": gettext_lazy("Wrong item"),
    "damaged": gettext_lazy("Damaged"),
    "not_wanted": gettext_lazy("Not wanted"),
}

# Order events; "%(noun)s" is "Order" or "Replacement".
_ORDER_TITLES = {
    "placed": gettext_lazy("%(noun)s %(number)s placed (%(channel)s) for pickup at %(store)s"),
    "placed_from_campaign": gettext_lazy(
        "%(noun)s %(number)s placed (%(channel)s) for pickup at %(store)s, "
        "from the campaign “%(campaign)s”"
    ),
    "sourcing": gettext_lazy("%(noun)s %(number)s: stock comes from another store"),
    "reserved": gettext_lazy("%(noun)s %(number)s reserved at %(store)s"),
    "picking": gettext_lazy("%(noun)s %(number)s: picking started at %(store)s"),
    "shortage": gettext_lazy("%(noun)s %(number)s: shortage reported at %(store)s"),
    "ready": gettext_lazy("%(noun)s %(number)s ready for pickup at %(store)s"),
    "collected": gettext_lazy("%(noun)s %(number)s collected at %(store)s"),
    "cancelled": gettext_lazy("%(noun)s %(number)s cancelled"),
    "expired": gettext_lazy("%(noun)s %(number)s expired (not collected)"),
}


@dataclass(frozen=True)
class TimelineRow:
    at: datetime.datetime
    kind: str
    channel: str
    channel_label: str
    title: str
    order_number: str
    case_number: str
    problem: bool


def _order_title(entry: TimelineEntry, order: Order | None) -> str | None:
    prefix, _separator, event = entry.kind.partition("_")
    if order is None or prefix not in ("order", "replacement") or event not in _ORDER_TITLES:
        return None
    if event == "placed" and order.campaign:
        event = "placed_from_campaign"
    return _ORDER_TITLES[event] % {
        "campaign": order.campaign,
        "noun": _("Replacement") if prefix == "replacement" else _("Order"),
        "number": order.number,
        "channel": CHANNELS.get(order.channel, order.channel),
        "store": f"{order.pickup_store.name} ({order.pickup_store.code})",
    }


def _case_title(entry: TimelineEntry, case: ReturnCase | None) -> str | None:
    if case is None:
        return None
    values = {"case": case.number, "reason": REASONS.get(case.reason, case.reason)}
    if entry.kind == "hotline_call":
        return _("Hotline call about order %(order)s") % {"order": case.order.number}
    if entry.kind == "exchange_opened":
        return _("Exchange %(case)s opened (%(reason)s)") % values
    if entry.kind == "return_opened":
        return _("Return %(case)s opened (%(reason)s)") % values
    if entry.kind == "courier_booked":
        booking = next(
            (item for item in case.courier_bookings.all() if item.booked_at == entry.at), None
        )
        if booking is None:
            return _("Courier booked")
        return _("Courier booked for %(date)s, %(start)s–%(end)s") % {
            "date": booking.pickup_date.strftime("%d.%m.%Y"),
            "start": booking.window_start.strftime("%H:%M"),
            "end": booking.window_end.strftime("%H:%M"),
        }
    if entry.kind == "courier_collected":
        return _("Courier collected the item")
    if entry.kind == "courier_failed":
        booking = next(
            (item for item in case.courier_bookings.all() if item.failed_at == entry.at), None
        )
        error = booking.last_error if booking else ""
        return _("Courier booking failed: %(error)s") % {"error": error or "–"}
    if entry.kind == "return_received":
        return _("Item received at %(store)s") % {
            "store": f"{case.receiving_store.name} ({case.receiving_store.code})"
        }
    if entry.kind == "case_closed":
        if case.resolution == ReturnCase.Resolution.REPLACEMENT:
            return _("Exchange %(case)s closed") % values
        return _("Return %(case)s closed") % values
    return None


def _newsletter_title(entry: TimelineEntry) -> str:
    name = entry.detail
    if entry.kind == "newsletter_click":
        return _("Clicked the newsletter “%(campaign)s”") % {"campaign": name}
    if entry.kind == "newsletter_sent":
        return _("Newsletter “%(campaign)s” sent") % {"campaign": name}
    return entry.title


def timeline_rows(
    *,
    entries: Iterable[TimelineEntry],
    orders: Mapping[str, Order],
    cases: Mapping[str, ReturnCase],
    newest_first: bool,
) -> list[TimelineRow]:
    """Rows to show; orders and cases are the customer's, by number, already loaded."""
    rows = []
    for entry in entries:
        order = orders.get(entry.order_number)
        case = cases.get(entry.case_number)
        if entry.kind.startswith("message_"):
            title = str(MESSAGES.get(entry.kind[len("message_") :], _("Message sent")))
        elif entry.kind == "payment_debit_returned":
            title = _("Direct debit of order %(number)s returned by the bank: %(reason)s") % {
                "number": entry.order_number,
                "reason": entry.detail or "–",
            }
        elif entry.kind in CONSENT_STEPS:
            title = str(CONSENT_STEPS[entry.kind])
        elif entry.kind.startswith("newsletter_"):
            title = _newsletter_title(entry)
        elif entry.case_number:
            title = _case_title(entry, case)
        else:
            title = _order_title(entry, order)
        rows.append(
            TimelineRow(
                at=entry.at,
                kind=entry.kind,
                channel=entry.channel,
                channel_label=str(CHANNELS.get(entry.channel, entry.channel)),
                title=title or entry.title,
                order_number=entry.order_number,
                case_number=entry.case_number,
                problem=entry.kind
                in (
                    "courier_failed",
                    "order_cancelled",
                    "order_expired",
                    "order_shortage",
                    "payment_debit_returned",
                ),
            )
        )
    if newest_first:
        rows.reverse()
    return rows
