"""Stores, their opening hours and closures, and who works where."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Pickup slots are one hour each, from the opening on (stores.selectors.pickup_slot_list).
PICKUP_SLOT_LENGTH = datetime.timedelta(hours=1)


class Store(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("e.g. PAS-01"))
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=80)
    country = models.CharField(_("country"), max_length=2, default="DE")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    timezone = models.CharField(_("time zone"), max_length=40, default="Europe/Berlin")
    click_and_collect_enabled = models.BooleanField(_("click and collect enabled"), default=True)
    curbside_enabled = models.BooleanField(_("curbside enabled"), default=False)
    pickup_hold_days = models.PositiveSmallIntegerField(_("pickup hold days"), default=7)
    pickup_slot_capacity = models.PositiveSmallIntegerField(
        _("pickup slot capacity"),
        default=20,
        help_text=_("orders that can be collected per one-hour slot"),
    )
    is_active = models.BooleanField(_("is active"), default=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
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

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class OpeningHours(models.Model):
    """Regular weekly hours; a weekday without a row is a closed day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("store")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
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

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="closures", verbose_name=_("store")
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("store closure")
        verbose_name_plural = _("store closures")
        ordering = ["store", "date"]
        constraints = [
            models.UniqueConstraint(fields=["store", "date"], name="store_closure_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"closed {self.date}"


class StaffMembership(models.Model):
    class Role(models.TextChoices):
        CLERK = "clerk", _("Clerk")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="store_memberships",
        verbose_name=_("user"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("store")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.CLERK)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="membership_one_per_store"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} at {self.store.code}"


class PickupSlot(models.Model):
    """The places booked in one pickup slot of a store (a row appears with its first booking).

    `capacity` is the store's slot capacity when the slot was last booked; bookings raise `booked`
    only with a guard that repeats the capacity, and the CHECK keeps it there under any
    concurrency.
    """

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="pickup_slots", verbose_name=_("store")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("pickup slot")
        verbose_name_plural = _("pickup slots")
        ordering = ["store", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "starts_at"], name="pickup_slot_one_per_start"
            ),
            models.CheckConstraint(
                condition=Q(booked__gte=0, booked__lte=models.F("capacity")),
                name="pickup_slot_booked_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="pickup_slot_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"
