"""Stores and who works where, in the staff console. Staff see their own stores; only an
administrator changes stores, hours and memberships."""

from django.contrib import admin

from console.access import console_role
from console.options import ConsoleModelAdmin
from stores.models import OpeningHours, StaffMembership, Store, StoreClosure


class AdministratorEditsMixin:
    def has_add_permission(self, request, *args) -> bool:
        return console_role(request).is_admin

    def has_change_permission(self, request, obj=None) -> bool:
        return console_role(request).is_admin

    def has_delete_permission(self, request, obj=None) -> bool:
        return console_role(request).is_admin


class OpeningHoursInline(AdministratorEditsMixin, admin.TabularInline):
    model = OpeningHours
    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return console_role(request).uses_console


class StoreClosureInline(AdministratorEditsMixin, admin.TabularInline):
    model = StoreClosure
    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return console_role(request).uses_console


@admin.register(Store)
class StoreAdmin(AdministratorEditsMixin, ConsoleModelAdmin):
    store_lookups = ("pk",)
    list_display = (
        "code",
        "name",
        "city",
        "click_and_collect_enabled",
        "curbside_enabled",
        "pickup_hold_days",
        "is_active",
    )
    list_filter = ("is_active", "click_and_collect_enabled", "curbside_enabled")
    search_fields = ("=code", "name", "city", "postcode")
    inlines = (OpeningHoursInline, StoreClosureInline)


@admin.register(StaffMembership)
class StaffMembershipAdmin(AdministratorEditsMixin, ConsoleModelAdmin):
    store_lookups = None
    agent_visible = False
    list_display = ("user", "store", "role")
    list_filter = ("role",)
    list_select_related = ("user", "store")
    search_fields = ("user__username", "=store__code")
    autocomplete_fields = ("user", "store")
