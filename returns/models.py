"""Return cases, exchanges and courier bookings.

The Sandbox* tables are the sandbox courier's own side ("the carrier's database"), so every
process sees the same bookings; no production code reads them.
"""

from django.db import models


class SandboxCourierPickup(models.Model):
    reference = models.CharField(max_length=64, unique=True)
    provider_booking_id = models.CharField(max_length=32, unique=True)
    tracking_number = models.CharField(max_length=32)
    pickup_date = models.DateField()
    window_start = models.TimeField()
    window_end = models.TimeField()
    status = models.CharField(max_length=16, default="booked")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.provider_booking_id} for {self.reference} ({self.status})"


class SandboxCourierCall(models.Model):
    """One row per book_pickup call, so failures can be injected for the first N calls."""

    reference = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"call for {self.reference} at {self.at}"
