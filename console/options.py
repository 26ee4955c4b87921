"""The base of every console ModelAdmin: querysets narrowed to the user's stores, read-only for
everyone (writes go through services and their own forms), 404 for anything out of reach."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from console.access import ConsoleRole, console_role


class ConsoleModelAdmin(admin.ModelAdmin):
    # Forward lookups (so no row is repeated) from this model to the stores whose staff may see
    # a row; None: no store's staff see it (agents and administrators only).
    store_lookups: tuple[str, ...] | None = ("pickup_store",)
    # Whether hotline agents see the model at all.
    agent_visible = True
    # Whether store staff see the model (rows still narrowed by store_lookups).
    staff_visible = True

    def store_filter(self, role: ConsoleRole) -> Q:
        condition = Q(pk__in=[])
        for lookup in self.store_lookups or ():
            condition |= Q(**{f"{lookup}__in": role.store_ids})
        return condition

    def get_list_display(self, request: HttpRequest):
        # Staff of one store need no store column: every row is theirs, and the width is
        # better spent on the columns they read (a tablet is 768 px wide).
        columns = super().get_list_display(request)
        role = console_role(request)
        if not role.reads_every_store and len(role.store_ids) == 1:
            columns = tuple(column for column in columns if column != "store_code")
        return columns

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        role = console_role(request)
        if role.reads_every_store:
            return queryset
        if not self.staff_visible or not self.store_lookups:
            return queryset.none()
        return queryset.filter(self.store_filter(role))

    def get_object(self, request, object_id, from_field=None):
        # The admin would redirect to the index for a missing row; out of reach is "not found".
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        role = console_role(request)
        if role.is_admin:
            return True
        if role.is_agent:
            return self.agent_visible
        return role.is_store_staff and self.staff_visible and bool(self.store_lookups)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """A table of related rows on a read-only page."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return console_role(request).uses_console

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
