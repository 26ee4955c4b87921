"""A return handed in at the counter: from the collected order's page, received at once."""

import pytest
from django.urls import reverse

from inventory.models import StockLevel
from returns.models import ReturnCase
from tests.hotline.scenario import order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory
from tests.stores.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def passau():
    return store_open_all_day(code="PAS-01", name="Passau Mitte")


@pytest.fixture
def drill(passau):
    product = ProductFactory(sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90")
    StockLevel.objects.create(store=passau, product=product, on_hand=5)
    return product


@pytest.fixture
def clerk(passau):
    return StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user


@pytest.fixture
def order(passau, drill, clerk):
    return order_collect(store=passau, products=[drill], clerk=clerk, quantity=2)


def _url(order):
    return reverse("admin:orders_order_hand_in_return", args=[order.pk])


def test_the_collected_orders_page_offers_hand_in_a_return(client, clerk, order):
    client.force_login(clerk)

    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert _url(order) in response.content.decode()


def test_a_return_handed_in_is_received_at_once_and_back_on_sale(
    client, clerk, order, passau, drill
):
    client.force_login(clerk)
    line = order.lines.get()
    on_hand = StockLevel.objects.get(store=passau, product=drill).on_hand

    page = client.get(_url(order))
    response = client.post(
        _url(order),
        {"reason": "not_wanted", f"units_{line.pk}": "1", f"condition_{line.pk}": "resellable"},
    )

    case = ReturnCase.objects.get()
    assert page.context["form"][f"units_{line.pk}"].value() == 2
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:returns_returncase_change", args=[case.pk])
    assert (case.state, case.opened_by, case.channel) == ("closed", "store", "store")
    assert StockLevel.objects.get(store=passau, product=drill).on_hand == on_hand + 1


def test_nothing_handed_in_is_refused_and_nothing_is_written(client, clerk, order):
    client.force_login(clerk)
    line = order.lines.get()

    response = client.post(
        _url(order),
        {"reason": "not_wanted", f"units_{line.pk}": "0", f"condition_{line.pk}": "resellable"},
    )

    assert response.status_code == 400
    assert ReturnCase.objects.count() == 0


def test_another_stores_clerk_cannot_hand_in_there(client, order):
    other = store_open_all_day(code="MUC-01", name="München")
    client.force_login(StaffMembershipFactory(store=other).user)

    response = client.get(_url(order))

    assert response.status_code == 404
    assert ReturnCase.objects.count() == 0


def test_a_hand_in_without_a_reason_is_refused_and_nothing_is_written(client, clerk, order):
    client.force_login(clerk)
    line = order.lines.get()

    response = client.post(
        _url(order), {f"units_{line.pk}": "1", f"condition_{line.pk}": "resellable"}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reason"]
    assert ReturnCase.objects.count() == 0
