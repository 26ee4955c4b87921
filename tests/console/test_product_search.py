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
