"""Stock in the staff console: levels per store, the ledger, transfers, and the forms for a
delivery and a count, which call inventory.services. No stock row is editable directly."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from console.access import console_role
from console.errors import domain_error_message
from console.forms import (
    DeliveryLineFormSet,
    StockCountForm,
    StockReceiveForm,
    TransferReceiveForm,
    TransferRefuseForm,
    TransferShipForm,
)
from console.journal import journal_reason, journal_reference
from console.labels import TRANSFER_ACTIONS, TRANSFER_STATES
from console.options import ConsoleModelAdmin, ReadOnlyInline
from console.stores import stores_workable
from inventory.models import Product, StockLevel, StockMovement, Transfer, TransferLine
from inventory.selectors import product_list, product_map_by_code
from inventory.services import DeliveryLine, stock_count_correct, stock_receive_delivery
from orders.selectors import (
    ORDER_REFERENCE_PREFIX,
    transfer_available_actions,
    transfers_attach_orders,
)
from orders.services import order_transfer_receive, order_transfer_refuse, order_transfer_ship


@admin.register(Product)
class ProductAdmin(ConsoleModelAdmin):
    store_lookups = ()
    list_display = ("sku", "name", "category", "price", "gtin", "is_active")
    list_filter = ("is_active", "category")
    search_fields = ("=sku", "name", "=gtin")
    search_help_text = _("Name in German or English, SKU or GTIN; parts of words and typos too")
    fields = (
        ("sku", "name", "name_en"),
        ("category", "price", "gtin", "is_active", "popularity"),
        "description",
        "description_en",
    )
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        # The catalogue is the same for every store.
        return admin.ModelAdmin.get_queryset(self, request)

    def get_search_results(self, request, queryset, search_term):
        """The catalogue search the shop and the API use (products on sale)."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=product_list(search=search_term).values("pk")), False

    def has_view_permission(self, request, obj=None) -> bool:
        return console_role(request).uses_console


