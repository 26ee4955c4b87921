"""The sandbox courier: a carrier in a box for the demo and the tests.

It keeps "the carrier's side" in its own tables, so every process (web, worker, a restarted
worker) sees the same bookings, and it can be told through settings to fail for a number of
calls: COURIER_SANDBOX_FAILURE = error | timeout | rate_limit | reject, for the first
COURIER_SANDBOX_FAILURE_CALLS calls to book_pickup. COURIER_SANDBOX_DELAY_SECONDS makes it
answer slowly after it has stored a booking, as a real carrier sometimes does.
"""

import datetime
import json
import secrets
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction

from returns.couriers.base import (
    CourierRateLimited,
    CourierRejected,
    CourierUnavailable,
    InvalidSignature,
    PickupBooking,
    PickupRequest,
    WebhookEvent,
)
from returns.couriers.signing import signature_verify
from returns.models import SandboxCourierCall, SandboxCourierPickup

SIGNATURE_HEADER = "X-Courier-Signature"
STATUSES = {"booked", "picked_up", "delivered", "failed", "cancelled"}


class SandboxCourier:
    name = "sandbox"

    def book_pickup(self, request: PickupRequest) -> PickupBooking:
        call = SandboxCourierCall.objects.create(reference=request.reference)
        failure = settings.COURIER_SANDBOX_FAILURE
        failing = bool(failure) and _call_number(call) <= settings.COURIER_SANDBOX_FAILURE_CALLS
        if failing and failure == "error":
            raise CourierUnavailable("sandbox courier: 503 service unavailable")
        if failing and failure == "rate_limit":
            raise CourierRateLimited("sandbox courier: 429 too many requests", retry_after=1)
        if failing and failure == "reject":
            raise CourierRejected("sandbox courier: 422 pickup window not bookable")
        if request.window_end <= request.window_start:
            raise CourierRejected("sandbox courier: 422 window ends before it starts")
        pickup = self._get_or_create(request)
        if failing and failure == "timeout":
            # The carrier stored the booking, but the answer never reached us.
            raise CourierUnavailable("sandbox courier: read timed out")
        if settings.COURIER_SANDBOX_DELAY_SECONDS:
            time.sleep(settings.COURIER_SANDBOX_DELAY_SECONDS)
        return _booking(pickup)

    def find_pickup(self, reference: str) -> PickupBooking | None:
        pickup = SandboxCourierPickup.objects.filter(reference=reference).first()
        return _booking(pickup) if pickup else None

    def pickup_status(self, provider_booking_id: str) -> PickupBooking:
        try:
            pickup = SandboxCourierPickup.objects.get(provider_booking_id=provider_booking_id)
        except SandboxCourierPickup.DoesNotExist as error:
            raise CourierRejected(
                f"sandbox courier: 404 no pickup {provider_booking_id}"
            ) from error
        return _booking(pickup)

    def cancel_pickup(self, provider_booking_id: str) -> None:
        SandboxCourierPickup.objects.filter(provider_booking_id=provider_booking_id).update(
            status="cancelled"
        )

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        signature_verify(
            secret=settings.COURIER_SANDBOX_SECRET,
            body=body,
            header=headers.get(SIGNATURE_HEADER, ""),
        )
        try:
            payload = json.loads(body)
            status = payload["status"]
            occurred_at = datetime.datetime.fromisoformat(payload["occurred_at"])
            event = WebhookEvent(
                event_id=str(payload["event_id"]),
                provider_booking_id=str(payload["booking_reference"]),
                status=status,
                occurred_at=occurred_at,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidSignature("signed body is not a sandbox courier event") from error
        if status not in STATUSES or occurred_at.tzinfo is None:
            raise InvalidSignature("signed body is not a sandbox courier event")
        return event

    @staticmethod
    def _get_or_create(request: PickupRequest) -> SandboxCourierPickup:
        existing = SandboxCourierPickup.objects.filter(reference=request.reference).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                return SandboxCourierPickup.objects.create(
                    reference=request.reference,
                    provider_booking_id=f"SBX-{secrets.token_hex(5).upper()}",
                    tracking_number=f"00340{secrets.randbelow(10**13):013d}",
                    pickup_date=request.date,
                    window_start=request.window_start,
                    window_end=request.window_end,
                    status="booked",
                )
        except IntegrityError:
            # Two calls raced with the same reference: the carrier keeps the first.
            return SandboxCourierPickup.objects.get(reference=request.reference)


def _call_number(call: SandboxCourierCall) -> int:
    return SandboxCourierCall.objects.filter(pk__lte=call.pk).count()


def _booking(pickup: SandboxCourierPickup) -> PickupBooking:
    return PickupBooking(
        provider_booking_id=pickup.provider_booking_id,
        status=pickup.status,
        tracking_number=pickup.tracking_number,
    )
