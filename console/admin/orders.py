"""Orders in the staff console: the queue, the order page with its transitions as buttons, and
the forms for hand-over, shortage and cancellation. Every change goes through orders.services;
nothing here is editable directly, and the pickup code is never shown."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.exceptions import DomainError
from console.access import console_role
from console.errors import domain_error_message
from console.forms import CancelForm, CounterForm, HandInForm, HandOverForm, ShortageForm
from console.hotline.selectors import order_lines_returnable
from console.hotline.timeline import REASONS
from console.labels import ORDER_ACTIONS, ORDER_EVENTS, ORDER_STATES, PAYMENT_STATES
from console.money import money
from console.options import ConsoleModelAdmin, ReadOnlyInline
from console.stores import stores_workable
from customers.models import Customer
from messaging.models import Notification
from orders.codes import counter_input_parse, pickup_code_well_formed
from orders.models import Order, OrderLine, OrderTransition
from orders.payment_status import PaymentStatus
from orders.selectors import (
    order_available_actions,
    order_find_ready_by_pickup_code,
    order_payment_status,
)
from orders.services import (
    LineInput,
    order_cancel,
    order_hand_over,
    order_mark_ready,
    order_report_shortage,
    order_start_picking,
)
from returns.services import ReceivedLineInput, return_hand_in
from stores.roles import user_is_manager_of


def _short(moment) -> str:
    """A time in a list: short, in the reader's format, never wrapped."""
    if moment is None:
        return "–"
    return format_html(
        '<span class="cc-when">{}</span>',
        date_format(timezone.localtime(moment), "d.m. H:i"),
    )


def _payment_status(order: Order) -> PaymentStatus:
    """Read once per page: the order page shows it in more than one field."""
    if not hasattr(order, "_console_payment_status"):
        order._console_payment_status = order_payment_status(order=order)
    return order._console_payment_status


def _counter_code_key(order: Order) -> str:
    return f"counter-code:{order.pk}"


# Payment states with no amount to show beside them.
NOTHING_TO_CHARGE = ("nothing_charged", "declined", "free", "free_replacement")
DIRECT_ACTIONS = {"start_picking": order_start_picking, "mark_ready": order_mark_ready}
FORM_ACTIONS = {"hand_over": "hand-over", "report_shortage": "shortage", "cancel": "cancel"}
DONE_MESSAGES = {
    "start_picking": _("Order %(number)s: picking started."),
    "mark_ready": _("Order %(number)s is ready for pickup; the customer has been told."),
    "report_shortage": _("Order %(number)s: shortage reported."),
    "hand_over": _("Order %(number)s handed over."),
    "cancel": _("Order %(number)s cancelled."),
}


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    verbose_name = _("line")
    verbose_name_plural = _("Lines")
    fields = (
        "sku",
        "product_name",
        "quantity",
        "quantity_picked",
        "quantity_collected",
        "quantity_cancelled",
        "quantity_sourcing",
        "unit_price_amount",
    )
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @admin.display(description=_("SKU"))
    def sku(self, line: OrderLine) -> str:
        return line.product.sku

    @admin.display(description=_("Product"))
    def product_name(self, line: OrderLine) -> str:
        return line.product.name

    @admin.display(description=_("unit price"))
    def unit_price_amount(self, line: OrderLine) -> str:
        return money(line.unit_price)


