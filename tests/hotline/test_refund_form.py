"""The hotline's refund return next to the exchange: the same lines and reason, a courier or the
customer bringing the item; every mistake in one round, nothing written on error."""

import pytest
from django.urls import reverse

from returns.models import CourierBooking, ReturnCase

pytestmark = pytest.mark.django_db


def _url(order):
    return reverse("hotline:refund", args=[order.number])


def _filled(order, tomorrow, **changes):
    line = order.lines.get()
    data = {
        f"line_{line.pk}": "1",
        "reason": "not_wanted",
        "how": "courier",
        "name": "Erika Müller",
        "line1": "Innstraße 12",
        "postcode": "94032",
        "city": "Passau",
        "country": "DE",
        "date": tomorrow.isoformat(),
        "window_start": "08:00",
        "window_end": "12:00",
    }
    data.update(changes)
    return data


def test_the_customer_page_offers_a_refund_return_next_to_the_exchange(
    agent_client, collected_order
):
    response = agent_client.get(reverse("hotline:customer", args=[collected_order.customer_id]))

    content = response.content.decode()
    assert reverse("hotline:exchange", args=[collected_order.number]) in content
    assert _url(collected_order) in content


def test_a_refund_return_with_a_courier_opens_the_case_and_requests_the_courier(
    agent_client, collected_order, tomorrow
):
    response = agent_client.post(_url(collected_order), _filled(collected_order, tomorrow))

    case = ReturnCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:case", args=[case.number])
    assert (case.resolution, case.state, case.opened_by) == ("refund", "awaiting_courier", "agent")
    assert CourierBooking.objects.get().postcode == "94032"


def test_a_refund_return_the_customer_brings_needs_no_address(
    agent_client, collected_order, tomorrow
):
    data = _filled(collected_order, tomorrow, how="store", line1="", postcode="", date="")

    response = agent_client.post(_url(collected_order), data)

    case = ReturnCase.objects.get()
    assert response.status_code == 302
    assert (case.state, case.receiving_store.code) == ("opened", "PAS-01")
    assert CourierBooking.objects.count() == 0


def test_every_mistake_of_a_refund_return_is_shown_at_once_and_nothing_is_written(
    agent_client, collected_order, tomorrow
):
    line = collected_order.lines.get()
    data = _filled(collected_order, tomorrow, postcode="ABCDE", reason="", window_start="13:00")
    data[f"line_{line.pk}"] = "0"

    response = agent_client.post(_url(collected_order), data)

    form = response.context["form"]
    assert response.status_code == 400
    assert sorted(form.errors) == ["postcode", "reason", "window_end"]
    assert form.lines_errors == ["Choose at least one item and how many come back."]
    assert ReturnCase.objects.count() == 0


def test_the_refund_form_proposes_every_unit_that_can_come_back(agent_client, collected_order):
    response = agent_client.get(_url(collected_order))

    line = collected_order.lines.get()
    assert response.context["form"][f"line_{line.pk}"].value() == 1


def test_an_order_not_collected_cannot_be_returned(agent_client, collected_order, agent):
    from tests.hotline.scenario import exchange_of

    exchange_of(collected_order, by=agent)

    response = agent_client.get(_url(collected_order))

    assert response.status_code == 409
