"""Stores, their opening hours and closures, and who works where."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Store(models.Model):
    code = models.CharField(max_length=12, unique=True, help_text="e.g. PAS-01")
    name = models.CharField(max_length=120)
    street = models.CharField(max_length=120)
    postcode = models.CharField(max_length=10)
    city = models.CharField(max_length=80)
    country = models.CharField(max_length=2, default="DE")
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    timezone = models.CharField(max_length=40, default="Europe/Berlin")
    click_and_collect_enabled = models.BooleanField(default=True)
    curbside_enabled = models.BooleanField(default=False)
    pickup_hold_days = models.PositiveSmallIntegerField(default=7)
    pickup_slot_capacity = models.PositiveSmallIntegerField(
        default=20, help_text="orders that can be collected per one-hour slot"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="store_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="store_longitude_range"
            ),
            models.CheckConstraint(
                condition=Q(pickup_hold_days__gte=1), name="store_hold_days_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OpeningHours(models.Model):
    """Regular weekly hours; a weekday without a row is a closed day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["store", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["store", "weekday"], name="opening_hours_one_per_day"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="opens_before_closes"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class StoreClosure(models.Model):
    """A day the store is closed although its weekly hours say open (holidays, stock-taking)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["store", "date"]
        constraints = [
            models.UniqueConstraint(fields=["store", "date"], name="store_closure_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"closed {self.date}"


class StaffMembership(models.Model):
    class Role(models.TextChoices):
        CLERK = "clerk", "Clerk"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_memberships"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CLERK)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="membership_one_per_store"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} at {self.store.code}"
