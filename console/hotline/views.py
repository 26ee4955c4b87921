"""The hotline console inside the staff site: find a customer, read their journey, start an
exchange and follow its case. Agents only; anyone else is sent to log in or answered 404.
Every write goes through returns.services."""

from collections.abc import Callable, Mapping
from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.exceptions import DomainError, NotFound
from console.hotline.forms import ExchangeForm, RefundForm, SearchForm
from console.hotline.selectors import (
    ReturnableLine,
    collection_address_last,
    customer_order_list,
    customer_return_case_list,
    order_get_for_exchange,
    order_lines_returnable,
    replacement_store_list,
)
from console.hotline.timeline import CHANNELS, REASONS, timeline_rows
from console.labels import ORDER_ATTENTION, PAYMENT_STATES
from console.money import money
from customers.selectors import (
    SEARCH_LIMIT,
    customer_get,
    customer_search,
    customer_timeline_window,
)
from newsletter.selectors import customer_consents
from orders.models import Order
from orders.selectors import order_list_needing_attention, order_payment_status
from returns.models import ReturnCase
from returns.selectors import (
    return_case_get_for_user,
    return_case_list_needing_attention,
    return_case_refund_amount,
)
from returns.services import exchange_open, return_open
from stores.roles import user_is_agent

ATTENTION_SHOWN = 50
MIN_QUERY_LENGTH = 3
# The journey opens on its newest touchpoints; the agent can ask for the whole of it.
TIMELINE_SHOWN = 50


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users are sent to the staff login; logged-in users who are not agents get 404,
    so the pages do not even admit they exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not user_is_agent(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            # The hotline is worked while on a call: its pages get the whole width.
            "is_nav_sidebar_enabled": False,
            "search_form": SearchForm(),
            **context,
        },
        status=status,
    )


@require_GET
@agent_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    customers = list(customer_search(query=query)) if len(query) >= MIN_QUERY_LENGTH else []
    if len(customers) == 1:
        return redirect("hotline:customer", customer_id=customers[0].pk)
    return _page(
        request,
        "hotline/search.html",
        {
            "title": _("Hotline"),
            "search_form": form,
            "query": query,
            "too_short": 0 < len(query) < MIN_QUERY_LENGTH,
            "customers": customers,
            "limit": SEARCH_LIMIT,
            "attention": list(return_case_list_needing_attention()[:ATTENTION_SHOWN]),
            "orders_attention": [
                (order, ORDER_ATTENTION.get(order.attention_reason, order.attention_reason))
                for order in order_list_needing_attention(limit=ATTENTION_SHOWN)
            ],
        },
    )


@require_GET
@agent_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = customer_get(customer_id=customer_id)
    except NotFound:
        raise Http404 from None
    orders = customer_order_list(customer=customer)
    for order in orders:
        order.channel_label = CHANNELS.get(order.channel, order.channel)
    cases = customer_return_case_list(customer=customer)
    newest_first = request.GET.get("timeline") != "oldest"
    whole = request.GET.get("journey") == "whole"
    window = customer_timeline_window(customer=customer, latest=None if whole else TIMELINE_SHOWN)
    rows = timeline_rows(
        entries=window.entries,
        orders={order.number: order for order in orders},
        cases={case.number: case for case in cases},
        newest_first=newest_first,
    )
    return _page(
        request,
        "hotline/customer.html",
        {
            "title": customer.name,
            "customer": customer,
            "orders": orders,
            "cases": cases,
            "timeline": rows,
            "timeline_complete": window.complete,
            "timeline_shown": TIMELINE_SHOWN,
            "whole_journey": whole,
            "newest_first": newest_first,
            "consents": customer_consents(customer=customer),
        },
    )


def _quantities(data: Mapping[str, str], lines: list[ReturnableLine]) -> dict[int, int]:
    """Quantities asked per line as typed, for the availability list only: anything that is not
    a whole number counts as 0, and a line never asks for more than can come back."""
    asked = {}
    for line in lines:
        try:
            quantity = int(data.get(line.field_name) or 0)
        except ValueError:
            quantity = 0
        asked[line.order_line.pk] = min(max(quantity, 0), line.returnable)
    return asked


def _stores_context(order: Order, lines: list[ReturnableLine], data, selected: str) -> dict:
    """The replacement stores for what is asked; one of each returnable item while nothing is."""
    asked = _quantities(data, lines)
    wanted = [
        (line.order_line.product_id, asked[line.order_line.pk])
        for line in lines
        if asked[line.order_line.pk] > 0
    ]
    for_everything = not wanted
    if for_everything:
        wanted = [(line.order_line.product_id, 1) for line in lines if line.returnable > 0]
    names = {line.order_line.product_id: line.order_line.product.name for line in lines}
    stores = replacement_store_list(order=order, lines=wanted, names=names) if wanted else []
    return {
        "order": order,
        "stores": stores,
        "selected_store": (selected or "").strip().upper(),
        "stores_for_everything": for_everything,
    }


