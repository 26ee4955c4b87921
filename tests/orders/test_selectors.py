import pytest
from django.contrib.auth.models import Group

from orders.models import Order
from orders.selectors import (
    order_available_actions,
    order_get_for_shopper,
    order_get_for_user,
    order_list_for_user,
    order_timeline,
)
from orders.services import order_start_picking
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.orders.factories import OrderFactory
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    user = UserFactory(username="agent")
    user.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    return user


@pytest.mark.parametrize("token", ["", "wrong", "x" * 40])
def test_a_wrong_access_token_finds_no_order(place, stocked, token):
    order = place().order

    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_get_for_shopper(number=order.number, access_token=token)

    assert (refused.value.code, refused.value.status) == ("not_found", 404)


def test_staff_see_only_their_stores_orders_and_agents_see_all(
    store, other_store, clerk, other_clerk, agent
):
    here = OrderFactory(pickup_store=store, state=Order.State.RESERVED)
    there = OrderFactory(pickup_store=other_store, state=Order.State.READY_FOR_PICKUP)

    assert list(order_list_for_user(user=clerk)) == [here]
    assert list(order_list_for_user(user=other_clerk)) == [there]
    assert set(order_list_for_user(user=agent)) == {here, there}
    assert list(order_list_for_user(user=agent, store_code="REG-01")) == [there]
    assert list(order_list_for_user(user=agent, state="reserved")) == [here]
    assert list(order_list_for_user(user=clerk, store_code="REG-01")) == []
    assert order_get_for_user(number=here.number, user=agent) == here
    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_get_for_user(number=here.number, user=other_clerk)
    assert refused.value.code == "not_found"


def test_available_actions_depend_on_the_state_and_the_caller(store, clerk, other_clerk, agent):
    order = OrderFactory(pickup_store=store, state=Order.State.RESERVED)

    assert order_available_actions(order=order, user=None) == ["cancel"]
    assert order_available_actions(order=order, user=clerk) == ["cancel", "start_picking"]
    assert order_available_actions(order=order, user=agent) == ["cancel"]
    assert order_available_actions(order=order, user=other_clerk) == []
    picking = OrderFactory(pickup_store=store, state=Order.State.PICKING)
    assert order_available_actions(order=picking, user=clerk) == [
        "cancel",
        "report_shortage",
        "mark_ready",
    ]
    collected = OrderFactory(pickup_store=store, state=Order.State.COLLECTED)
    assert order_available_actions(order=collected, user=clerk) == []
    assert order_available_actions(order=collected, user=None) == []


def test_the_timeline_lists_every_transition_with_its_actor_in_order(place, stocked, clerk):
    order = place().order
    order_start_picking(order=order, by=clerk)

    timeline = order_timeline(order=order)

    assert [(entry["event"], entry["from"], entry["to"], entry["actor"]) for entry in timeline] == [
        ("place", "", "placed", None),
        ("reserve", "placed", "reserved", None),
        ("start_picking", "reserved", "picking", "clerk.pas-01"),
    ]
