"""Login lockout (django-axes): who is counted, and what a locked-out caller is told.

Failed logins are counted per username and client address, on the console's login page and on
the API's token endpoint alike (both go through `django.contrib.auth.authenticate` with the
request). After `AXES_FAILURE_LIMIT` failures that pair is refused, even with the right password,
for `AXES_COOLOFF_TIME`, or until an administrator deletes its row under "Access attempts" in
the console (or runs `manage.py axes_reset_username <name>`).
"""

import math

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

CODE = "login_locked"


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost of them saw (counted from the right of X-Forwarded-For, which a client can prepend
    to but not append to)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = _minutes()
    return ngettext(
        "Too many failed logins for this user from your address: logging in is locked for "
        "%(minutes)d minute. An administrator can unlock it sooner.",
        "Too many failed logins for this user from your address: logging in is locked for "
        "%(minutes)d minutes. An administrator can unlock it sooner.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """429 for a locked-out login: the API's error body under /api/, else the console's login
    page with the message above the form."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": CODE, "detail": lockout_message(), "fields": {}}, status=429
        )
    else:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        context = {
            **admin.site.each_context(request),
            "title": gettext("Log in"),
            "app_path": request.get_full_path(),
            "form": AdminAuthenticationForm(request, initial={"username": username}),
            "next": request.POST.get("next", ""),
            "locked_message": lockout_message(),
        }
        response = render(request, "admin/login_locked.html", context, status=429)
    response["Retry-After"] = retry_after
    return response
