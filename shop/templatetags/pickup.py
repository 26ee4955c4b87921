"""Pickup days and times in the store's own words and time zone (shop.dates)."""

from django import template

from shop import dates

register = template.Library()


@register.filter
def pickup_when(moment, store) -> str:
    """{{ order.ready_by|pickup_when:store }} → "today, 13:00"."""
    return dates.pickup_when(moment, store)


@register.simple_tag
def pickup_slot(start, end, store) -> str:
    """{% pickup_slot start end store %} → "today, 18:00–19:00"."""
    if start is None:
        return ""
    day = dates.day_name(start.astimezone(store.zone).date(), today=dates.store_today(store))
    return f"{day}, {dates.slot_hours(start, end, store)}"
