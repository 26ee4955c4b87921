"""The shopper pages: search, product with availability near the shopper, checkout, and the order
page behind the secret link of the confirmation message. Reads go through the selectors, writes
through orders.services; these views only turn forms into calls and errors into messages."""

import datetime
from urllib.parse import urlencode

import icalendar
import segno
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from config.exceptions import DomainError
from config.replica import replica_reads
from customers.services import CustomerInput
from inventory.exceptions import UnknownProduct
from inventory.models import Product
from inventory.selectors import (
    StoreAvailability,
    availability_for_sku,
    product_get_by_sku,
    product_list,
    product_store_counts_with_stock,
)
from orders.codes import counter_qr_payload
from orders.exceptions import OrderNotFound
from orders.models import Order
from orders.selectors import (
    SlotChoice,
    order_available_actions,
    order_get_for_shopper,
    order_payment_status,
    order_pickup_code_for_shopper,
    order_sepa_mandate,
    pickup_slot_list_for_order,
)
from orders.services import LineInput, order_cancel, order_place
from orders.services.placement import MAX_QUANTITY
from payments.sepa import SepaInput, mandate_text
from shop import dates
from shop.forms import IBAN_MESSAGES, CancelForm, CheckoutForm, LocationForm, SearchForm
from shop.newsletter import newsletter_request_at_checkout
from stores.models import Store, StoreClosure
from stores.selectors import (
    store_closure_list_upcoming,
    store_earliest_ready_by,
    store_list_for_click_and_collect,
)

RESULTS_PER_PAGE = 20
NEAREST_STORES_SHOWN = 10
CLOSURES_SHOWN_DAYS = 14
CAMPAIGN_MAX_LENGTH = 64
# Pickup times offered: the next days that have slots, and on the product page the first few.
SLOT_DAYS_SHOWN = 3
SLOTS_ON_PRODUCT_PAGE = 6

# What the shopper is told about the order, by state. Model labels are the staff's words.
STATE_HEADLINES = {
    Order.State.PLACED: gettext_lazy("We have received your order."),
    Order.State.SOURCING: gettext_lazy("We are bringing your items from another store."),
    Order.State.RESERVED: gettext_lazy("Your items are reserved for you."),
    Order.State.PICKING: gettext_lazy("We are picking your order now."),
    Order.State.READY_FOR_PICKUP: gettext_lazy("Your order is ready for pickup."),
    Order.State.COLLECTED: gettext_lazy("You have collected this order. Thank you!"),
    Order.State.CANCELLED: gettext_lazy("This order has been cancelled."),
    Order.State.EXPIRED: gettext_lazy(
        "This order was not collected in time and has been cancelled."
    ),
}
# The progress bar: the step each state has reached.
STEP_OF_STATE = {
    Order.State.PLACED: 0,
    Order.State.SOURCING: 1,
    Order.State.RESERVED: 1,
    Order.State.PICKING: 2,
    Order.State.READY_FOR_PICKUP: 3,
    Order.State.COLLECTED: 4,
}

# Where a service's refusal belongs on the checkout form, by the field it names.
CHECKOUT_FIELD_OF = {
    "customer.email": "email",
    "customer.name": "name",
    "customer.phone": "phone",
    "notify_by": "notify_by",
    "customer.language": None,
    "pickup_store": "store",
    "payment_method": "payment_method",
    "lines": "quantity",
    "lines[0].quantity": "quantity",
    "curbside": None,
    "campaign": None,
    "pickup_slot": "pickup_slot",
    "sepa": "iban",
    "sepa.iban": "iban",
    "sepa.account_holder": "account_holder",
    "sepa.mandate_accepted": "mandate_accepted",
}
CHECKOUT_MESSAGES = {
    "email": gettext_lazy("Enter a valid e-mail address."),
    "name": gettext_lazy("Enter your name (at most 120 characters)."),
    "phone": gettext_lazy("Enter a phone number, e.g. 0151 23456789 or +49 151 23456789."),
    "notify_by": gettext_lazy("Choose e-mail, text message or both."),
    "store": gettext_lazy("Choose one of the stores in the list."),
    "payment_method": gettext_lazy("Choose how you want to pay."),
    "quantity": format_lazy(gettext_lazy("Choose a quantity from 1 to {max}."), max=MAX_QUANTITY),
    "pickup_slot": gettext_lazy("Choose one of the pickup times in the list."),
    "iban": IBAN_MESSAGES["format"],
    "account_holder": gettext_lazy("Enter the name of the account holder."),
    "mandate_accepted": gettext_lazy("Please give the mandate to pay by direct debit."),
}
CHECKOUT_MESSAGES_BY_CODE = {
    "store_not_click_and_collect": (
        "store",
        gettext_lazy("This store does not take online orders."),
    ),
    "unknown_store": ("store", gettext_lazy("Choose one of the stores in the list.")),
    "unknown_sku": (None, gettext_lazy("This product is no longer sold.")),
    "pickup_slot_full": (
        "pickup_slot",
        gettext_lazy("This pickup time has just been fully booked. Please choose another."),
    ),
    "pickup_slot_unknown": (
        "pickup_slot",
        gettext_lazy("Choose one of the pickup times in the list."),
    ),
    "pickup_slot_too_early": (
        "pickup_slot",
        gettext_lazy("Your order cannot be ready by then. Please choose a later time."),
    ),
    "curbside_not_available": (None, gettext_lazy("This store does not offer curbside pickup.")),
    "order_limit_reached": (
        None,
        gettext_lazy(
            "You already have as many open orders as we allow. "
            "Please collect or cancel one of them first."
        ),
    ),
}


