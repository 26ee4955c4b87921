"""Return cases in the staff console: the store sees the cases it receives (or whose order it
handed over) and records what arrived; agents read every case. Changes go through
returns.services."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from console.access import console_role
from console.errors import domain_error_message
from console.forms import ReturnReceiveForm
from console.labels import RETURN_STATES
from console.options import ConsoleModelAdmin, ReadOnlyInline
from returns.models import CourierBooking, ReturnCase, ReturnLine
from returns.services import ReceivedLineInput, return_receive

RECEIVABLE = (
    ReturnCase.State.OPENED,
    ReturnCase.State.AWAITING_COURIER,
    ReturnCase.State.COURIER_BOOKED,
    ReturnCase.State.IN_TRANSIT,
    ReturnCase.State.RECEIVED,
)


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ("product", "quantity", "quantity_received", "condition")
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


class CourierBookingInline(ReadOnlyInline):
    model = CourierBooking
    fields = (
        "reference",
        "state",
        "pickup_date",
        "window_start",
        "window_end",
        "tracking_number",
        "attempts",
        "last_error",
    )
    readonly_fields = flatten(fields)


@admin.register(ReturnCase)
class ReturnCaseAdmin(ConsoleModelAdmin):
    store_lookups = ("receiving_store", "order__pickup_store")
    change_form_template = "console/returncase_change_form.html"
    list_display = (
        "number",
        "state_badge",
        "order_link",
        "customer",
        "reason",
        "resolution",
        "receiving_store",
        "opened_at",
        "needs_attention",
    )
    list_filter = ("state", "resolution", "reason", "needs_attention")
    list_select_related = ("order", "customer", "receiving_store")
    search_fields = ("=number", "=order__number", "customer__email", "customer__name")
    ordering = ("-opened_at", "-pk")
    inlines = (ReturnLineInline, CourierBookingInline)
    fields = (
        ("number", "state_badge", "needs_attention", "attention_reason"),
        ("order_link", "replacement_link", "customer"),
        ("reason", "resolution", "opened_by", "channel"),
        ("receiving_store", "opened_at", "received_at", "closed_at"),
        "note",
    )
    readonly_fields = (
        "number",
        "state_badge",
        "needs_attention",
        "attention_reason",
        "order_link",
        "replacement_link",
        "customer",
        "reason",
        "resolution",
        "opened_by",
        "channel",
        "receiving_store",
        "opened_at",
        "received_at",
        "closed_at",
        "note",
    )

    @admin.display(description=_("State"), ordering="state")
    def state_badge(self, case: ReturnCase) -> str:
        return format_html(
            '<span class="cc-badge cc-return-{}">{}</span>',
            case.state,
            RETURN_STATES.get(case.state, case.state),
        )

    @admin.display(description=_("Order"), ordering="order__number")
    def order_link(self, case: ReturnCase) -> str:
        url = reverse("admin:orders_order_change", args=[case.order_id])
        return format_html('<a href="{}">{}</a>', url, case.order.number)

    @admin.display(description=_("Replacement order"))
    def replacement_link(self, case: ReturnCase) -> str:
        if case.replacement_order_id is None:
            return "–"
        url = reverse("admin:orders_order_change", args=[case.replacement_order_id])
        return format_html('<a href="{}">{}</a>', url, case.replacement_order.number)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/receive/",
                self.admin_site.admin_view(self.receive_view),
                name="returns_returncase_receive",
            ),
            *super().get_urls(),
        ]

    def _may_receive(self, request: HttpRequest, case: ReturnCase) -> bool:
        return case.state in RECEIVABLE and console_role(request).can_work_at(
            case.receiving_store_id
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        context = {
            "receive_url": (
                reverse("admin:returns_returncase_receive", args=[case.pk])
                if self._may_receive(request, case)
                else None
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def receive_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self.get_object(request, object_id)
        case_url = reverse("admin:returns_returncase_change", args=[case.pk])
        if not self._may_receive(request, case):
            messages.error(request, gettext("This return cannot be received here."))
            return HttpResponseRedirect(case_url)
        lines = list(case.lines.select_related("product").order_by("pk"))
        form = ReturnReceiveForm(request.POST or None, lines=lines)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                case = return_receive(
                    number=case.number,
                    lines=[
                        ReceivedLineInput(sku=sku, quantity=units, condition=condition)
                        for sku, units, condition in form.received()
                    ],
                    store=case.receiving_store,
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                status = error.status
            else:
                messages.success(
                    request, gettext("Return %(number)s received.") % {"number": case.number}
                )
                return HttpResponseRedirect(case_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Receive return %(number)s") % {"number": case.number},
            "case": case,
            "form": form,
            "opts": self.opts,
            "case_url": case_url,
        }
        return TemplateResponse(request, "console/return_receive.html", context, status=status)
