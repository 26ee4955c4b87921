"""Placing an order paid by SEPA direct debit over the API, and how the order shows its payment."""

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from payments.models import Payment, SepaMandate
from tests.inventory.factories import ProductFactory, StockLevelFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"
SEPA = {
    "iban": "DE89 3704 0044 0532 0130 00",
    "account_holder": "Maria Müller",
    "mandate_accepted": True,
}


@pytest.fixture
def stocked(store):
    drill = ProductFactory(sku="DRL-18V", name="Akku-Bohrschrauber", price="129.00")
    return StockLevelFactory(store=store, product=drill, on_hand=3)


def _body(**changes) -> dict:
    body = {
        "customer": {"email": "mueller@example.com", "name": "Frau Müller"},
        "pickup_store": "PAS-01",
        "lines": [{"sku": "DRL-18V", "quantity": 1}],
        "payment_method": "sepa_debit",
        "sepa": SEPA,
    }
    body.update(changes)
    return body


def test_an_order_paid_by_direct_debit_shows_the_mandate_and_that_nothing_is_debited_yet(
    anonymous, stocked
):
    placed = anonymous.post(URL, _body(), format="json")

    assert placed.status_code == 201
    order = APIClient().get(
        f"{URL}{placed.json()['number']}/",
        HTTP_X_ORDER_TOKEN=placed.json()["access_token"],
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert order.json()["payment"] == {
        "method": "sepa_debit",
        "state": "mandated",
        "text": "Direct debit: the amount is debited from your account only after you collect.",
        "mandate_reference": f"CC-{placed.json()['number']}",
    }


@pytest.mark.parametrize(
    ("sepa", "status", "code", "field"),
    [
        ({**SEPA, "iban": "DE89370400440532013001"}, 400, "invalid_iban", "sepa.iban"),
        ({**SEPA, "iban": "DE8937040044053201300"}, 400, "invalid_iban", "sepa.iban"),
        ({**SEPA, "iban": "QQ89370400440532013000"}, 400, "invalid_iban", "sepa.iban"),
        ({**SEPA, "mandate_accepted": False}, 400, "mandate_not_accepted", "sepa.mandate_accepted"),
        ({**SEPA, "mandate_accepted": "yes"}, 400, "invalid", "sepa"),
        ({**SEPA, "account_holder": ""}, 400, "invalid", "sepa"),
        ({"iban": SEPA["iban"]}, 400, "invalid", "sepa"),
        (None, 400, "invalid", "sepa"),
    ],
)
def test_bad_direct_debit_details_answer_400_naming_the_field_and_nothing_is_written(
    anonymous, stocked, sepa, status, code, field
):
    response = anonymous.post(URL, _body(sepa=sepa), format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == [field]
    assert (Order.objects.count(), Payment.objects.count(), SepaMandate.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_iban_refusal_says_why_in_a_stable_code(anonymous, stocked):
    body = _body(sepa={**SEPA, "iban": "DE89370400440532013001"})

    response = anonymous.post(URL, body, format="json")

    assert response.json()["reason"] == "checksum"


def test_a_card_order_shows_its_payment_too(anonymous, stocked):
    placed = anonymous.post(URL, _body(payment_method="card", sepa=None), format="json")

    order = APIClient().get(
        f"{URL}{placed.json()['number']}/", HTTP_X_ORDER_TOKEN=placed.json()["access_token"]
    )

    assert order.json()["payment"]["method"] == "card"
    assert order.json()["payment"]["state"] == "authorization_pending"
    assert order.json()["payment"]["mandate_reference"] is None
    assert SepaMandate.objects.count() == 0
