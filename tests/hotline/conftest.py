"""Frau Müller's collected web order at Passau, built through the real services, and the people
who look at it: a hotline agent and Passau's clerk."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from inventory.services import stock_receive
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.hotline.scenario import order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory
from tests.stores.factories import StaffMembershipFactory, UserFactory


@pytest.fixture
def passau():
    return store_open_all_day(code="PAS-01", name="Passau Mitte")


@pytest.fixture
def regensburg():
    return store_open_all_day(
        code="REG-01",
        name="Regensburg Süd",
        city="Regensburg",
        latitude=49.0134,
        longitude=12.1016,
    )


@pytest.fixture
def drill(passau, regensburg):
    product = ProductFactory(sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90")
    stock_receive(store_id=passau.pk, product_id=product.pk, quantity=5, reason="delivery")
    stock_receive(store_id=regensburg.pk, product_id=product.pk, quantity=2, reason="delivery")
    return product


@pytest.fixture
def clerk(passau):
    return StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user


@pytest.fixture
def agent():
    user = UserFactory(username="agent")
    user.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    return user


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def collected_order(passau, drill, clerk):
    return order_collect(store=passau, products=[drill], clerk=clerk)


@pytest.fixture
def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)
