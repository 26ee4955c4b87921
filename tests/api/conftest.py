"""Callers of the API in every role the permission rules know."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orders import services
from stores.models import StaffMembership
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.stores.factories import StaffMembershipFactory, StoreFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle history lives in the cache; one test's requests must not count against another's.
    cache.clear()
    yield
    cache.clear()


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def clerk_of(store, username: str | None = None):
    membership = StaffMembershipFactory(
        store=store,
        role=StaffMembership.Role.CLERK,
        **({"user__username": username} if username else {}),
    )
    return membership.user


def manager_of(store):
    return StaffMembershipFactory(store=store, role=StaffMembership.Role.MANAGER).user


def agent():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    return user


def admin():
    return UserFactory(is_superuser=True)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def store():
    return StoreFactory(code="PAS-01", name="Passau Innstadt")


@pytest.fixture
def other_store():
    return StoreFactory(code="MUC-01", name="München Pasing", latitude=48.1496, longitude=11.4619)


def place_order(
    store, product, *, quantity: int = 1, email: str = "mueller@example.com", **options
):
    """An order placed through the service, as the shop would; returns (order, access token)."""
    placed = services.order_place(
        customer=services.CustomerInput(email=email, name="Frau Müller"),
        pickup_store_code=store.code,
        lines=[services.LineInput(sku=product.sku, quantity=quantity)],
        payment_method=options.pop("payment_method", "card"),
        **options,
    )
    return placed.order, placed.access_token


def advance(order, *, to: str, by):
    """Moves a reserved order on through the store's transitions up to state `to`."""
    steps = {
        "picking": [services.order_start_picking],
        "ready_for_pickup": [services.order_start_picking, services.order_mark_ready],
    }
    for step in steps[to]:
        order = step(order=order, by=by)
    return order
