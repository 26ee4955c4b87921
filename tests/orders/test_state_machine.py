import pytest
from django_fsm import can_proceed

from orders import codes
from orders.models import Order, OrderTransition
from orders.services import (
    order_cancel,
    order_complete_sourcing,
    order_expire,
    order_hand_over,
    order_mark_ready,
    order_report_shortage,
    order_start_picking,
)
from orders.services.placement import LineInput
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

S = Order.State
TRANSITIONS = [
    "source",
    "reserve",
    "start_picking",
    "report_shortage",
    "mark_ready",
    "hand_over",
    "cancel",
    "expire",
]
# SPEC §3: the only (state, transition) pairs the machine allows.
ALLOWED = {
    (S.PLACED, "source"),
    (S.PLACED, "reserve"),
    (S.SOURCING, "reserve"),
    (S.RESERVED, "start_picking"),
    (S.PICKING, "report_shortage"),
    (S.PICKING, "mark_ready"),
    (S.READY_FOR_PICKUP, "hand_over"),
    (S.READY_FOR_PICKUP, "expire"),
    *((state, "cancel") for state in Order.OPEN_STATES),
}


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_the_state_machine_allows_exactly_the_transitions_of_the_spec(state, transition):
    order = OrderFactory.build(state=state)

    allowed = can_proceed(getattr(order, transition), check_conditions=False)

    assert allowed == ((state, transition) in ALLOWED)


def _order_in(state, store, product):
    extra = {"ready": True} if state == S.READY_FOR_PICKUP else {"state": state}
    order = OrderFactory(pickup_store=store, **extra)
    OrderLineFactory(order=order, product=product)
    return order


def _call(service, order, clerk):
    if service == "start_picking":
        return order_start_picking(order=order, by=clerk)
    if service == "report_shortage":
        return order_report_shortage(
            order=order, by=clerk, shortages=[LineInput(order.lines.get().product.sku, 1)]
        )
    if service == "mark_ready":
        return order_mark_ready(order=order, by=clerk)
    if service == "hand_over":
        code = codes.pickup_code_derive(
            number=order.number,
            salt=order.pickup_code_salt or "-",
            version=order.pickup_code_version,
        )
        return order_hand_over(order=order, by=clerk, pickup_code=code)
    if service == "cancel":
        return order_cancel(order=order, by=clerk, reason="shopper called")
    if service == "expire":
        return order_expire(order_id=order.pk, now=order.hold_until or order.placed_at)
    if service == "complete_sourcing":
        return order_complete_sourcing(order_id=order.pk)
    raise AssertionError(service)


SERVICES = {
    "start_picking": {S.RESERVED: S.PICKING},
    "report_shortage": {S.PICKING: S.CANCELLED},  # the only line is short, no transfer allowed
    "mark_ready": {S.PICKING: S.READY_FOR_PICKUP},
    "hand_over": {S.READY_FOR_PICKUP: S.COLLECTED},
    "cancel": {state: S.CANCELLED for state in Order.OPEN_STATES},
    "expire": {S.READY_FOR_PICKUP: S.EXPIRED},
    "complete_sourcing": {},  # from sourcing it needs a received transfer: see the sourcing flow
}


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("service", SERVICES)
def test_every_service_moves_allowed_states_and_refuses_the_rest_changing_nothing(
    state, service, store, clerk, drill
):
    order = _order_in(state, store, drill)
    before = Order.objects.filter(pk=order.pk).values().get()
    expected = SERVICES[service].get(state)

    if expected is None:
        with pytest.raises(Exception) as refused:  # noqa: PT011 - the code is asserted
            _call(service, order, clerk)
        wanted = (
            "transfer_not_received"
            if (service, state) == ("complete_sourcing", S.SOURCING)
            else "invalid_transition"
        )
        assert refused.value.code == wanted
        assert refused.value.status in (409, 422)
        assert Order.objects.filter(pk=order.pk).values().get() == before
        assert not OrderTransition.objects.exists()
    else:
        result = _call(service, order, clerk)
        assert result.state == expected
        assert Order.objects.get(pk=order.pk).state == expected
        assert OrderTransition.objects.get().source == state


def test_the_state_cannot_be_assigned_directly(store):
    order = OrderFactory(pickup_store=store, state=S.RESERVED)

    with pytest.raises(AttributeError):
        order.state = S.COLLECTED


@pytest.mark.parametrize("service", ["start_picking", "report_shortage", "mark_ready", "hand_over"])
def test_staff_of_another_store_may_not_take_the_store_transitions(
    service, store, other_clerk, drill
):
    state = {
        "start_picking": S.RESERVED,
        "report_shortage": S.PICKING,
        "mark_ready": S.PICKING,
        "hand_over": S.READY_FOR_PICKUP,
    }[service]
    order = _order_in(state, store, drill)

    with pytest.raises(Exception) as refused:  # noqa: PT011
        _call(service, order, other_clerk)

    assert refused.value.code == "permission_denied"
    assert Order.objects.get(pk=order.pk).state == state
