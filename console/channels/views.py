"""The channel KPIs for managers and marketing: per campaign sent, clicked, ordered, collected
and revenue; orders per day by sales channel and by campaign as server-drawn charts; a store
filter (a manager sees their own stores)."""

import datetime

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from console.access import console_role
from console.channels.charts import Series, stacked_bars_svg
from console.hotline.timeline import CHANNELS
from newsletter.selectors import campaign_kpis, orders_per_day
from stores.models import Store

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


def _period(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_PERIOD))
    except ValueError:
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def channel_kpis(request: HttpRequest) -> HttpResponse:
    role = console_role(request)
    # The console's own header, menu and role, as on every admin page.
    context = {**admin.site.each_context(request), "title": _("Channels and campaigns")}
    if not role.sees_channel_kpis:
        return TemplateResponse(
            request, "console/channel_kpis.html", {**context, "forbidden": True}, status=403
        )
    if role.is_admin or role.is_marketing:
        stores = list(Store.objects.order_by("code"))
        store_ids = None
    else:
        stores = list(Store.objects.filter(pk__in=role.manager_store_ids).order_by("code"))
        store_ids = [store.pk for store in stores]
    chosen = next((s for s in stores if s.code == request.GET.get("store")), None)
    if chosen is not None:
        store_ids = [chosen.pk]
    days = _period(request)
    until = timezone.now()
    since = timezone.localtime(until).replace(hour=0, minute=0, second=0, microsecond=0)
    since -= datetime.timedelta(days=days - 1)
    by_channel = orders_per_day(since=since, until=until, by="channel", store_ids=store_ids)
    by_campaign = orders_per_day(since=since, until=until, by="campaign", store_ids=store_ids)
    empty = _("No orders in this period.")
    context.update(
        stores=stores,
        store=chosen,
        all_stores_allowed=role.is_admin or role.is_marketing,
        days=days,
        periods=PERIODS,
        since=since,
        until=until,
        campaigns=campaign_kpis(since=since, until=until, store_ids=store_ids),
        channel_chart=stacked_bars_svg(
            title=_("Orders per day by sales channel"),
            days=by_channel.days,
            series=[
                Series(label=str(CHANNELS.get(key, key)), values=values)
                for key, values in by_channel.counts.items()
            ],
            empty_text=empty,
        ),
        campaign_chart=stacked_bars_svg(
            title=_("Orders per day by campaign"),
            days=by_campaign.days,
            series=[Series(label=key, values=values) for key, values in by_campaign.counts.items()],
            empty_text=_("No orders from a campaign in this period."),
        ),
        channel_totals={
            str(CHANNELS.get(key, key)): sum(values) for key, values in by_channel.counts.items()
        },
    )
    return TemplateResponse(request, "console/channel_kpis.html", context)
