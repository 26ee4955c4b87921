from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from console.labels import ORDER_EVENTS, ORDER_STATES, RETURN_STATES, TRANSFER_STATES

register = template.Library()


@register.simple_tag
def order_state(state: str):
    """A coloured badge with the translated name of an order state."""
    return format_html(
        '<span class="cc-badge cc-state-{}">{}</span>', state, ORDER_STATES.get(state, state)
    )


@register.simple_tag
def return_state(state: str):
    return format_html(
        '<span class="cc-badge cc-return-{}">{}</span>', state, RETURN_STATES.get(state, state)
    )


@register.simple_tag
def transfer_state(state: str):
    return format_html(
        '<span class="cc-badge cc-transfer-{}">{}</span>', state, TRANSFER_STATES.get(state, state)
    )


@register.filter
def order_event(name: str) -> str:
    return ORDER_EVENTS.get(name, name)


@register.filter
def duration(value) -> str:
    """A timedelta as "2 d 3 h", "3 h 05 min" or "12 min"; "–" for none."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@register.filter
def percent(value) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} %"
