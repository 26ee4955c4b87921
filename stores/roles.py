"""Who may do what: hotline agents read every store's orders; staff act for their own stores."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from stores.models import StaffMembership

HOTLINE_AGENTS_GROUP = "Hotline agents"
# Marketing edits and sends newsletter campaigns and reads the channel KPIs of every store.
MARKETING_GROUP = "Marketing"

User = AbstractBaseUser | AnonymousUser


def user_is_agent(user: User) -> bool:
    """Hotline agents (and administrators) see all stores' orders and start exchanges."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=HOTLINE_AGENTS_GROUP).exists()


def user_is_marketing(user: User) -> bool:
    """Marketing users (and administrators) edit campaigns and read every store's channel KPIs."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=MARKETING_GROUP).exists()


def user_is_agent_and_marketing(user: User) -> tuple[bool, bool]:
    """Both group roles in one query: (hotline agent, marketing)."""
    if not user.is_authenticated:
        return False, False
    if user.is_superuser:
        return True, True
    names = set(
        user.groups.filter(name__in=[HOTLINE_AGENTS_GROUP, MARKETING_GROUP]).values_list(
            "name", flat=True
        )
    )
    return HOTLINE_AGENTS_GROUP in names, MARKETING_GROUP in names


def user_store_ids(user: User) -> set[int]:
    """The stores this user works at, as a clerk or a manager."""
    if not user.is_authenticated:
        return set()
    return set(StaffMembership.objects.filter(user=user).values_list("store_id", flat=True))


def user_works_at(user: User, store_id: int, *, store_ids: set[int] | None = None) -> bool:
    """Staff of this store (clerk or manager), or an administrator: the one definition of
    "works at this store". `store_ids` (from user_store_ids) spares the query when one user is
    asked about many rows."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return store_id in (user_store_ids(user) if store_ids is None else store_ids)


def user_is_manager_of(user: User, store_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return StaffMembership.objects.filter(
        user=user, store_id=store_id, role=StaffMembership.Role.MANAGER
    ).exists()