def _campaign(request: HttpRequest) -> str:
    """The campaign the shopper arrived from, carried through every link up to the order."""
    value = request.POST.get("campaign") or request.GET.get("campaign") or ""
    return value.strip()[:CAMPAIGN_MAX_LENGTH]


def _with_query(url: str, **params: str) -> str:
    params = {key: value for key, value in params.items() if value}
    return f"{url}?{urlencode(params)}" if params else url


def _not_found(request: HttpRequest, *, what: str) -> HttpResponse:
    return render(request, "shop/not_found.html", {"what": what}, status=404)


def _store_counts_with_stock(product_ids: list[int]) -> dict[int, int]:
    """Product id -> number of click-and-collect stores with at least one unit to promise; one
    query for the whole result page."""
    return product_store_counts_with_stock(
        product_ids=product_ids, stores=store_list_for_click_and_collect()
    )


def _store_near(place: str) -> Store | None:
    """The store matching a typed city or postcode: the same city or postcode, else the same
    postal area (first three, then first two digits). The stores stand in for a geocoder."""
    place = " ".join(place.split())
    stores = store_list_for_click_and_collect().order_by("code")
    found = stores.filter(Q(city__iexact=place) | Q(postcode=place)).first()
    if found is None and place.isdigit():
        for digits in (3, 2):
            if len(place) >= digits:
                found = stores.filter(postcode__startswith=place[:digits]).first()
                if found is not None:
                    break
    if found is None and not place.isdigit() and len(place) >= 3:
        found = stores.filter(city__istartswith=place).first()
    return found


def _location(request: HttpRequest) -> tuple[LocationForm, float | None, float | None]:
    form = LocationForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, None, None
    latitude, longitude = form.cleaned_data.get("lat"), form.cleaned_data.get("lon")
    near = form.cleaned_data.get("near") or ""
    if latitude is None and near:
        store = _store_near(near)
        if store is None:
            form.add_error(
                "near",
                _("We found no store near “%(place)s”. Try a city or a postcode.")
                % {"place": near},
            )
            return form, None, None
        latitude, longitude = store.latitude, store.longitude
    return form, latitude, longitude


def _search_heading() -> str:
    """The promise over the search: "today" or "tomorrow" only when some store can really have
    an order of what it has in stock ready then (as the product page tells per store)."""
    earliest = store_earliest_ready_by(now=timezone.now())
    if earliest is not None:
        store, ready = earliest
        day, today = ready.astimezone(store.zone).date(), dates.store_today(store)
        if day == today:
            return _("Find a product and collect it today")
        if day == today + datetime.timedelta(days=1):
            return _("Find a product and collect it tomorrow")
    return _("Find a product and collect it at a store near you")


