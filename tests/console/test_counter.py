"""The counter's one box on the shift page: a scanned QR code, an order number or a spoken
pickup code opens the right order's hand-over; typos are refused and never counted."""

import pytest
from django.urls import reverse
from django.utils import translation

from orders.codes import counter_qr_payload
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_mark_ready, order_start_picking
from tests.console import scenario

pytestmark = pytest.mark.django_db

COUNTER = reverse("admin:orders_order_counter")


@pytest.fixture
def ready(store, drill_stock, clerk):
    """A ready order and its pickup code."""
    order = scenario.order_placed(store)
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    return order, order_pickup_code_for_shopper(order=order)


def _scan(client, typed: str, store_code: str = "PAS-01"):
    return client.post(COUNTER, {"q": typed, "store": store_code}, follow=True)


def _hand_over_url(order) -> str:
    return reverse("admin:orders_order_hand_over", args=[order.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_shift_page_has_one_focused_box_for_scanning_or_typing(clerk_client):
    page = clerk_client.get(reverse("admin:index")).content.decode()

    assert 'id="cc-scan-input"' in page
    assert "autofocus" in page.split('id="cc-scan-input"')[1].split(">")[0]
    assert 'name="store" value="PAS-01"' in page


def test_the_qr_code_opens_the_hand_over_with_the_code_filled_in(clerk_client, ready):
    order, code = ready

    response = _scan(clerk_client, counter_qr_payload(number=order.number, code=code))

    assert response.redirect_chain[-1][0] == _hand_over_url(order)
    assert response.context["form"]["pickup_code"].value() == code
    assert code not in response.redirect_chain[-1][0]


def test_the_filled_in_code_is_used_once(clerk_client, ready):
    order, code = ready
    _scan(clerk_client, counter_qr_payload(number=order.number, code=code))

    again = clerk_client.get(_hand_over_url(order))

    assert again.context["form"]["pickup_code"].value() in ("", None)


@pytest.mark.parametrize("typed", ["{number}", "{lower}", "{dashed}"])
def test_an_order_number_opens_the_hand_over_of_a_ready_order(clerk_client, ready, typed):
    order, _code = ready
    number = order.number

    response = _scan(
        clerk_client,
        typed.format(number=number, lower=number.lower(), dashed=f"{number[:4]}-{number[4:]}"),
    )

    assert response.redirect_chain[-1][0] == _hand_over_url(order)
    assert response.context["form"]["pickup_code"].value() in ("", None)


def test_an_order_number_of_an_order_not_ready_opens_the_order(clerk_client, store, drill_stock):
    order = scenario.order_placed(store)

    response = _scan(clerk_client, order.number)

    assert response.redirect_chain[-1][0] == reverse("admin:orders_order_change", args=[order.pk])
    assert _messages(response) == [f"Order {order.number} is To pick."]


@pytest.mark.parametrize("spoken", ["{a}{b}", "{a} {b}", "{a}-{b}"])
def test_a_spoken_pickup_code_finds_the_ready_order(clerk_client, ready, spoken):
    order, code = ready

    response = _scan(clerk_client, spoken.format(a=code[:3], b=code[3:]))

    assert response.redirect_chain[-1][0] == _hand_over_url(order)
    assert response.context["form"]["pickup_code"].value() == code


def test_a_five_digit_code_is_refused_and_no_attempt_is_counted(clerk_client, ready):
    order, code = ready

    response = _scan(clerk_client, code[:5])

    assert _messages(response) == ["A pickup code has 6 digits; you entered 5."]
    assert Order.objects.get(pk=order.pk).pickup_code_failed_attempts == 0


def test_a_code_no_ready_order_has_is_refused_and_counted_nowhere(clerk_client, ready):
    order, code = ready
    other = "000000" if code != "000000" else "111111"

    response = _scan(clerk_client, other)

    assert _messages(response) == ["No order ready for pickup here has this code."]
    assert Order.objects.get(pk=order.pk).pickup_code_failed_attempts == 0


def test_another_stores_order_is_not_opened(clerk_client, other_store):
    scenario.drill_stocked(other_store)
    order = scenario.order_placed(other_store)

    response = _scan(clerk_client, order.number)

    assert _messages(response) == [f"No order {order.number} at this store."]


def test_nonsense_is_not_understood(clerk_client):
    response = _scan(clerk_client, "Bohrmaschine")

    assert _messages(response) == [
        "“Bohrmaschine” is no order number, pickup code or order QR code."
    ]


def test_a_store_the_user_does_not_work_at_answers_404(clerk_client, other_store):
    response = clerk_client.post(COUNTER, {"q": "123456", "store": other_store.code})

    assert response.status_code == 404


def test_the_counter_takes_no_get(clerk_client):
    assert clerk_client.get(COUNTER).status_code == 405


def test_the_hand_over_form_takes_the_code_in_groups(clerk_client, ready):
    order, code = ready

    response = clerk_client.post(_hand_over_url(order), {"pickup_code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).state == Order.State.COLLECTED


def test_the_hand_over_form_refuses_a_five_digit_code_without_counting(clerk_client, ready):
    order, code = ready

    response = clerk_client.post(_hand_over_url(order), {"pickup_code": code[:5]})

    assert response.status_code == 200
    assert "The pickup code has 6 digits; you entered 5." in response.content.decode()
    assert Order.objects.get(pk=order.pk).pickup_code_failed_attempts == 0


@pytest.mark.parametrize(
    ("wrong_so_far", "german"), [(3, "Noch 1 Versuch."), (1, "Noch 3 Versuche.")]
)
def test_the_attempts_left_are_counted_in_proper_german(
    clerk, clerk_client, ready, wrong_so_far, german
):
    order, code = ready
    Order.objects.filter(pk=order.pk).update(pickup_code_failed_attempts=wrong_so_far)
    wrong = "000000" if code != "000000" else "111111"

    with translation.override("de"):
        response = clerk_client.post(
            _hand_over_url(order), {"pickup_code": wrong}, HTTP_ACCEPT_LANGUAGE="de"
        )

    assert german in response.content.decode()
