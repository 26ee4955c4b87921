"""The staff console: Django's admin, branded, with a start page for the shift, the pick list
and the managers' KPIs."""

import datetime

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from console.access import console_role
from console.selectors import console_pick_list, console_start_queues, store_kpis
from console.stores import store_from_request, stores_readable, stores_with_kpis

KPI_PERIODS = (7, 30, 90)
TRANSFER_QUEUE_KEYS = ("to_send", "incoming")


class StaffConsoleSite(admin.AdminSite):
    site_header = _("Click & Collect — Staff console")
    site_title = _("Click & Collect staff console")
    index_title = _("Start of shift")
    index_template = "console/start.html"
    # The start page lists every section; the side navigation would take a third of a tablet.
    enable_nav_sidebar = False

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        context["console_role"] = console_role(request)
        return context

    def get_urls(self):
        return [
            path("pick-list/", self.admin_view(self.pick_list_view), name="console_pick_list"),
            path("kpis/", self.admin_view(self.kpis_view), name="console_kpis"),
            path("queues/", self.admin_view(self.queues_view), name="console_queues"),
            *super().get_urls(),
        ]

    def _queues_context(self, request: HttpRequest) -> dict:
        role = console_role(request)
        stores = stores_readable(role)
        store = store_from_request(request, stores=stores, role=role)
        now = timezone.now()
        return {
            "store": store,
            "now": now,
            "queues": console_start_queues(store=store, now=now) if store else None,
            "transfer_queue_keys": TRANSFER_QUEUE_KEYS,
            "refresh_seconds": settings.CONSOLE_QUEUE_REFRESH_SECONDS,
            "store_choices": stores if role.reads_every_store else None,
            "can_work": bool(store) and role.can_work_at(store.pk),
            "can_see_kpis": bool(store) and role.can_see_kpis_of(store.pk),
        }

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {**self._queues_context(request), **(extra_context or {})}
        return super().index(request, extra_context=context)

    def queues_view(self, request: HttpRequest) -> HttpResponse:
        """The counts and queues alone, for the shift page's periodic refresh."""
        context = self._queues_context(request)
        if context["store"] is None:
            raise Http404
        return TemplateResponse(request, "console/queues_poll.html", context)

    def pick_list_view(self, request: HttpRequest) -> HttpResponse:
        role = console_role(request)
        store = store_from_request(request, stores=stores_readable(role), role=role)
        context = {
            **self.each_context(request),
            "title": _("Pick list"),
            "store": store,
            "store_choices": stores_readable(role) if store is None else None,
            "pick_list": console_pick_list(store=store) if store else None,
            "printed_at": timezone.now(),
        }
        return TemplateResponse(request, "console/pick_list.html", context)

    def kpis_view(self, request: HttpRequest) -> HttpResponse:
        role = console_role(request)
        if not role.is_manager:
            return TemplateResponse(
                request,
                "console/kpis.html",
                {**self.each_context(request), "title": _("Store KPIs"), "forbidden": True},
                status=403,
            )
        stores = stores_with_kpis(role)
        store = store_from_request(request, stores=stores, role=role)
        try:
            days = int(request.GET.get("days", 30))
        except ValueError:
            days = 30
        if days not in KPI_PERIODS:
            days = 30
        until = timezone.now()
        context = {
            **self.each_context(request),
            "title": _("Store KPIs"),
            "store": store,
            "store_choices": stores if role.is_admin else None,
            "days": days,
            "periods": KPI_PERIODS,
            "kpis": (
                store_kpis(store=store, since=until - datetime.timedelta(days=days), until=until)
                if store
                else None
            ),
        }
        return TemplateResponse(request, "console/kpis.html", context)
