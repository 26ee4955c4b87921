"""The shopper's newsletter pages: the footer's subscription, the confirmation link, the
one-click unsubscribe (a page with one button, and the RFC 8058 POST a mail client sends).
Writes go through newsletter.services; refusals are shown by their code."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.exceptions import DomainError
from newsletter.models import Source
from newsletter.services import (
    SubscribeInput,
    campaign_click_record,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)
from newsletter.tokens import unsubscribe_token_read
from newsletter.wording import CONSENT_WORDING_CURRENT
from shop.forms import NewsletterForm

logger = logging.getLogger(__name__)

MESSAGES_BY_CODE = {
    "invalid_email": gettext_lazy("Enter a valid e-mail address."),
    "unknown_wording": gettext_lazy("Please reload the page and try again."),
    "invalid_token": gettext_lazy("This link is not valid. Please use the link from your mail."),
    "token_expired": gettext_lazy("This link has expired. Please subscribe again."),
}
FALLBACK_MESSAGE = gettext_lazy("That did not work. Please try again.")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def shopper_language(request: HttpRequest) -> str:
    language = (getattr(request, "LANGUAGE_CODE", "") or "de").split("-")[0]
    return language if language in ("de", "en") else "de"


def newsletter_form() -> NewsletterForm:
    return NewsletterForm(initial={"wording_version": CONSENT_WORDING_CURRENT})


def _page(request: HttpRequest, outcome: str, *, status: int = 200, **context) -> HttpResponse:
    return render(request, "shop/newsletter.html", {"outcome": outcome, **context}, status=status)


def _refused(request: HttpRequest, error: DomainError, **context) -> HttpResponse:
    message = MESSAGES_BY_CODE.get(error.code, FALLBACK_MESSAGE)
    return _page(request, "refused", status=error.status, message=message, **context)


def newsletter_request_at_checkout(request: HttpRequest, *, email: str) -> None:
    """The checkout's ticked box: the same double opt-in as the footer; the order is placed
    already, so a refusal here only means no confirmation mail."""
    try:
        subscription_request(
            request=SubscribeInput(
                email=email,
                language=shopper_language(request),
                source=Source.CHECKOUT,
                ip=client_ip(request),
            )
        )
    except DomainError:
        logger.info("newsletter request at checkout refused for an order's address")


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    """The footer's form: records the request and sends the confirmation link."""
    form = NewsletterForm(request.POST)
    if not form.is_valid():
        return _page(request, "form", status=400, form=form)
    try:
        subscription_request(
            request=SubscribeInput(
                email=form.cleaned_data["email"],
                language=shopper_language(request),
                source=Source.FOOTER,
                wording_version=form.cleaned_data["wording_version"],
                ip=client_ip(request),
            )
        )
    except DomainError as error:
        if error.code == "invalid_email":
            form.add_error("email", MESSAGES_BY_CODE["invalid_email"])
            return _page(request, "form", status=400, form=form)
        return _refused(request, error, form=form)
    return _page(request, "check_inbox")


@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link of the mail: consent counts from here."""
    try:
        subscription_confirm(token=token, ip=client_ip(request))
    except DomainError as error:
        return _refused(request, error, form=newsletter_form())
    return _page(request, "confirmed")


@csrf_exempt  # a mail client's one-click POST (RFC 8058) carries no CSRF token; the link does
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link checkers must not unsubscribe anyone); POST, from that button
    or from the mail client's List-Unsubscribe-Post, unsubscribes at once."""
    if request.method == "GET":
        try:
            unsubscribe_token_read(token)
        except DomainError as error:
            return _refused(request, error)
        return _page(request, "unsubscribe_ask", token=token)
    try:
        result = subscription_unsubscribe(token=token, ip=client_ip(request), source=Source.MAIL)
    except DomainError as error:
        return _refused(request, error)
    return _page(request, "unsubscribed" if result.changed else "already_unsubscribed")


@never_cache
@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link of a campaign mail: records the click and lands on the product page with
    the campaign carried on; a forged or unknown link lands on the home page, recording
    nothing."""
    destination = campaign_click_record(token=token)
    return redirect(destination or reverse("shop:search"))
