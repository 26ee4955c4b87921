"""Who sees what in the staff console, decided once per request on top of stores.roles.

A clerk or manager reads and works their own stores; a hotline agent reads every store and
changes nothing here; marketing edits and sends campaigns and reads the channel KPIs; an
administrator does everything. Django's model permissions are not
consulted for these roles: the role is the permission, so a new clerk needs nothing but a
StaffMembership (and is_staff to log in).
"""

from dataclasses import dataclass

from django.http import HttpRequest

from stores.roles import user_is_agent_and_marketing, user_is_manager_of, user_store_ids


@dataclass(frozen=True)
class ConsoleRole:
    user_id: int | None
    is_admin: bool
    is_agent: bool
    store_ids: frozenset[int]
    manager_store_ids: frozenset[int]
    is_marketing: bool = False

    @property
    def reads_every_store(self) -> bool:
        return self.is_admin or self.is_agent

    @property
    def is_store_staff(self) -> bool:
        return bool(self.store_ids)

    @property
    def uses_console(self) -> bool:
        return self.reads_every_store or self.is_store_staff or self.is_marketing

    @property
    def sees_channel_kpis(self) -> bool:
        """The newsletter's and the sales channels' KPIs: marketing, managers, administrators."""
        return self.is_admin or self.is_marketing or bool(self.manager_store_ids)

    @property
    def is_manager(self) -> bool:
        return self.is_admin or bool(self.manager_store_ids)

    def can_read_store(self, store_id: int) -> bool:
        return self.reads_every_store or store_id in self.store_ids

    def can_work_at(self, store_id: int) -> bool:
        """Stock receipts, counts and returns: the store's own staff, or an administrator."""
        return self.is_admin or store_id in self.store_ids

    def can_see_kpis_of(self, store_id: int) -> bool:
        return self.is_admin or store_id in self.manager_store_ids


def console_role(request: HttpRequest) -> ConsoleRole:
    """The role of the request's user, computed once per request (the admin asks many times)."""
    user = request.user
    cached = getattr(request, "_console_role", None)
    if cached is not None and cached.user_id == user.pk:
        return cached
    if not (user.is_authenticated and user.is_active and user.is_staff):
        role = ConsoleRole(user.pk, False, False, frozenset(), frozenset())
    else:
        store_ids = frozenset(user_store_ids(user))
        is_agent, is_marketing = user_is_agent_and_marketing(user)
        role = ConsoleRole(
            user_id=user.pk,
            is_admin=bool(user.is_superuser),
            is_agent=is_agent,
            store_ids=store_ids,
            manager_store_ids=frozenset(
                store_id for store_id in store_ids if user_is_manager_of(user, store_id)
            ),
            is_marketing=is_marketing,
        )
    request._console_role = role
    return role
