"""The payment gateway interface and the sandbox gateway used by default.

Every call carries an idempotency key: a retried call with the same key must not authorize,
capture or void twice. `PAYMENT_GATEWAY` names the class to use.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class PaymentDeclined(Exception):  # noqa: N818 - a business answer, not a failure of ours
    """The provider refused for good (card declined, authorization expired)."""


class PaymentUnavailable(Exception):  # noqa: N818
    """The provider could not answer now; the same call may be retried later."""


@dataclass(frozen=True)
class GatewayResult:
    reference: str


class PaymentGateway(Protocol):
    name: str

    def authorize(
        self, *, amount: Decimal, currency: str, order_number: str, idempotency_key: str
    ) -> GatewayResult: ...

    def capture(
        self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult: ...

    def void(self, *, reference: str, idempotency_key: str) -> GatewayResult: ...

    def refund(
        self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult: ...

    def debit(
        self,
        *,
        amount: Decimal,
        currency: str,
        iban: str,
        account_holder: str,
        mandate_reference: str,
        mandate_signed_at: datetime.datetime,
        idempotency_key: str,
    ) -> GatewayResult: ...


class SandboxGateway:
    """Deterministic stand-in for a card provider.

    Authorizations of an amount whose cents are 13 (e.g. 66.13) are declined, and direct debits
    of such an amount come back (a returned debit), so tests and demos can provoke both;
    everything else succeeds. References derive from the idempotency key,
    so a repeated call answers the same as the first.
    """

    name = "sandbox"
    DECLINED_CENTS = 13

    def authorize(
        self, *, amount: Decimal, currency: str, order_number: str, idempotency_key: str
    ) -> GatewayResult:
        if int(amount * 100) % 100 == self.DECLINED_CENTS:
            raise PaymentDeclined("card declined (sandbox)")
        return GatewayResult(reference=f"sandbox-auth-{idempotency_key}")

    def capture(
        self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult:
        return GatewayResult(reference=f"sandbox-capture-{idempotency_key}")

    def void(self, *, reference: str, idempotency_key: str) -> GatewayResult:
        return GatewayResult(reference=f"sandbox-void-{idempotency_key}")

    def refund(
        self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult:
        return GatewayResult(reference=f"sandbox-refund-{idempotency_key}")

    def debit(
        self,
        *,
        amount: Decimal,
        currency: str,
        iban: str,
        account_holder: str,
        mandate_reference: str,
        mandate_signed_at: datetime.datetime,
        idempotency_key: str,
    ) -> GatewayResult:
        if int(amount * 100) % 100 == self.DECLINED_CENTS:
            raise PaymentDeclined("direct debit returned by the bank (sandbox)")
        return GatewayResult(reference=f"sandbox-debit-{idempotency_key}")


@cache
def _gateway_class(path: str) -> type:
    return import_string(path)


def payment_gateway() -> PaymentGateway:
    return _gateway_class(settings.PAYMENT_GATEWAY)()
