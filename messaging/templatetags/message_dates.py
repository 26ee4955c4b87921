"""Dates in messages in the reader's language (messages render under the customer's language).

Outbox rows keep dates as ISO text ("2026-12-04"); `as_date` turns them back into dates for
Django's `date` filter, which formats them with the active language's formats (`DATE_FORMAT`:
"4. Dezember 2026", "Dec. 4, 2026"). `message_when` and `pickup_window` give a moment and a
pickup slot with their weekday through django.utils.formats, in the wording of each language
("Do, 03.12.2026, 18:00–19:00 Uhr", "Thu, 3 Dec 2026, 18:00–19:00"); the moments come in the
store's time zone and are shown as they are.
"""

import datetime

from django import template
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def as_date(value: object) -> datetime.date | object:
    """An ISO date text as a date; anything else as it is."""
    if isinstance(value, str):
        return parse_date(value) or value
    return value


def _day(moment: datetime.datetime) -> str:
    return date_format(moment, pgettext("message date", "D, j M Y"))


def _time(moment: datetime.datetime) -> str:
    return date_format(moment, "H:i")


@register.filter
def message_when(moment: datetime.datetime | None) -> str:
    """{{ hold_until|message_when }} → "Thu, 10 Dec 2026, 18:00" / "Do, 10.12.2026, 18:00 Uhr"."""
    if moment is None:
        return ""
    return pgettext("message date and time", "%(day)s, %(time)s") % {
        "day": _day(moment),
        "time": _time(moment),
    }


@register.simple_tag
def pickup_window(start: datetime.datetime | None, end: datetime.datetime | None) -> str:
    """{% pickup_window pickup_slot pickup_slot_end %} → "Thu, 3 Dec 2026, 18:00–19:00" /
    "Do, 03.12.2026, 18:00–19:00 Uhr"."""
    if start is None or end is None:
        return ""
    return pgettext("message pickup slot", "%(day)s, %(start)s–%(end)s") % {
        "day": _day(start),
        "start": _time(start),
        "end": _time(end),
    }
