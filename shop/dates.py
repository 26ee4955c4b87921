"""How shopper pages name a pickup day and time: "today" and "tomorrow" only when they are, in the
store's own time zone, else the weekday and date."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from stores.models import Store


def store_today(store: Store) -> datetime.date:
    return timezone.now().astimezone(store.zone).date()


def day_name(day: datetime.date, *, today: datetime.date) -> str:
    """ "today", "tomorrow" or "Sat, Dec 5"."""
    if day == today:
        return pgettext("pickup day", "today")
    if day == today + datetime.timedelta(days=1):
        return pgettext("pickup day", "tomorrow")
    return date_format(day, _("D, M j"))


def day_heading(day: datetime.date, *, today: datetime.date) -> str:
    """ "Today, Thu, Dec 3", "Tomorrow, Fri, Dec 4" or "Sat, Dec 5"."""
    date = date_format(day, _("D, M j"))
    if day == today:
        return _("Today, %(date)s") % {"date": date}
    if day == today + datetime.timedelta(days=1):
        return _("Tomorrow, %(date)s") % {"date": date}
    return date


def pickup_when(moment: datetime.datetime | None, store: Store) -> str:
    """ "today, 13:00" or "Sat, Dec 5, 13:00" at the store."""
    if moment is None:
        return ""
    local = moment.astimezone(store.zone)
    return _("%(day)s, %(time)s") % {
        "day": day_name(local.date(), today=store_today(store)),
        "time": date_format(local, "H:i"),
    }


def slot_hours(start: datetime.datetime, end: datetime.datetime, store: Store) -> str:
    """ "18:00–19:00" at the store."""
    zone = store.zone
    begins, ends = start.astimezone(zone), end.astimezone(zone)
    return f"{date_format(begins, 'H:i')}–{date_format(ends, 'H:i')}"