@require_http_methods(["GET", "POST"])
@agent_required
def exchange_start(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_exchange(number=number)
    lines = order_lines_returnable(order=order)
    if order.state != Order.State.COLLECTED or not any(line.returnable for line in lines):
        return _page(
            request,
            "hotline/exchange.html",
            {"title": _("Start an exchange"), "order": order, "not_exchangeable": True},
            status=409,
        )
    if request.method == "POST" and "refresh" not in request.POST:
        form = ExchangeForm(request.POST, lines=lines)
        if form.is_valid():
            try:
                opened = exchange_open(
                    order_number=order.number,
                    lines=form.line_inputs(),
                    reason=form.cleaned_data["reason"],
                    replacement_store_code=form.cleaned_data["replacement_store"].strip().upper(),
                    collection=form.collection_input(),
                    by=request.user,
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _(
                        "Exchange %(case)s opened: replacement %(order)s at %(store)s, "
                        "courier requested."
                    )
                    % {
                        "case": opened.case.number,
                        "order": opened.replacement_order.number,
                        "store": opened.replacement_order.pickup_store.name,
                    },
                )
                return redirect("hotline:case", number=opened.case.number)
        data = request.POST
    elif request.method == "POST":
        # Refreshing the availability keeps what was typed without judging it yet.
        form = ExchangeForm(initial=request.POST.dict(), lines=lines)
        data = request.POST
    else:
        initial = ExchangeForm.initial_for(
            order=order, last_booking=collection_address_last(customer=order.customer)
        )
        form = ExchangeForm(initial=initial, lines=lines)
        # The stores offered are those that have what the form proposes to send back.
        data = {line.field_name: str(line.returnable) for line in lines}
    selected = data.get("replacement_store") or form.initial.get("replacement_store", "")
    return _page(
        request,
        "hotline/exchange.html",
        {
            "title": _("Start an exchange"),
            "form": form,
            "customer": order.customer,
            **_stores_context(order, lines, data, selected),
        },
        status=400 if (form.is_bound and form.errors) or form.lines_errors else 200,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def refund_start(request: HttpRequest, number: str) -> HttpResponse:
    """A refund return next to the exchange: the same lines and reason, a courier or not."""
    order = order_get_for_exchange(number=number)
    lines = order_lines_returnable(order=order)
    context = {"title": _("Start a refund return"), "order": order, "customer": order.customer}
    if order.state != Order.State.COLLECTED or not any(line.returnable for line in lines):
        return _page(request, "hotline/refund.html", {**context, "not_returnable": True}, 409)
    if request.method == "POST":
        form = RefundForm(request.POST, lines=lines)
        if form.is_valid():
            try:
                case = return_open(
                    order_number=order.number,
                    lines=form.line_inputs(),
                    reason=form.cleaned_data["reason"],
                    opened_by=ReturnCase.OpenedBy.AGENT,
                    collection=form.collection_input_or_none(),
                    by=request.user,
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Refund return %(case)s opened.") % {"case": case.number},
                )
                return redirect("hotline:case", number=case.number)
    else:
        initial = ExchangeForm.initial_for(
            order=order, last_booking=collection_address_last(customer=order.customer)
        )
        form = RefundForm(initial=initial, lines=lines)
    failed = form.is_bound and (form.errors or form.lines_errors)
    return _page(request, "hotline/refund.html", {**context, "form": form}, 400 if failed else 200)


@require_GET
@agent_required
def exchange_stores(request: HttpRequest, number: str) -> HttpResponse:
    """The replacement store list alone, for the exchange form's live refresh."""
    order = order_get_for_exchange(number=number)
    lines = order_lines_returnable(order=order)
    return TemplateResponse(
        request,
        "hotline/_stores.html",
        _stores_context(order, lines, request.GET, request.GET.get("replacement_store", "")),
    )


@require_GET
@agent_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = return_case_get_for_user(number=number, user=request.user)
    except NotFound:
        raise Http404 from None
    replacement = case.replacement_order
    is_refund = case.resolution == ReturnCase.Resolution.REFUND
    return _page(
        request,
        "hotline/case.html",
        {
            "title": _("Case %(number)s") % {"number": case.number},
            "case": case,
            "reason_label": REASONS.get(case.reason, case.reason),
            "lines": list(case.lines.all()),
            # A case without a courier booking is one the customer brings to the store.
            "bookings": sorted(
                case.courier_bookings.all(), key=lambda booking: (booking.requested_at, booking.pk)
            ),
            "replacement": replacement,
            "replacement_store": replacement.pickup_store if replacement else None,
            "is_refund": is_refund,
            **(_refund_context(case) if is_refund else {}),
        },
    )


def _refund_context(case: ReturnCase) -> dict:
    """What a refund case pays back, what has been refunded so far and how the original order
    was paid, in the console's words and money (the order was read with its payment)."""
    amount = return_case_refund_amount(case=case)
    return {
        "refund_amount": amount,
        "refund_amount_text": money(amount),
        "refunded_text": money(case.refunded_amount),
        "payment_state_label": PAYMENT_STATES[order_payment_status(order=case.order).state],
    }
