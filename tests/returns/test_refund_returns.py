"""Refund returns: opened by the hotline or the shopper, or handed in at a store counter."""

from decimal import Decimal

import pytest

from inventory.models import StockLevel, StockMovement
from orders import selectors as order_selectors
from orders import services as order_services
from payments.models import Payment, SideEffect
from payments.services import side_effect_perform
from returns.exceptions import (
    InvalidReturnInput,
    OrderNotCollected,
    ReceiveNotPermitted,
    ReturnExceedsCollected,
)
from returns.models import ReturnCase
from returns.services import (
    ReceivedLineInput,
    ReturnLineInput,
    return_hand_in,
    return_open,
    return_receive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_order(passau, drill, clerk):
    """A card order, authorized and captured as the worker would have done after commit."""
    placed = order_services.order_place(
        customer=order_services.CustomerInput(email="card@example.com", name="Card Payer"),
        pickup_store_code=passau.code,
        lines=[order_services.LineInput(sku=drill.sku, quantity=2)],
        payment_method="card",
    )
    authorize = SideEffect.objects.get(order=placed.order, kind=SideEffect.Kind.PAYMENT_AUTHORIZE)
    side_effect_perform(side_effect_id=authorize.pk)
    order = order_services.order_start_picking(order=placed.order, by=clerk)
    order = order_services.order_mark_ready(order=order, by=clerk)
    code = order_selectors.order_pickup_code_for_shopper(order=order)
    order = order_services.order_hand_over(order=order, by=clerk, pickup_code=code)
    capture = SideEffect.objects.get(order=order, kind=SideEffect.Kind.PAYMENT_CAPTURE)
    side_effect_perform(side_effect_id=capture.pk)
    return order


def test_a_shopper_opens_a_refund_for_an_unwanted_item_to_bring_to_the_store(collected_order):
    case = return_open(
        order_number=collected_order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="not_wanted",
        opened_by="shopper",
    )

    assert (case.state, case.resolution, case.opened_by, case.channel) == (
        "opened",
        "refund",
        "shopper",
        "web",
    )
    assert case.receiving_store == collected_order.pickup_store


def test_receiving_a_card_refund_queues_the_refund_of_what_came_back_and_closes(
    card_order, clerk, passau
):
    case = return_open(
        order_number=card_order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="not_wanted",
        opened_by="agent",
        by=clerk,
    )

    case = return_receive(
        number=case.number,
        lines=[ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="resellable")],
        store=passau,
        by=clerk,
    )

    refund = SideEffect.objects.get(order=card_order, kind=SideEffect.Kind.PAYMENT_REFUND)
    assert Decimal(refund.payload["amount"]) == Decimal("89.90")
    assert case.refunded_amount == Decimal("89.90")
    assert case.state == ReturnCase.State.CLOSED


def test_an_item_handed_in_at_the_counter_goes_straight_to_received_and_back_on_hand(
    collected_order, clerk, passau, drill
):
    on_hand = StockLevel.objects.get(store=passau, product=drill).on_hand

    case = return_hand_in(
        order_number=collected_order.number,
        lines=[ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="resellable")],
        reason="not_wanted",
        store=passau,
        by=clerk,
    )

    assert (case.opened_by, case.channel, case.state) == ("store", "store", "closed")
    assert case.received_at is not None
    assert case.refunded_amount == Decimal("89.90")
    assert StockLevel.objects.get(store=passau, product=drill).on_hand == on_hand + 1


def test_a_counter_hand_in_with_a_bad_condition_writes_nothing(collected_order, clerk, passau):
    with pytest.raises(InvalidReturnInput):
        return_hand_in(
            order_number=collected_order.number,
            lines=[ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="shiny")],
            reason="not_wanted",
            store=passau,
            by=clerk,
        )

    assert ReturnCase.objects.count() == 0


def test_refund_returns_refuse_what_exchanges_refuse(collected_order, passau, drill, clerk):
    placed = order_services.order_place(
        customer=order_services.CustomerInput(email="open@example.com", name="Open"),
        pickup_store_code=passau.code,
        lines=[order_services.LineInput(sku=drill.sku, quantity=1)],
        payment_method="pay_in_store",
    )

    with pytest.raises(OrderNotCollected):
        return_open(
            order_number=placed.order.number,
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
            reason="not_wanted",
            opened_by="shopper",
        )
    with pytest.raises(ReturnExceedsCollected):
        return_open(
            order_number=collected_order.number,
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=3)],
            reason="not_wanted",
            opened_by="shopper",
        )
    with pytest.raises(InvalidReturnInput):
        return_open(
            order_number=collected_order.number,
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
            reason="not_wanted",
            opened_by="courier",
        )

    assert ReturnCase.objects.count() == 0


def test_the_receive_service_itself_refuses_anyone_not_working_at_the_receiving_store(
    collected_order, agent, munich_clerk, passau, munich, drill
):
    case = return_open(
        order_number=collected_order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="not_wanted",
        opened_by="agent",
        by=agent,
    )
    movements = StockMovement.objects.count()
    line = ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="resellable")

    for by, store in ((agent, passau), (munich_clerk, passau), (munich_clerk, munich)):
        with pytest.raises(ReceiveNotPermitted):
            return_receive(number=case.number, lines=[line], store=store, by=by)
    with pytest.raises(ReceiveNotPermitted):
        return_hand_in(
            order_number=collected_order.number,
            lines=[line],
            reason="not_wanted",
            store=passau,
            by=munich_clerk,
        )

    assert StockMovement.objects.count() == movements
    assert ReturnCase.objects.get(number=case.number).state == "opened"
    assert ReturnCase.objects.count() == 1


def test_a_card_return_received_before_the_capture_went_out_is_refunded_once_it_has(
    passau, drill, clerk
):
    # Found by tests/flows/test_stock_state_machine.py: with the payment calls still in the
    # outbox (the gateway slow or down), receiving the return refused with not_refundable.
    placed = order_services.order_place(
        customer=order_services.CustomerInput(email="late@example.com", name="Late Capture"),
        pickup_store_code=passau.code,
        lines=[order_services.LineInput(sku=drill.sku, quantity=2)],
        payment_method="card",
    )
    order = order_services.order_start_picking(order=placed.order, by=clerk)
    order = order_services.order_mark_ready(order=order, by=clerk)
    code = order_selectors.order_pickup_code_for_shopper(order=order)
    order = order_services.order_hand_over(order=order, by=clerk, pickup_code=code)
    case = return_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="not_wanted",
        opened_by="agent",
        by=clerk,
    )

    case = return_receive(
        number=case.number,
        lines=[ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="resellable")],
        store=passau,
        by=clerk,
    )
    for side_effect in SideEffect.objects.filter(order=order).order_by("pk"):
        side_effect_perform(side_effect_id=side_effect.pk)

    payment = Payment.objects.get(order=order)
    assert case.state == ReturnCase.State.CLOSED
    assert (payment.state, payment.amount_captured, payment.amount_refunded) == (
        Payment.State.CAPTURED,
        Decimal("179.80"),
        Decimal("89.90"),
    )
    assert not SideEffect.objects.filter(order=order, status="pending").exists()
