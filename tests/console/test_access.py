import pytest
from django.urls import reverse

from orders.models import Order
from tests.console import scenario
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


def _orders_in_list(response) -> set[str]:
    return {order.number for order in response.context["cl"].result_list}


def test_a_clerk_sees_only_their_own_stores_orders_in_the_list(clerk_client, store, other_store):
    own = scenario.order_fact(store, Order.State.RESERVED)
    scenario.order_fact(other_store, Order.State.RESERVED)

    response = clerk_client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 200
    assert _orders_in_list(response) == {own.number}


def test_a_clerk_opening_another_stores_order_gets_404(clerk_client, other_store):
    foreign = scenario.order_fact(other_store, Order.State.RESERVED)

    response = clerk_client.get(reverse("admin:orders_order_change", args=[foreign.pk]))

    assert response.status_code == 404


def test_a_clerk_posting_a_transition_on_another_stores_order_gets_404_and_nothing_changes(
    clerk_client, other_store
):
    foreign = scenario.order_fact(other_store, Order.State.RESERVED)

    response = clerk_client.post(
        reverse("admin:orders_order_transition", args=[foreign.pk, "start_picking"])
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == Order.State.RESERVED
    assert foreign.transitions.count() == 0


@pytest.mark.parametrize(
    "url_name",
    ["admin:orders_order_hand_over", "admin:orders_order_shortage", "admin:orders_order_cancel"],
)
def test_a_clerk_opening_a_form_of_another_stores_order_gets_404(
    clerk_client, other_store, url_name
):
    foreign = scenario.order_fact(other_store, Order.State.READY_FOR_PICKUP)

    response = clerk_client.get(reverse(url_name, args=[foreign.pk]))

    assert response.status_code == 404


def test_a_clerk_opening_another_stores_stock_level_gets_404(clerk_client, other_store):
    level = scenario.drill_stocked(other_store)

    response = clerk_client.get(reverse("admin:inventory_stocklevel_change", args=[level.pk]))

    assert response.status_code == 404


def test_a_clerk_opening_another_stores_return_gets_404(clerk_client, other_store):
    order = scenario.order_fact(other_store, Order.State.COLLECTED)
    case = scenario.return_case_fact(order, state="in_transit", number="RMA-OTHER")

    response = clerk_client.get(reverse("admin:returns_returncase_change", args=[case.pk]))

    assert response.status_code == 404


def test_an_agent_sees_every_stores_orders_and_cannot_change_their_state(
    client, agent, store, other_store
):
    first = scenario.order_fact(store, Order.State.RESERVED)
    second = scenario.order_fact(other_store, Order.State.RESERVED)
    client.force_login(agent)

    listing = client.get(reverse("admin:orders_order_changelist"))
    page = client.get(reverse("admin:orders_order_change", args=[first.pk]))
    refused = client.post(
        reverse("admin:orders_order_transition", args=[first.pk, "start_picking"])
    )

    assert _orders_in_list(listing) == {first.number, second.number}
    assert [button["action"] for button in page.context["buttons"]] == ["cancel"]
    assert refused.status_code == 302
    first.refresh_from_db()
    assert first.state == Order.State.RESERVED


def test_a_staff_user_without_a_store_or_role_cannot_open_the_order_list(client, store):
    scenario.order_fact(store, Order.State.RESERVED)
    client.force_login(UserFactory(username="nobody"))

    response = client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, store):
    order = scenario.order_fact(store, Order.State.RESERVED)

    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_clerk_sees_no_user_administration(clerk_client):
    response = clerk_client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 403


def test_the_console_is_branded_for_the_chain(clerk_client):
    response = clerk_client.get(reverse("admin:index"))

    assert "Click &amp; Collect — Staff console" in response.content.decode()


def test_the_console_follows_the_browsers_language(clerk_client):
    response = clerk_client.get(reverse("admin:index"), headers={"accept-language": "de"})

    assert response.status_code == 200
    assert '<html lang="de"' in response.content.decode()
