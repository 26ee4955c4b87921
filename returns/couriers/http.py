"""Adapter for a carrier's HTTP pickup API (create, confirm, read, cancel; signed webhooks).

The API is shaped like the pickup APIs of the large parcel carriers:
  POST   {base}/v1/pickups               create (Idempotency-Key: our reference) -> 201 {id, status}
  POST   {base}/v1/pickups/{id}/confirm  buy the pickup -> 200 {id, status, tracking_number}
  GET    {base}/v1/pickups/{id}          read
  GET    {base}/v1/pickups?reference=R   find by our reference -> {"results": [...]}
  DELETE {base}/v1/pickups/{id}          cancel
Errors: 4xx with {"error": {"code", "message"}}; 422 for a window in the past; 429 with
Retry-After; 5xx. Webhooks carry X-Carrier-Signature: t=...,v1=... over "<t>.<body>".
"""

import datetime
import json
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings

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

SIGNATURE_HEADER = "X-Carrier-Signature"
# The carrier's words for a pickup's state, in ours.
STATUS_MAP = {
    "pending": "requested",
    "confirmed": "booked",
    "collected": "picked_up",
    "delivered": "delivered",
    "failed": "failed",
    "cancelled": "cancelled",
}


class HttpCarrierCourier:
    name = "carrier"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.webhook_secret = (
            settings.COURIER_HTTP_WEBHOOK_SECRET if webhook_secret is None else webhook_secret
        )
        self.client = httpx.Client(
            base_url=base_url or settings.COURIER_HTTP_BASE_URL,
            headers={
                "Authorization": f"Bearer {api_key or settings.COURIER_HTTP_API_KEY}",
                "Accept": "application/json",
            },
            timeout=timeout or settings.COURIER_HTTP_TIMEOUT_SECONDS,
            transport=transport,
        )

    def book_pickup(self, request: PickupRequest) -> PickupBooking:
        existing = self.find_pickup(request.reference)
        if existing and existing.status != "requested":
            return existing
        if existing is None:
            created = self._call(
                "POST",
                "/v1/pickups",
                json=_pickup_body(request),
                headers={"Idempotency-Key": request.reference},
            )
            pickup_id = created["id"]
        else:
            pickup_id = existing.provider_booking_id
        confirmed = self._call(
            "POST",
            f"/v1/pickups/{pickup_id}/confirm",
            headers={"Idempotency-Key": f"{request.reference}:confirm"},
        )
        return _booking(confirmed)

    def find_pickup(self, reference: str) -> PickupBooking | None:
        found = self._call("GET", "/v1/pickups", params={"reference": reference})
        results = found.get("results", [])
        return _booking(results[0]) if results else None

    def pickup_status(self, provider_booking_id: str) -> PickupBooking:
        return _booking(self._call("GET", f"/v1/pickups/{provider_booking_id}"))

    def cancel_pickup(self, provider_booking_id: str) -> None:
        self._call("DELETE", f"/v1/pickups/{provider_booking_id}")

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        signature_verify(
            secret=self.webhook_secret, body=body, header=headers.get(SIGNATURE_HEADER, "")
        )
        try:
            payload = json.loads(body)
            pickup = payload["data"]
            return WebhookEvent(
                event_id=str(payload["id"]),
                provider_booking_id=str(pickup["id"]),
                status=STATUS_MAP[pickup["status"]],
                occurred_at=datetime.datetime.fromisoformat(payload["created_at"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidSignature("signed body is not a carrier pickup event") from error

    def _call(self, method: str, path: str, **kwargs: Any) -> dict:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException as error:
            raise CourierUnavailable(f"carrier timed out: {error}") from error
        except httpx.TransportError as error:
            raise CourierUnavailable(f"carrier unreachable: {error}") from error
        if response.status_code == 429:
            raise CourierRateLimited(
                f"carrier rate limit: {_message(response)}",
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if response.status_code >= 500:
            raise CourierUnavailable(f"carrier {response.status_code}: {_message(response)}")
        if response.status_code >= 400:
            raise CourierRejected(f"carrier {response.status_code}: {_message(response)}")
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError as error:
            raise CourierUnavailable("carrier answered with a body that is not JSON") from error


def _pickup_body(request: PickupRequest) -> dict:
    address = request.address
    return {
        "reference": request.reference,
        "pickup_address": {
            "name": address.name,
            "street1": address.line1,
            "street2": address.line2,
            "postal_code": address.postcode,
            "city": address.city,
            "country_code": address.country,
            "phone": request.phone,
            "email": request.email,
        },
        "pickup_date": request.date.isoformat(),
        "ready_time": request.window_start.strftime("%H:%M"),
        "close_time": request.window_end.strftime("%H:%M"),
        "parcel_count": request.parcels,
    }


def _booking(pickup: dict) -> PickupBooking:
    return PickupBooking(
        provider_booking_id=str(pickup["id"]),
        status=STATUS_MAP.get(pickup.get("status", ""), "requested"),
        tracking_number=pickup.get("tracking_number") or "",
    )


def _message(response: httpx.Response) -> str:
    try:
        return response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
