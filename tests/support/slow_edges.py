"""Edges we do not own, as a provider with idempotency keys behaves, for real-worker tests.

Each call is logged; the first call with a key is the one delivery (a repeat with the same key
is recognised, as a mail or card provider does with an idempotency key). After recording, the
edge answers only after EDGE_DELAY_SECONDS, so a test can kill the worker mid-delivery.
Everything lands in the folder EDGE_DIR, which the test and the worker share.
"""

import contextlib
import hashlib
import os
import time
from decimal import Decimal
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from payments.gateways import GatewayResult, SandboxGateway
from returns.couriers.base import PickupBooking, PickupRequest
from returns.couriers.sandbox import SandboxCourier


def _record(kind: str, key: str) -> None:
    folder = Path(os.environ["EDGE_DIR"])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    with (folder / f"{kind}.calls").open("a") as calls:
        calls.write(f"{key}\n")
    with contextlib.suppress(FileExistsError):  # a repeated key is not delivered again
        (folder / f"{kind}-{digest}.delivered").open("x").close()
    time.sleep(float(os.environ.get("EDGE_DELAY_SECONDS", "0")))


def edge_calls(folder: Path, kind: str) -> list[str]:
    path = folder / f"{kind}.calls"
    return path.read_text().split() if path.exists() else []


def edge_deliveries(folder: Path, kind: str) -> int:
    return len(list(folder.glob(f"{kind}-*.delivered")))


class SlowEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            _record("mail", message.extra_headers["X-Idempotency-Key"])
        return len(email_messages)


class SlowGateway(SandboxGateway):
    def authorize(
        self, *, amount: Decimal, currency: str, order_number: str, idempotency_key: str
    ) -> GatewayResult:
        _record("authorize", idempotency_key)
        return super().authorize(
            amount=amount,
            currency=currency,
            order_number=order_number,
            idempotency_key=idempotency_key,
        )


class SlowCourier(SandboxCourier):
    """The sandbox courier, whose idempotency key is the booking's reference."""

    def book_pickup(self, request: PickupRequest) -> PickupBooking:
        _record("courier", request.reference)
        return super().book_pickup(request)
