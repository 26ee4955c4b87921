"""Dates in messages in the reader's language: outbox rows keep dates as ISO text
("2026-12-04"); `as_date` turns them back into dates for Django's `date` filter, which formats
them with the active language's formats (`DATE_FORMAT`: "4. Dezember 2026", "Dec. 4, 2026")."""

import datetime

from django import template
from django.utils.dateparse import parse_date

register = template.Library()


@register.filter
def as_date(value: object) -> datetime.date | object:
    """An ISO date text as a date; anything else as it is."""
    if isinstance(value, str):
        return parse_date(value) or value
    return value
