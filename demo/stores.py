"""Demo data for stores and staff: the stores, their hours and the users SPEC §4 names.

Every function here only creates what is missing (and resets demo passwords), so the demo command
can run again at any time without duplicating anything or undoing changes made in the consoles.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from demo import store_data
from stores.models import OpeningHours, StaffMembership, Store, StoreClosure
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


@transaction.atomic
def demo_stores_seed(*, report: Report) -> list[Store]:
    """Creates the demo stores that are missing, with weekly hours and holiday closures."""
    existing = set(Store.objects.values_list("code", flat=True))
    Store.objects.bulk_create(
        [
            Store(
                code=store.code,
                name=f"Baumarkt {store.city}",
                street=store.street,
                postcode=store.postcode,
                city=store.city,
                phone=store.phone,
                email=f"{store.code.lower()}@example.com",
                latitude=store.latitude,
                longitude=store.longitude,
                timezone="Europe/Berlin",
                curbside_enabled=store.code in {"PAS-01", "MUC-01", "BER-01"},
            )
            for store in store_data.STORES
            if store.code not in existing
        ]
    )
    stores = list(Store.objects.filter(code__in=[store.code for store in store_data.STORES]))
    # The unique constraints make these no-ops for days a store already has.
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(store=store, weekday=weekday, opens=opens, closes=closes)
            for store in stores
            for weekday, opens, closes in store_data.WEEKLY_HOURS
        ],
        ignore_conflicts=True,
    )
    StoreClosure.objects.bulk_create(
        [
            StoreClosure(store=store, date=date, reason=reason)
            for store in stores
            for date, reason in store_data.CLOSED_DAYS
        ],
        ignore_conflicts=True,
    )
    created = len({store.code for store in stores} - existing)
    report(f"stores: {len(stores)} demo stores ({created} new)")
    return stores


@transaction.atomic
def demo_staff_seed(*, password: str, report: Report) -> None:
    """Creates a clerk per demo store and the Passau manager; sets their password."""
    user_model = get_user_model()
    encoded = make_password(password)
    stores = {
        store.code: store
        for store in Store.objects.filter(code__in=[s.code for s in store_data.STORES])
    }
    wanted = {
        store_data.clerk_username(store.code): (
            store.code,
            StaffMembership.Role.CLERK,
            store.clerk_name,
        )
        for store in store_data.STORES
        if store.code in stores
    }
    wanted[store_data.manager_username(store_data.MANAGED_STORE)] = (
        store_data.MANAGED_STORE,
        StaffMembership.Role.MANAGER,
        store_data.MANAGER_NAME,
    )
    existing = set(
        user_model.objects.filter(username__in=wanted).values_list("username", flat=True)
    )
    user_model.objects.bulk_create(
        [
            user_model(
                username=username,
                email=f"{username}@example.com",
                first_name=first_name,
                last_name=last_name,
                is_staff=True,
                password=encoded,
            )
            for username, (_, _, (first_name, last_name)) in wanted.items()
            if username not in existing
        ]
    )
    user_model.objects.filter(username__in=existing).update(password=encoded)
    user_ids = dict(user_model.objects.filter(username__in=wanted).values_list("username", "pk"))
    StaffMembership.objects.bulk_create(
        [
            StaffMembership(user_id=user_ids[username], store=stores[code], role=role)
            for username, (code, role, _) in wanted.items()
        ],
        ignore_conflicts=True,
    )
    report(f"staff: {len(wanted)} demo clerks and managers ({len(wanted) - len(existing)} new)")
