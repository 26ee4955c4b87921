"""Rate limits for the public API, one bucket per endpoint family and per caller.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]; a scope without its own rate falls
back to the general anonymous or authenticated rate, so a deployment that sets only those two
still limits every endpoint.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

CATALOGUE = "catalogue"
ORDER_PLACE = "order_place"
SHOPPER_ORDER = "shopper_order"
AUTH_TOKEN = "auth_token"
NEWSLETTER = "newsletter"


class ScopedThrottle(ScopedRateThrottle):
    """ScopedRateThrottle that falls back to the general rate when its scope has none."""

    def allow_request(self, request, view) -> bool:
        self.user_is_authenticated = bool(request.user and request.user.is_authenticated)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        # Read at request time, not import time, so a changed setting takes effect.
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope in rates:
            return rates[self.scope]
        return rates.get("user" if getattr(self, "user_is_authenticated", False) else "anon")
