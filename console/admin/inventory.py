"""Stock in the staff console: levels per store, the ledger, transfers, and the forms for a
delivery and a count, which call inventory.services. No stock row is editable directly."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from console.access import console_role
from console.errors import domain_error_message
from console.forms import StockCountForm, StockReceiveForm
from console.options import ConsoleModelAdmin, ReadOnlyInline
from console.stores import stores_workable
from inventory.models import Product, StockLevel, StockMovement, Transfer, TransferLine
from inventory.selectors import product_get_by_sku
from inventory.services import stock_count_correct, stock_receive


@admin.register(Product)
class ProductAdmin(ConsoleModelAdmin):
    store_lookups = ()
    list_display = ("sku", "name", "category", "price", "gtin", "is_active")
    list_filter = ("is_active", "category")
    search_fields = ("=sku", "name", "=gtin")
    fields = (("sku", "name"), ("category", "price", "gtin", "is_active"), "description")
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        # The catalogue is the same for every store.
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request, obj=None) -> bool:
        return console_role(request).uses_console


@admin.register(StockLevel)
class StockLevelAdmin(ConsoleModelAdmin):
    store_lookups = ("store",)
    change_list_template = "console/stocklevel_change_list.html"
    list_display = (
        "sku",
        "product_name",
        "store_code",
        "on_hand",
        "reserved",
        "safety_stock",
        "available_units",
        "updated_at",
        "ledger",
    )
    list_select_related = ("store", "product")
    search_fields = ("=product__sku", "product__name", "=product__gtin", "=store__code")
    search_help_text = _("SKU, product name, GTIN or store code")
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
        return level.product.sku

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

    def _stock_form(self, request: HttpRequest, form_class, *, title: str, kind: str):
        stores = stores_workable(console_role(request))
        if not stores.exists():
            return TemplateResponse(
                request,
                "console/stock_form.html",
                {**self.admin_site.each_context(request), "title": title, "forbidden": True},
                status=403,
            )
        initial = {"sku": request.GET.get("sku", "")}
        form = form_class(request.POST or None, stores=stores, initial=initial)
        status = 200
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                product = product_get_by_sku(sku=data["sku"].strip(), include_inactive=True)
                if kind == "receive":
                    level = stock_receive(
                        store_id=data["store"].pk,
                        product_id=product.pk,
                        quantity=data["quantity"],
                        actor=request.user,
                        reference=data["reference"],
                    )
                    done = gettext("Received %(units)s × %(sku)s; now %(on_hand)s on hand.")
                else:
                    level = stock_count_correct(
                        store_id=data["store"].pk,
                        product_id=product.pk,
                        counted=data["counted"],
                        actor=request.user,
                        reason=data["reason"],
                    )
                    done = gettext("Count of %(sku)s recorded; now %(on_hand)s on hand.")
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                status = error.status
            else:
                messages.success(
                    request,
                    done
                    % {
                        "units": data.get("quantity"),
                        "sku": product.sku,
                        "on_hand": level.on_hand,
                    },
                )
                return HttpResponseRedirect(
                    reverse("admin:inventory_stockmovement_changelist")
                    + "?"
                    + urlencode({"stock_level__id__exact": level.pk})
                )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.opts,
            "kind": kind,
        }
        return TemplateResponse(request, "console/stock_form.html", context, status=status)

    def receive_view(self, request: HttpRequest) -> HttpResponse:
        return self._stock_form(
            request, StockReceiveForm, title=gettext("Receive a delivery"), kind="receive"
        )

    def count_view(self, request: HttpRequest) -> HttpResponse:
        return self._stock_form(
            request, StockCountForm, title=gettext("Correct a count"), kind="count"
        )


@admin.register(StockMovement)
class StockMovementAdmin(ConsoleModelAdmin):
    """The append-only ledger, newest first."""

    store_lookups = ("stock_level__store",)
    list_display = (
        "created_at",
        "store_code",
        "sku",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "reference",
        "reason",
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

    @admin.display(description=_("SKU"), ordering="stock_level__product__sku")
    def sku(self, movement: StockMovement) -> str:
        return f"{movement.stock_level.product.sku} {movement.stock_level.product.name}"

    @admin.display(description=_("Store"), ordering="stock_level__store__code")
    def store_code(self, movement: StockMovement) -> str:
        return movement.stock_level.store.code


class TransferLineInline(ReadOnlyInline):
    model = TransferLine
    fields = ("product", "quantity", "reference")
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


@admin.register(Transfer)
class TransferAdmin(ConsoleModelAdmin):
    store_lookups = ("source_store", "destination_store")
    list_display = ("pk", "source_store", "destination_store", "state", "reference", "requested_at")
    list_filter = ("state",)
    list_select_related = ("source_store", "destination_store")
    search_fields = ("reference", "=source_store__code", "=destination_store__code")
    ordering = ("-requested_at", "-pk")
    inlines = (TransferLineInline,)
    fields = (
        ("source_store", "destination_store"),
        ("state", "reference"),
        ("requested_at", "shipped_at", "received_at", "cancelled_at"),
    )
    readonly_fields = flatten(fields)
