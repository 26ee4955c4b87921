import threading

import pytest
from django.db import connection

from customers.services import CustomerInput
from inventory.models import Reservation, StockLevel
from messaging.models import Notification
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_hand_over, order_mark_ready, order_start_picking
from payments.models import SideEffect

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_order(place, stocked, clerk):
    order = place().order
    order_start_picking(order=order, by=clerk)
    return order_mark_ready(order=order, by=clerk)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_marking_ready_issues_a_six_digit_code_that_is_stored_nowhere_in_plain_text(ready_order):
    code = order_pickup_code_for_shopper(order=ready_order)

    assert len(code) == 6
    assert code.isdigit()
    row = Order.objects.filter(pk=ready_order.pk).values().get()
    assert not any(code in str(value) for value in row.values())
    assert not any(
        code in str(context) for context in Notification.objects.values_list("context", flat=True)
    )
    assert Notification.objects.filter(template="ready", status="queued").count() == 1


def test_the_shopper_sees_the_code_only_while_the_order_is_ready(place, stocked, clerk):
    order = place().order

    assert order_pickup_code_for_shopper(order=order) is None
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    assert order_pickup_code_for_shopper(order=order) is not None


def test_the_right_code_hands_the_order_over_consumes_stock_and_queues_the_capture(
    ready_order, clerk, stocked
):
    code = order_pickup_code_for_shopper(order=ready_order)

    order = order_hand_over(order=ready_order, by=clerk, pickup_code=code)

    assert order.state == Order.State.COLLECTED
    assert list(order.lines.values_list("quantity_collected", flat=True)) == [1]
    stocked["drill"].refresh_from_db()
    assert (stocked["drill"].on_hand, stocked["drill"].reserved) == (4, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["consumed"]
    assert SideEffect.objects.filter(kind="payment_capture", status="pending").count() == 1
    assert order_pickup_code_for_shopper(order=order) is None


def test_a_wrong_code_is_refused_counted_and_changes_nothing_else(ready_order, clerk, stocked):
    code = order_pickup_code_for_shopper(order=ready_order)

    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_hand_over(order=ready_order, by=clerk, pickup_code=_wrong(code))

    assert refused.value.code == "wrong_pickup_code"
    assert refused.value.status == 422
    assert refused.value.extra == {"attempts_left": 4}
    order = Order.objects.get(pk=ready_order.pk)
    assert (order.state, order.pickup_code_failed_attempts) == ("ready_for_pickup", 1)
    assert StockLevel.objects.get(pk=stocked["drill"].pk).reserved == 1


def test_an_empty_code_is_refused_without_counting(ready_order, clerk):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_hand_over(order=ready_order, by=clerk, pickup_code="  ")

    assert refused.value.code == "invalid"
    assert Order.objects.get(pk=ready_order.pk).pickup_code_failed_attempts == 0


def test_five_wrong_codes_lock_the_hand_over_even_for_the_right_code(ready_order, clerk):
    code = order_pickup_code_for_shopper(order=ready_order)
    codes_seen = []
    for _ in range(5):
        with pytest.raises(Exception) as refused:  # noqa: PT011
            order_hand_over(order=ready_order, by=clerk, pickup_code=_wrong(code))
        codes_seen.append(refused.value.code)

    with pytest.raises(Exception) as locked:  # noqa: PT011
        order_hand_over(order=ready_order, by=clerk, pickup_code=code)

    assert codes_seen == ["wrong_pickup_code"] * 4 + ["hand_over_locked"]
    assert locked.value.code == "hand_over_locked"
    order = Order.objects.get(pk=ready_order.pk)
    assert (order.state, order.pickup_code_failed_attempts) == ("ready_for_pickup", 5)


def test_a_manager_override_hands_over_a_locked_order_and_is_recorded(ready_order, clerk, manager):
    Order.objects.filter(pk=ready_order.pk).update(pickup_code_failed_attempts=5)

    order = order_hand_over(order=ready_order, by=manager, override_reason="ID card checked")

    assert order.state == Order.State.COLLECTED
    assert order.hand_over_override_reason == "ID card checked"
    last = order.transitions.last()
    assert (last.transition, last.actor, last.reason) == (
        "hand_over",
        manager,
        "manager override: ID card checked",
    )


def test_a_clerk_may_not_override(ready_order, clerk):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_hand_over(order=ready_order, by=clerk, override_reason="looks honest")

    assert refused.value.code == "override_not_permitted"
    assert Order.objects.get(pk=ready_order.pk).state == Order.State.READY_FOR_PICKUP


def test_the_code_of_one_order_does_not_hand_over_another(place, stocked, clerk, ready_order):
    other = place(customer=CustomerInput(email="maier@example.com", name="Herr Maier")).order
    order_start_picking(order=other, by=clerk)
    other = order_mark_ready(order=other, by=clerk)
    code = order_pickup_code_for_shopper(order=ready_order)
    if code == order_pickup_code_for_shopper(order=other):
        pytest.skip("the two random codes happen to be equal (one in a million)")

    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_hand_over(order=other, by=clerk, pickup_code=code)

    assert refused.value.code == "wrong_pickup_code"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_hand_overs_of_one_order_collect_it_exactly_once(
    ready_order, clerk, stocked
):
    code = order_pickup_code_for_shopper(order=ready_order)
    barrier = threading.Barrier(2)
    outcomes = []

    def hand_over():
        try:
            barrier.wait()
            order_hand_over(order=ready_order, by=clerk, pickup_code=code)
            outcomes.append("collected")
        except Exception as error:  # noqa: BLE001 - the outcome is asserted
            outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["collected", "invalid_transition"]
    stocked["drill"].refresh_from_db()
    assert (stocked["drill"].on_hand, stocked["drill"].reserved) == (4, 0)
    assert SideEffect.objects.filter(kind="payment_capture").count() == 1
    assert (
        Order.objects.get(pk=ready_order.pk).transitions.filter(transition="hand_over").count() == 1
    )
