"""A collected web order at Passau, built through the real services, ready to be exchanged."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from inventory.services import stock_receive
from returns.services import CollectionInput, ReturnLineInput, exchange_open
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.hotline.scenario import order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory
from tests.stores.factories import (
    StaffMembershipFactory,
    StoreFactory,
    UserFactory,
)


@pytest.fixture
def passau():
    return store_open_all_day(code="PAS-01", name="Passau Mitte")


@pytest.fixture
def munich():
    return StoreFactory(
        code="MUC-01", name="München Nord", city="München", latitude=48.1351, longitude=11.5820
    )


@pytest.fixture
def drill(passau, munich):
    product = ProductFactory(sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90")
    stock_receive(store_id=passau.pk, product_id=product.pk, quantity=5, reason="delivery")
    stock_receive(store_id=munich.pk, product_id=product.pk, quantity=2, reason="delivery")
    return product


@pytest.fixture
def clerk(passau):
    return StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user


@pytest.fixture
def munich_clerk(munich):
    return StaffMembershipFactory(store=munich, user__username="clerk.muc-01").user


@pytest.fixture
def agent():
    user = UserFactory(username="agent")
    user.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    return user


@pytest.fixture
def collected_order(passau, drill, clerk):
    return order_collect(store=passau, products=[drill], clerk=clerk)


@pytest.fixture
def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def exchange_for(order, agent, date, *, store_code: str = "PAS-01"):
    """The hotline's exchange of one drill with a courier window on `date`, 09:00-12:00."""
    return exchange_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="defective",
        replacement_store_code=store_code,
        collection=CollectionInput(
            name="Erika Müller",
            line1="Ludwigstraße 5",
            postcode="94032",
            city="Passau",
            date=date,
            window_start=datetime.time(9),
            window_end=datetime.time(12),
        ),
        by=agent,
    )
