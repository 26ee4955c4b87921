"""Only hotline agents (and administrators) reach the hotline pages; anyone else is sent to log
in or told the page does not exist."""

import pytest
from django.urls import reverse

from tests.hotline.scenario import exchange_of, order_collect
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


def _pages(order, case_number):
    return [
        reverse("hotline:search"),
        reverse("hotline:customer", args=[order.customer_id]),
        reverse("hotline:exchange", args=[order.number]),
        reverse("hotline:exchange_stores", args=[order.number]),
        reverse("hotline:case", args=[case_number]),
    ]


@pytest.fixture
def pages(passau, drill, clerk, agent):
    """Every page for an order of two drills, one of them already on its way back."""
    order = order_collect(store=passau, products=[drill], clerk=clerk, quantity=2)
    return _pages(order, exchange_of(order, by=agent).case.number)


def test_an_anonymous_visitor_is_sent_to_the_staff_login_from_every_hotline_page(client, pages):
    responses = [client.get(url) for url in pages]

    assert [response.status_code for response in responses] == [302] * 5
    assert [response["Location"] for response in responses] == [
        f"/admin/login/?next={url}" for url in pages
    ]


def test_a_store_clerk_gets_not_found_on_every_hotline_page(client, clerk, pages):
    client.force_login(clerk)

    responses = [client.get(url) for url in pages]

    assert [response.status_code for response in responses] == [404] * 5


def test_a_clerk_cannot_open_an_exchange_by_posting_the_form(client, clerk, collected_order):
    client.force_login(clerk)

    response = client.post(reverse("hotline:exchange", args=[collected_order.number]), {})

    assert response.status_code == 404


def test_an_agent_opens_every_hotline_page(agent_client, pages):
    responses = [agent_client.get(url) for url in pages]

    assert [response.status_code for response in responses] == [200] * 5


def test_an_administrator_opens_the_hotline(client, collected_order):
    client.force_login(UserFactory(username="admin", is_superuser=True))

    response = client.get(reverse("hotline:search"))

    assert response.status_code == 200


def test_the_hotline_pages_are_never_cached(agent_client, pages):
    response = agent_client.get(pages[0])

    assert "no-cache" in response["Cache-Control"]