class OrderTransitionInline(ReadOnlyInline):
    model = OrderTransition
    verbose_name = _("state change")
    verbose_name_plural = _("State history")
    fields = ("created_at", "event", "from_state", "to_state", "actor", "reason")
    readonly_fields = flatten(fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").order_by("created_at", "pk")

    @admin.display(description=_("What"))
    def event(self, transition: OrderTransition) -> str:
        return ORDER_EVENTS.get(transition.transition, transition.transition)

    @admin.display(description=_("From"))
    def from_state(self, transition: OrderTransition) -> str:
        return ORDER_STATES.get(transition.source, transition.source) if transition.source else "–"

    @admin.display(description=_("To"))
    def to_state(self, transition: OrderTransition) -> str:
        return ORDER_STATES.get(transition.target, transition.target)


@admin.register(Order)
class OrderAdmin(ConsoleModelAdmin):
    store_lookups = ("pickup_store",)
    change_form_template = "console/order_change_form.html"
    list_display = (
        "number",
        "state_badge",
        "customer_name",
        "units",
        "store_code",
        "placed",
        "hold_ends",
    )
    list_display_links = ("number",)
    list_filter = ("state", "channel", "kind")
    list_select_related = ("customer", "pickup_store")
    search_fields = ("=number", "customer__email", "customer__name", "=customer__phone")
    search_help_text = _("Order number, customer name, e-mail or phone (+49…)")
    ordering = ("-placed_at", "-pk")
    list_per_page = 50
    inlines = (OrderLineInline, OrderTransitionInline)
    fieldsets = (
        (
            _("Order"),
            {
                "fields": (
                    ("number", "state_badge"),
                    ("pickup_store", "kind", "channel", "campaign"),
                    ("placed_at", "ready_by", "hold_until"),
                    ("pickup_slot", "curbside"),
                )
            },
        ),
        (_("Customer"), {"fields": (("customer_name", "customer_email", "customer_phone"),)}),
        (_("Payment"), {"fields": (("payment_method_label", "total_amount", "payment_summary"),)}),
        (
            _("Pickup"),
            {
                "fields": (
                    ("pickup_code_failed_attempts", "hand_over_override_reason", "cancel_reason"),
                )
            },
        ),
        (
            _("Milestones"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("reserved_at", "picking_started_at", "ready_at"),
                    ("collected_at", "cancelled_at", "expired_at"),
                ),
            },
        ),
    )
    readonly_fields = (
        "number",
        "state_badge",
        "pickup_store",
        "kind",
        "channel",
        "campaign",
        "placed_at",
        "ready_by",
        "hold_until",
        "pickup_slot",
        "curbside",
        "customer_name",
        "customer_email",
        "customer_phone",
        "payment_method_label",
        "total_amount",
        "payment_summary",
        "pickup_code_failed_attempts",
        "hand_over_override_reason",
        "cancel_reason",
        "reserved_at",
        "picking_started_at",
        "ready_at",
        "collected_at",
        "cancelled_at",
        "expired_at",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("customer", "pickup_store", "payment")
            .annotate(units=Sum("lines__quantity"))
        )

    @admin.display(description=_("State"), ordering="state")
    def state_badge(self, order: Order) -> str:
        return format_html(
            '<span class="cc-badge cc-state-{}">{}</span>',
            order.state,
            ORDER_STATES.get(order.state, order.state),
        )

    @admin.display(description=_("Customer"), ordering="customer__name")
    def customer_name(self, order: Order) -> str:
        return order.customer.name

    @admin.display(description=_("E-mail"))
    def customer_email(self, order: Order) -> str:
        return order.customer.email

    @admin.display(description=_("Phone"))
    def customer_phone(self, order: Order) -> str:
        return order.customer.phone or "–"

    @admin.display(description=_("Units"), ordering="units")
    def units(self, order: Order) -> int:
        return order.units or 0

    @admin.display(description=_("Placed"), ordering="placed_at")
    def placed(self, order: Order) -> str:
        return _short(order.placed_at)

    @admin.display(description=_("Hold ends"), ordering="hold_until")
    def hold_ends(self, order: Order) -> str:
        return _short(order.hold_until)

    @admin.display(description=_("Store"), ordering="pickup_store__code")
    def store_code(self, order: Order) -> str:
        return order.pickup_store.code

    @admin.display(description=_("payment method"))
    def payment_method_label(self, order: Order) -> str:
        if _payment_status(order).state == "free_replacement":
            return gettext("None: free replacement")
        return order.get_payment_method_display()

    @admin.display(description=_("total"))
    def total_amount(self, order: Order) -> str:
        return money(order.total)

    @admin.display(description=_("Payment state"))
    def payment_summary(self, order: Order) -> str:
        """In the words of orders.payment_status: a free replacement says so, a collected order
        whose capture is still queued says the capture is in progress."""
        state = _payment_status(order).state
        label = PAYMENT_STATES[state]
        if state in NOTHING_TO_CHARGE:
            return str(label)
        return f"{label} · {money(order.total)}"

    # --- the order page and its actions ------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("counter/", wrap(self.counter_view), name="orders_order_counter"),
            path(
                "<path:object_id>/do/<str:action>/",
                wrap(self.transition_view),
                name="orders_order_transition",
            ),
            path(
                "<path:object_id>/hand-over/",
                wrap(self.hand_over_view),
                name="orders_order_hand_over",
            ),
            path(
                "<path:object_id>/shortage/", wrap(self.shortage_view), name="orders_order_shortage"
            ),
            path("<path:object_id>/cancel/", wrap(self.cancel_view), name="orders_order_cancel"),
            path(
                "<path:object_id>/hand-in-return/",
                wrap(self.hand_in_view),
                name="orders_order_hand_in_return",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        # The way forward first, cancelling last.
        actions = sorted(
            order_available_actions(order=order, user=request.user),
            key=lambda action: action == "cancel",
        )
        buttons = []
        for action in actions:
            if action in DIRECT_ACTIONS:
                url = reverse("admin:orders_order_transition", args=[order.pk, action])
            else:
                url = reverse(
                    f"admin:orders_order_{FORM_ACTIONS[action].replace('-', '_')}", args=[order.pk]
                )
            buttons.append(
                {
                    "action": action,
                    "label": ORDER_ACTIONS[action],
                    "url": url,
                    "post": action in DIRECT_ACTIONS,
                }
            )
        context = {
            "order": order,
            "buttons": buttons,
            "pick_list_url": reverse("admin:console_pick_list")
            + f"?store={order.pickup_store.code}",
            "hand_in_url": (
                reverse("admin:orders_order_hand_in_return", args=[order.pk])
                if self._may_hand_in(request, order)
                else None
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _order_page(self, order: Order) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    def _done(self, request: HttpRequest, order: Order, action: str) -> HttpResponseRedirect:
        messages.success(request, DONE_MESSAGES[action] % {"number": order.number})
        return self._order_page(order)

    def transition_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        return require_POST(self._transition)(request, object_id, action)

    def _transition(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        order = self.get_object(request, object_id)
        service = DIRECT_ACTIONS.get(action)
        if service is None:
            raise Http404
        try:
            order = service(order=order, by=request.user)
        except DomainError as error:
            messages.error(request, domain_error_message(error))
            return self._order_page(order)
        return self._done(request, order, action)

    def _form_page(self, request, order, form, *, title, action, template, status=200, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "order": order,
            "form": form,
            "action": action,
            "opts": self.opts,
            "order_url": reverse("admin:orders_order_change", args=[order.pk]),
            **extra,
        }
        return TemplateResponse(request, template, context, status=status)

    # --- the counter: one box for a scanned QR code, an order number or a pickup code --------

    def counter_view(self, request: HttpRequest) -> HttpResponse:
        return require_POST(self._counter)(request)

    def _counter(self, request: HttpRequest) -> HttpResponse:
        form = CounterForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        store = stores_workable(console_role(request)).filter(code=data.get("store", "")).first()
        if store is None:
            raise Http404
        back = HttpResponseRedirect(reverse("admin:index") + "?" + urlencode({"store": store.code}))
        typed = data.get("q", "")
        found = counter_input_parse(typed)
        if found is None:
            messages.error(
                request,
                gettext("“%(typed)s” is no order number, pickup code or order QR code.")
                % {"typed": typed.strip()[:40]},
            )
            return back
        if not found.number and not pickup_code_well_formed(found.code):
            # A typo: refused here, so no order's attempts are counted.
            messages.error(
                request,
                ngettext(
                    "A pickup code has 6 digits; you entered %(count)s.",
                    "A pickup code has 6 digits; you entered %(count)s.",
                    len(found.code),
                )
                % {"count": len(found.code)},
            )
            return back
        if found.number:
            order = self.get_queryset(request).filter(number=found.number).first()
            if order is None or order.pickup_store_id != store.pk:
                messages.error(
                    request,
                    gettext("No order %(number)s at this store.") % {"number": found.number},
                )
                return back
        else:
            order = order_find_ready_by_pickup_code(store_id=store.pk, code=found.code)
            if order is None:
                messages.error(request, gettext("No order ready for pickup here has this code."))
                return back
        if order.state != Order.State.READY_FOR_PICKUP:
            messages.info(
                request,
                gettext("Order %(number)s is %(state)s.")
                % {"number": order.number, "state": ORDER_STATES[order.state]},
            )
            return self._order_page(order)
        if found.code:
            # Handed to the hand-over page through the session, never through the URL.
            request.session[_counter_code_key(order)] = found.code
        return HttpResponseRedirect(reverse("admin:orders_order_hand_over", args=[order.pk]))

    def hand_over_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self.get_object(request, object_id)
        may_override = user_is_manager_of(request.user, order.pickup_store_id)
        scanned = request.session.pop(_counter_code_key(order), "")
        form = HandOverForm(
            request.POST or None, may_override=may_override, initial={"pickup_code": scanned}
        )
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                order = order_hand_over(
                    order=order,
                    by=request.user,
                    pickup_code=form.cleaned_data["pickup_code"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                # The next attempt starts from an empty box, not from the refused code.
                form.data = form.data.copy()
                form.data["pickup_code"] = ""
                order.refresh_from_db()
                status = error.status
            else:
                return self._done(request, order, "hand_over")
        return self._form_page(
            request,
            order,
            form,
            title=gettext("Hand over order %(number)s") % {"number": order.number},
            action="hand_over",
            template="console/order_hand_over.html",
            status=status,
            lines=order.lines.select_related("product"),
            may_override=may_override,
        )

    def shortage_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self.get_object(request, object_id)
        lines = list(order.lines.select_related("product").order_by("pk"))
        form = ShortageForm(request.POST or None, lines=lines)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                order = order_report_shortage(
                    order=order,
                    by=request.user,
                    shortages=[LineInput(sku=sku, quantity=units) for sku, units in form.missing()],
                )
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                status = error.status
            else:
                return self._done(request, order, "report_shortage")
        return self._form_page(
            request,
            order,
            form,
            title=gettext("Report a shortage for order %(number)s") % {"number": order.number},
            action="report_shortage",
            template="console/order_form.html",
            status=status,
            intro=gettext(
                "Enter how many units of each line you could not find. With the customer's "
                "consent to a transfer, they come from another store; otherwise they are "
                "cancelled and the customer is told."
            ),
        )

    def _may_hand_in(self, request: HttpRequest, order: Order) -> bool:
        return order.state == Order.State.COLLECTED and console_role(request).can_work_at(
            order.pickup_store_id
        )

    def hand_in_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A return handed in at this counter: received at once (stock by condition, refund
        queued) through returns.services.return_hand_in."""
        order = self.get_object(request, object_id)
        if order is None or not self._may_hand_in(request, order):
            raise Http404
        form = HandInForm(
            request.POST or None, lines=order_lines_returnable(order=order), reasons=REASONS
        )
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                case = return_hand_in(
                    order_number=order.number,
                    lines=[
                        ReceivedLineInput(sku=sku, quantity=units, condition=condition)
                        for sku, units, condition in form.handed_in()
                    ],
                    reason=form.cleaned_data["reason"],
                    store=order.pickup_store,
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                status = error.status
            else:
                messages.success(
                    request,
                    gettext("Return %(number)s received; the refund is on its way.")
                    % {"number": case.number},
                )
                return HttpResponseRedirect(
                    reverse("admin:returns_returncase_change", args=[case.pk])
                )
        elif request.method == "POST":
            status = 400
        return self._form_page(
            request,
            order,
            form,
            title=gettext("Hand in a return for order %(number)s") % {"number": order.number},
            action="hand_in_return",
            template="console/order_form.html",
            status=status,
            intro=gettext(
                "The customer hands the items in now: they are received at once, resellable "
                "ones back on sale at this store, defective ones written off, and the refund "
                "follows."
            ),
        )

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self.get_object(request, object_id)
        form = CancelForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                order = order_cancel(
                    order=order, by=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                form.add_error(None, domain_error_message(error))
                status = error.status
            else:
                return self._done(request, order, "cancel")
        return self._form_page(
            request,
            order,
            form,
            title=gettext("Cancel order %(number)s") % {"number": order.number},
            action="cancel",
            template="console/order_form.html",
            status=status,
            intro=gettext(
                "The reserved units go back on sale, a card payment is voided and the customer "
                "is told."
            ),
            danger=True,
        )


@admin.register(Customer)
class CustomerAdmin(ConsoleModelAdmin):
    """Hotline agents and administrators; clerks meet customers through their orders."""

    store_lookups = None
    list_display = ("name", "email", "phone", "language", "created_at")
    search_fields = ("email", "name", "=phone")
    fields = (
        ("name", "email", "phone"),
        ("language", "preferred_channel"),
        ("email_promotions_consent", "sms_promotions_consent"),
        "created_at",
    )
    readonly_fields = flatten(fields)


@admin.register(Notification)
class NotificationAdmin(ConsoleModelAdmin):
    """Administrators only: the message outbox, to see what was sent and what failed."""

    store_lookups = None
    agent_visible = False
    list_display = ("created_at", "template", "channel", "status", "attempts", "customer", "order")
    list_filter = ("status", "channel", "template")
    list_select_related = ("customer", "order")
    search_fields = ("=order__number", "customer__email")
    exclude = ("context",)
