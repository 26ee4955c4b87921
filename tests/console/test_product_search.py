import pytest

from demo.inventory import demo_products_seed
from tests.console import scenario

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["Akkuschrauber", "Akku-Schrauber", "cordless drill"])
def test_the_hotline_finds_products_with_the_shops_search(client, query):
    demo_products_seed(report=lambda message: None)
    client.force_login(scenario.agent_create())

    response = client.get("/admin/inventory/product/", {"q": query})

    assert response.status_code == 200
    skus = [row.sku for row in response.context["cl"].result_list]
    assert "AKKU-BS-18V" in skus
    assert "HAMMER-300" not in skus


@pytest.mark.parametrize("typed", ["DRILL-18V", "drill-18", "dril"])
def test_a_clerk_finds_a_stock_row_by_the_sku_or_its_start(clerk_client, drill_stock, typed):
    response = clerk_client.get("/admin/inventory/stocklevel/", {"q": typed})

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [drill_stock.pk]


def test_the_start_of_another_word_in_the_sku_finds_nothing(clerk_client, drill_stock):
    response = clerk_client.get("/admin/inventory/stocklevel/", {"q": "-18V"})

    assert list(response.context["cl"].result_list) == []