@replica_reads
def search(request: HttpRequest) -> HttpResponse:
    """Product search: results with price and in how many stores they can be collected."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        # The results are what the shopper came for; the keyboard would cover them on a phone.
        form.fields["q"].widget.attrs.pop("autofocus", None)
    try:
        page_number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page_number = 1
    start = (page_number - 1) * RESULTS_PER_PAGE
    # One row more than shown tells whether there is a next page without counting them all.
    rows = list(product_list(search=query)[start : start + RESULTS_PER_PAGE + 1])
    products = rows[:RESULTS_PER_PAGE]
    counts = _store_counts_with_stock([product.pk for product in products])
    campaign = _campaign(request)
    language = translation.get_language() or "de"
    results = [
        {
            "product": product,
            "name": product.name_in(language),
            "stores_with_stock": counts.get(product.pk, 0),
            "url": _with_query(reverse("shop:product", args=[product.sku]), campaign=campaign),
        }
        for product in products
    ]
    return render(
        request,
        "shop/search.html",
        {
            "heading": _search_heading(),
            "form": form,
            "query": query,
            "results": results,
            "campaign": campaign,
            "previous_url": _with_query(
                request.path, q=query, campaign=campaign, page=str(page_number - 1)
            )
            if page_number > 1
            else None,
            "next_url": _with_query(
                request.path, q=query, campaign=campaign, page=str(page_number + 1)
            )
            if len(rows) > RESULTS_PER_PAGE
            else None,
        },
    )


def _slot_days(store: Store, choice: SlotChoice) -> list[dict]:
    """The slots of the next days that have any, grouped by the store's local day."""
    today = dates.store_today(store)
    days: list[dict] = []
    for slot in choice.slots:
        day = slot.start.astimezone(store.zone).date()
        if not days or days[-1]["date"] != day:
            if len(days) == SLOT_DAYS_SHOWN:
                break
            days.append({"date": day, "heading": dates.day_heading(day, today=today), "slots": []})
        days[-1]["slots"].append(
            {
                "value": slot.start.isoformat(),
                "hours": dates.slot_hours(slot.start, slot.end, store),
                "available": slot.available,
            }
        )
    return days


def _slot_choice(row: StoreAvailability, product: Product, quantity: int) -> SlotChoice:
    """The pickup times of the store in this availability row, for `quantity` of the product."""
    return pickup_slot_list_for_order(
        store=row.store,
        lines=[(product.pk, quantity)],
        now=timezone.now(),
        via_transfer=row.available < quantity,
    )


@replica_reads
def product_detail(request: HttpRequest, sku: str) -> HttpResponse:
    """The product and where it can be collected: nearest stores first when the shopper gave a
    location, else every store by name; the next pickup times of the store the shopper chose."""
    try:
        product = product_get_by_sku(sku=sku)
    except UnknownProduct:
        return _not_found(request, what="product")
    location_form, latitude, longitude = _location(request)
    located = latitude is not None
    availability = availability_for_sku(
        product=product,
        latitude=latitude,
        longitude=longitude,
        limit=NEAREST_STORES_SHOWN if located else None,
    )
    if not located:
        availability.sort(key=lambda row: (row.store.name, row.store.code))
    campaign = _campaign(request)
    checkout_url = reverse("shop:checkout", args=[product.sku])
    here = {key: request.GET.get(key, "") for key in ("near", "lat", "lon")}
    chosen_code = request.GET.get("store", "")
    stores = []
    chosen = None
    for row in availability:
        item = {
            "availability": row,
            "checkout_url": _with_query(checkout_url, store=row.store.code, campaign=campaign),
            "times_url": _with_query(request.path, **here, store=row.store.code, campaign=campaign)
            + "#slots",
        }
        if row.store.code == chosen_code:
            choice = _slot_choice(row, product, 1)
            item["choice"] = choice
            item["slots"] = [
                {
                    "label": dates.pickup_when(slot.start, row.store),
                    "url": _with_query(
                        checkout_url,
                        store=row.store.code,
                        slot=slot.start.isoformat(),
                        campaign=campaign,
                    ),
                }
                for slot in choice.slots
                if slot.available
            ][:SLOTS_ON_PRODUCT_PAGE]
            chosen = item
        stores.append(item)
    return render(
        request,
        "shop/product.html",
        {
            "product": product,
            "stores": stores,
            "chosen": chosen,
            "located": located,
            "location_form": location_form,
            "campaign": campaign,
            "in_stock_anywhere": any(row.in_stock for row in availability),
        },
    )


def _store_choices(
    product: Product,
) -> tuple[list[tuple[str, str]], dict[str, StoreAvailability]]:
    """Every click-and-collect store by name, labelled with what it has of the product."""
    availability = sorted(
        availability_for_sku(product=product), key=lambda row: (row.store.name, row.store.code)
    )
    choices = []
    for row in availability:
        if row.in_stock:
            label = _("%(store)s · %(count)s available") % {
                "store": row.store.name,
                "count": row.available,
            }
        else:
            label = _("%(store)s · out of stock") % {"store": row.store.name}
        choices.append((row.store.code, label))
    return choices, {row.store.code: row for row in availability}


def _shopper_language() -> str:
    language = (translation.get_language() or "de").split("-")[0]
    return language if language in ("de", "en") else "de"