@admin.register(StockLevel)
class StockLevelAdmin(ConsoleModelAdmin):
    store_lookups = ("store",)
    change_list_template = "console/stocklevel_change_list.html"
    list_display = (
        "sku",
        "store_code",
        "on_hand",
        "reserved",
        "safety_stock",
        "available_units",
        "updated",
        "ledger",
    )
    list_select_related = ("store", "product")
    # A SKU by its start too: a clerk types "akku-bs" for AKKU-BS-18V.
    search_fields = ("^product__sku", "product__name", "=product__gtin", "=store__code")
    search_help_text = _("SKU or its start, product name, GTIN or store code")
    ordering = ("store__code", "product__sku")
    list_per_page = 100
    fields = (
        ("store", "product"),
        ("on_hand", "reserved", "safety_stock", "available_units"),
        "updated_at",
    )
    readonly_fields = flatten(fields)

    @admin.display(description=_("SKU"), ordering="product__sku")
    def sku(self, level: StockLevel) -> str:
        product = level.product
        return format_html('{}<span class="cc-sub">{}</span>', product.sku, product.name)

    @admin.display(description=_("Updated"), ordering="updated_at")
    def updated(self, level: StockLevel) -> str:
        return format_html(
            '<span class="cc-when">{}</span>',
            date_format(timezone.localtime(level.updated_at), "d.m. H:i"),
        )

    @admin.display(description=_("Product"), ordering="product__name")
    def product_name(self, level: StockLevel) -> str:
        return level.product.name

    @admin.display(description=_("Store"), ordering="store__code")
    def store_code(self, level: StockLevel) -> str:
        return level.store.code

    @admin.display(description=_("Available"))
    def available_units(self, level: StockLevel) -> int:
        return level.available

    @admin.display(description=_("Ledger"))
    def ledger(self, level: StockLevel) -> str:
        url = (
            reverse("admin:inventory_stockmovement_changelist")
            + "?"
            + urlencode({"stock_level__id__exact": level.pk})
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Ledger"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("receive/", wrap(self.receive_view), name="inventory_stocklevel_receive"),
            path("count/", wrap(self.count_view), name="inventory_stocklevel_count"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        role = console_role(request)
        context = {
            "can_change_stock": role.is_admin or role.is_store_staff,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def _forbidden(self, request: HttpRequest, title: str) -> HttpResponse | None:
        if stores_workable(console_role(request)).exists():
            return None
        return TemplateResponse(
            request,
            "console/stock_form.html",
            {**self.admin_site.each_context(request), "title": title, "forbidden": True},
            status=403,
        )

    def _ledger(self, **query) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:inventory_stockmovement_changelist") + "?" + urlencode(query)
        )

    def receive_view(self, request: HttpRequest) -> HttpResponse:
        """A delivery note with several lines, each a SKU (any case) or a scanned GTIN; every
        line is checked before one transaction books them all."""
        title = gettext("Receive a delivery")
        forbidden = self._forbidden(request, title)
        if forbidden:
            return forbidden
        stores = stores_workable(console_role(request))
        posted = request.POST if request.method == "POST" else None
        form = StockReceiveForm(posted, stores=stores)
        lines = DeliveryLineFormSet(posted, prefix="lines")
        status = 200
        if posted is not None:
            form_valid, lines_valid = form.is_valid(), lines.is_valid()
            # Every line's code is looked up, also when another line has an error: the clerk
            # sees everything that is wrong at once.
            codes = lines.codes()
            products = product_map_by_code(codes=codes.values())
            for index, code in codes.items():
                if code not in products:
                    lines.forms[index].add_error(
                        "code", gettext("No product with this SKU or GTIN.")
                    )
            filled = lines.filled() if lines_valid and lines.is_valid() else []
            if form_valid and filled:
                try:
                    stock_receive_delivery(
                        store_id=form.cleaned_data["store"].pk,
                        lines=[
                            DeliveryLine(products[code].pk, units) for _i, code, units in filled
                        ],
                        actor=request.user,
                        reference=form.cleaned_data["reference"],
                    )
                except DomainError as error:
                    form.add_error(None, domain_error_message(error))
                    status = error.status
                else:
                    units = sum(units for _i, _code, units in filled)
                    messages.success(
                        request,
                        ngettext(
                            "Delivery booked: %(units)s units in %(lines)s line.",
                            "Delivery booked: %(units)s units in %(lines)s lines.",
                            len(filled),
                        )
                        % {"units": units, "lines": len(filled)},
                    )
                    reference = form.cleaned_data["reference"]
                    return self._ledger(q=reference) if reference else self._ledger()
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "lines": lines,
            "opts": self.opts,
            "kind": "receive",
        }
        return TemplateResponse(request, "console/stock_delivery.html", context, status=status)

    def count_view(self, request: HttpRequest) -> HttpResponse:
        title = gettext("Correct a count")
        forbidden = self._forbidden(request, title)
        if forbidden:
            return forbidden
        stores = stores_workable(console_role(request))
        form = StockCountForm(
            request.POST or None, stores=stores, initial={"sku": request.GET.get("sku", "")}
        )
        status = 200
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            code = data["sku"].strip()
            product = product_map_by_code(codes=[code]).get(code)
            if product is None:
                form.add_error("sku", gettext("No product with this SKU or GTIN."))
                status = 400
            else:
                try:
                    level = stock_count_correct(
                        store_id=data["store"].pk,
                        product_id=product.pk,
                        counted=data["counted"],
                        actor=request.user,
                        reason=data["reason"],
                    )
                except DomainError as error:
                    form.add_error(None, domain_error_message(error))
                    status = error.status
                else:
                    messages.success(
                        request,
                        gettext("Count of %(sku)s recorded; now %(on_hand)s on hand.")
                        % {"sku": product.sku, "on_hand": level.on_hand},
                    )
                    return self._ledger(stock_level__id__exact=level.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.opts,
            "kind": "count",
        }
        return TemplateResponse(request, "console/stock_form.html", context, status=status)


@admin.register(StockMovement)
class StockMovementAdmin(ConsoleModelAdmin):
    """The append-only ledger, newest first."""

    store_lookups = ("stock_level__store",)
    list_display = (
        "when",
        "store_code",
        "sku",
        "kind",
        "on_hand_change",
        "reserved_change",
        "what",
        "actor",
    )
    list_filter = ("kind",)
    list_select_related = ("stock_level__store", "stock_level__product", "actor")
    search_fields = ("=stock_level__product__sku", "reference", "reason")
    search_help_text = _("SKU, reference or reason")
    ordering = ("-created_at", "-pk")
    list_per_page = 100
    fields = (
        ("stock_level", "kind"),
        ("on_hand_delta", "reserved_delta"),
        ("reference", "reason"),
        ("actor", "created_at"),
    )
    readonly_fields = flatten(fields)

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # The stock level page links here with ?stock_level__id__exact=: one SKU at one store.
        return lookup == "stock_level__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("When"), ordering="created_at")
    def when(self, movement: StockMovement) -> str:
        return format_html(
            '<span class="cc-when">{}</span>',
            date_format(timezone.localtime(movement.created_at), "d.m. H:i"),
        )

    @admin.display(description=_("SKU"), ordering="stock_level__product__sku")
    def sku(self, movement: StockMovement) -> str:
        product = movement.stock_level.product
        return format_html('{}<span class="cc-sub">{}</span>', product.sku, product.name)

    @admin.display(description=_("On hand"), ordering="on_hand_delta")
    def on_hand_change(self, movement: StockMovement) -> str:
        return f"{movement.on_hand_delta:+d}" if movement.on_hand_delta else "–"

    @admin.display(description=_("Reserved"), ordering="reserved_delta")
    def reserved_change(self, movement: StockMovement) -> str:
        return f"{movement.reserved_delta:+d}" if movement.reserved_delta else "–"

    @admin.display(description=_("Reason and reference"))
    def what(self, movement: StockMovement) -> str:
        return format_html(
            '{}<span class="cc-sub">{}</span>',
            journal_reason(movement.reason),
            journal_reference(movement.reference),
        )

    @admin.display(description=_("Store"), ordering="stock_level__store__code")
    def store_code(self, movement: StockMovement) -> str:
        return movement.stock_level.store.code


class TransferLineInline(ReadOnlyInline):
    model = TransferLine
    verbose_name = _("line")
    verbose_name_plural = _("Lines")
    fields = ("sku", "product_name", "quantity")
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @admin.display(description=_("SKU"))
    def sku(self, line: TransferLine) -> str:
        return line.product.sku

    @admin.display(description=_("Product"))
    def product_name(self, line: TransferLine) -> str:
        return line.product.name


TRANSFER_DONE = {
    "ship": _("Transfer %(number)s shipped."),
    "receive": _("Transfer %(number)s received: the units are reserved for the order."),
    "cannot_send": _("Transfer %(number)s cancelled: the order is sourced again."),
}


@admin.register(Transfer)
class TransferAdmin(ConsoleModelAdmin):
    store_lookups = ("source_store", "destination_store")
    change_form_template = "console/transfer_change_form.html"
    list_display = (
        "transfer_number",
        "from_store",
        "to_store",
        "state_badge",
        "order_number",
        "requested_at",
        "shipped_at",
    )
    list_display_links = ("transfer_number",)
    list_filter = ("state",)
    list_select_related = ("source_store", "destination_store")
    search_fields = ("reference", "=source_store__code", "=destination_store__code")
    search_help_text = _("Order number (order:…) or store code")
    ordering = ("-requested_at", "-pk")
    inlines = (TransferLineInline,)
    fields = (
        ("from_store", "to_store"),
        ("state_badge", "order_number"),
        ("requested_at", "shipped_at", "received_at", "cancelled_at"),
        "cancel_reason",
    )
    readonly_fields = flatten(fields)

    @admin.display(description=_("Transfer"), ordering="pk")
    def transfer_number(self, transfer: Transfer) -> str:
        return transfer.number

    @admin.display(description=_("From store"), ordering="source_store__code")
    def from_store(self, transfer: Transfer) -> str:
        return f"{transfer.source_store.code} {transfer.source_store.name}"

    @admin.display(description=_("To store"), ordering="destination_store__code")
    def to_store(self, transfer: Transfer) -> str:
        return f"{transfer.destination_store.code} {transfer.destination_store.name}"

    @admin.display(description=_("State"), ordering="state")
    def state_badge(self, transfer: Transfer) -> str:
        return format_html(
            '<span class="cc-badge cc-transfer-{}">{}</span>',
            transfer.state,
            TRANSFER_STATES.get(transfer.state, transfer.state),
        )

    @admin.display(description=_("For order"), ordering="reference")
    def order_number(self, transfer: Transfer) -> str:
        return transfer.reference.removeprefix(ORDER_REFERENCE_PREFIX)

    # --- the transfer page and its steps -----------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/ship/", wrap(self.ship_view), name="inventory_transfer_ship"),
            path(
                "<path:object_id>/receive/",
                wrap(self.receive_view),
                name="inventory_transfer_receive",
            ),
            path(
                "<path:object_id>/cannot-send/",
                wrap(self.cannot_send_view),
                name="inventory_transfer_cannot_send",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        transfer = self.get_object(request, object_id)
        actions = transfer_available_actions(transfer=transfer, user=request.user)
        context = {
            "transfer": transfer,
            "buttons": [
                {
                    "action": action,
                    "label": TRANSFER_ACTIONS[action],
                    "url": reverse(f"admin:inventory_transfer_{action}", args=[transfer.pk]),
                }
                for action in actions
            ],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _step(self, request: HttpRequest, object_id: str, *, action: str, form_class, title):
        transfer = self.get_object(request, object_id)
        lines = list(transfer.lines.select_related("product").order_by("pk"))
        # An empty POST (nothing ticked) is still a submitted form.
        form = form_class(request.POST if request.method == "POST" else None, lines=lines)
        status = 200
        if action not in transfer_available_actions(transfer=transfer, user=request.user):
            form = None
        elif request.method == "POST" and form.is_valid():
            try:
                if action == "ship":
                    order_transfer_ship(transfer_id=transfer.pk, by=request.user)
                elif action == "receive":
                    order_transfer_receive(transfer_id=transfer.pk, by=request.user)
                else:
                    order_transfer_refuse(
                        transfer_id=transfer.pk,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                status = error.status
            else:
                messages.success(request, TRANSFER_DONE[action] % {"number": transfer.number})
                return HttpResponseRedirect(reverse("admin:index"))
        transfers_attach_orders([transfer])
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"number": transfer.number},
            "transfer": transfer,
            "lines": lines,
            "form": form,
            "action": action,
            "opts": self.opts,
            "transfer_url": reverse("admin:inventory_transfer_change", args=[transfer.pk]),
        }
        return TemplateResponse(request, "console/transfer_form.html", context, status=status)

    def ship_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._step(
            request,
            object_id,
            action="ship",
            form_class=TransferShipForm,
            title=gettext("Pick and ship transfer %(number)s"),
        )

    def receive_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._step(
            request,
            object_id,
            action="receive",
            form_class=TransferReceiveForm,
            title=gettext("Receive transfer %(number)s"),
        )

    def cannot_send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._step(
            request,
            object_id,
            action="cannot_send",
            form_class=TransferRefuseForm,
            title=gettext("Cannot send transfer %(number)s"),
        )
