"""Demo data for stores and staff: the users SPEC §4 names."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from stores.roles import HOTLINE_AGENTS_GROUP

Report = Callable[[str], None]


@transaction.atomic
def demo_users_seed(*, password: str, report: Report) -> None:
    """Creates or updates `admin` and `agent`, each with the given password."""
    user_model = get_user_model()
    # One hash for all demo users: hashing is deliberately slow, and these are demo accounts.
    encoded = make_password(password)
    admin, _ = user_model.objects.update_or_create(
        username="admin",
        defaults={
            "email": "admin@example.com",
            "is_staff": True,
            "is_superuser": True,
            "password": encoded,
        },
    )
    agent, _ = user_model.objects.update_or_create(
        username="agent",
        defaults={
            "email": "agent@example.com",
            "first_name": "Hotline",
            "last_name": "Agent",
            "is_staff": True,
            "is_superuser": False,
            "password": encoded,
        },
    )
    hotline, _ = Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)
    agent.groups.add(hotline)
    report(
        f"users: {user_model.objects.filter(username__in=['admin', 'agent']).count()} demo users"
    )