def _checkout_error(form: CheckoutForm, error: DomainError) -> list[dict]:
    """Puts a service's refusal next to the field it concerns; returns the alternatives offered
    when the store lacks stock."""
    if error.code == "insufficient_stock":
        shortages = error.fields.get("lines") or [{}]
        available = shortages[0].get("available", 0)
        if available:
            message = _("Only %(count)s left at this store.") % {"count": available}
        else:
            message = _("Sold out at this store.")
        form.add_error("quantity", message)
        return error.extra.get("alternatives", [])
    if error.code == "invalid_iban":
        form.add_error("iban", str(IBAN_MESSAGES[error.extra.get("reason", "format")]))
        return []
    if error.code in CHECKOUT_MESSAGES_BY_CODE:
        field, message = CHECKOUT_MESSAGES_BY_CODE[error.code]
        form.add_error(field, str(message))
        return []
    placed = False
    for name in error.fields:
        field = CHECKOUT_FIELD_OF.get(name)
        if field is not None:
            form.add_error(field, str(CHECKOUT_MESSAGES[field]))
            placed = True
    if not placed:
        form.add_error(None, _("Your order could not be placed. Please check your details."))
    return []


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, sku: str) -> HttpResponse:
    """Contact details, store, quantity and payment; places the order and sends the shopper to
    its page, the same secret link the confirmation message carries."""
    try:
        product = product_get_by_sku(sku=sku)
    except UnknownProduct:
        return _not_found(request, what="product")
    choices, by_code = _store_choices(product)
    campaign = _campaign(request)
    alternatives: list[dict] = []
    if request.method == "POST":
        form = CheckoutForm(request.POST, store_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                placed = order_place(
                    customer=CustomerInput(
                        email=data["email"],
                        name=data["name"],
                        phone=data["phone"],
                        language=_shopper_language(),
                    ),
                    pickup_store_code=data["store"],
                    lines=[LineInput(sku=product.sku, quantity=data["quantity"])],
                    payment_method=data["payment_method"],
                    channel=Order.SalesChannel.WEB,
                    allow_transfer=data["allow_transfer"],
                    pickup_slot=data["pickup_slot"],
                    curbside=data["curbside"],
                    campaign=data["campaign"],
                    notify_by=data["notify_by"],
                    sepa=SepaInput(
                        iban=data["iban"],
                        account_holder=data["account_holder"],
                        mandate_accepted=data["mandate_accepted"],
                    )
                    if data["payment_method"] == Order.PaymentMethod.SEPA_DEBIT
                    else None,
                )
            except DomainError as error:
                alternatives = _checkout_error(form, error)
            else:
                if data["newsletter"]:
                    newsletter_request_at_checkout(request, email=data["email"])
                return redirect(_order_url(placed.order.number, placed.access_token))
    else:
        store_code = request.GET.get("store", "")
        chosen = by_code.get(store_code)
        form = CheckoutForm(
            initial={
                "store": store_code,
                "quantity": request.GET.get("quantity", 1),
                "pickup_slot": request.GET.get("slot", ""),
                "campaign": campaign,
                "payment_method": Order.PaymentMethod.CARD,
                # Chosen although sold out there: the shopper means to wait for a transfer.
                "allow_transfer": chosen is not None and not chosen.in_stock,
            },
            store_choices=choices,
        )
    chosen = by_code.get(form["store"].value() or "")
    slot_choice = None
    if chosen is not None:
        try:
            quantity = min(max(int(form["quantity"].value() or 1), 1), MAX_QUANTITY)
        except (TypeError, ValueError):
            quantity = 1
        slot_choice = _slot_choice(chosen, product, quantity)
    return render(
        request,
        "shop/checkout.html",
        {
            "product": product,
            "form": form,
            "chosen": chosen,
            "slot_choice": slot_choice,
            "slot_days": _slot_days(chosen.store, slot_choice) if slot_choice else [],
            "selected_slot": form["pickup_slot"].value() or "",
            "mandate_text": mandate_text(language=_shopper_language()),
            "sandbox_payments": settings.PAYMENT_GATEWAY.endswith(".SandboxGateway"),
            "alternatives": alternatives,
            "campaign": campaign,
            "back_url": _with_query(reverse("shop:product", args=[product.sku]), campaign=campaign),
        },
    )


def _order_url(number: str, token: str) -> str:
    return _with_query(reverse("shop:order", args=[number]), token=token)


def _qr_svg(payload: str) -> str:
    # A full QR code (never a micro one) so any counter scanner reads it; it holds what the
    # counter's "scan or type" box reads: "CC <order number> <pickup code>".
    return segno.make_qr(payload, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr-code", dark="#111", light="#fff"
    )


def _progress(order: Order) -> list[dict]:
    reached = STEP_OF_STATE.get(order.state)
    sourcing = order.state == Order.State.SOURCING
    steps = [
        (_("Ordered"), order.placed_at),
        (_("Coming from another store") if sourcing else _("Reserved"), order.reserved_at),
        (_("Being picked"), order.picking_started_at),
        (_("Ready for pickup"), order.ready_at),
        (_("Collected"), order.collected_at),
    ]
    return [
        {
            "label": label,
            "at": at if reached is not None and index <= reached else None,
            "done": reached is not None and index < reached,
            "current": index == reached,
        }
        for index, (label, at) in enumerate(steps)
    ]


def _opening_hours(store: Store) -> list[dict]:
    by_weekday = {hours.weekday: hours for hours in store.opening_hours.all()}
    return [{"day": WEEKDAYS[weekday], "hours": by_weekday.get(weekday)} for weekday in range(7)]


def _upcoming_closures(store: Store) -> list[StoreClosure]:
    return store_closure_list_upcoming(store=store, days=CLOSURES_SHOWN_DAYS)


@never_cache
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The order behind its secret link: progress, lines, store, pickup code and QR code once
    ready, and cancel while allowed."""
    token = request.GET.get("token", "")
    try:
        order = order_get_for_shopper(number=number, access_token=token)
    except OrderNotFound:
        return _not_found(request, what="order")
    pickup_code = order_pickup_code_for_shopper(order=order)
    store = order.pickup_store
    return render(
        request,
        "shop/order.html",
        {
            "order": order,
            "token": token,
            "headline": STATE_HEADLINES[order.state],
            "progress": _progress(order),
            "finished": order.state not in STEP_OF_STATE,
            "lines": list(order.lines.select_related("product").order_by("pk")),
            "store": store,
            "opening_hours": _opening_hours(store),
            "closures": _upcoming_closures(store),
            "payment": order_payment_status(order=order),
            "calendar_url": _with_query(
                reverse("shop:order_calendar", args=[order.number]), token=token
            ),
            "mandate": order_sepa_mandate(order=order),
            "pickup_code": pickup_code,
            "qr_svg": (
                _qr_svg(counter_qr_payload(number=order.number, code=pickup_code))
                if pickup_code
                else None
            ),
            "can_cancel": "cancel" in order_available_actions(order=order, user=None),
            "cancel_url": _with_query(
                reverse("shop:order_cancel", args=[order.number]), token=token
            ),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def order_cancel_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """Asks the shopper to confirm, then cancels through the service (by=None: the shopper)."""
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    try:
        order = order_get_for_shopper(number=number, access_token=token or "")
    except OrderNotFound:
        return _not_found(request, what="order")
    form = CancelForm(request.POST or None, initial={"token": token})
    status = 200
    if "cancel" not in order_available_actions(order=order, user=None):
        form = None
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            order_cancel(order=order, by=None, reason=f"shopper: {form.cleaned_data['reason']}")
        except DomainError:
            # The store handed it over or it expired a moment ago.
            form = None
            status = 409
        else:
            return redirect(_order_url(order.number, token))
    return render(
        request,
        "shop/cancel.html",
        {"order": order, "form": form, "order_url": _order_url(order.number, token)},
        status=status,
    )


@never_cache
def order_calendar(request: HttpRequest, number: str) -> HttpResponse:
    """The order's pickup slot as an .ics file for the shopper's calendar; 404 without a slot or
    once the order is closed."""
    token = request.GET.get("token", "")
    try:
        order = order_get_for_shopper(number=number, access_token=token)
    except OrderNotFound:
        return _not_found(request, what="order")
    if order.pickup_slot is None or order.state not in Order.OPEN_STATES:
        return _not_found(request, what="order")
    store = order.pickup_store
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Click & Collect//pickup//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    # Stable per order and slot: importing the file again updates the event instead of adding one.
    event.add("uid", f"pickup-{order.number}-{order.pickup_slot:%Y%m%dT%H%M%SZ}@click-and-collect")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", order.pickup_slot)
    event.add("dtend", order.pickup_slot_ends_at)
    event.add(
        "summary",
        _("Pick up order %(number)s at %(store)s") % {"number": order.number, "store": store.name},
    )
    event.add("location", f"{store.name}, {store.street}, {store.postcode} {store.city}")
    event.add(
        "description",
        _("Your order page (shows the pickup code once the order is ready): %(url)s")
        % {"url": request.build_absolute_uri(_order_url(order.number, token))},
    )
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pickup-{order.number}.ics"'
    return response
