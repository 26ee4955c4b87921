"""Paying at checkout: card, direct debit with IBAN and mandate, or in store; the order page says
how the payment stands and a cancelled order never reads as paid."""

import html

import pytest

from customers.models import Customer
from orders.models import Order
from orders.services import order_cancel
from payments.models import Payment, SepaMandate
from tests.shop.data import order_path

pytestmark = pytest.mark.django_db

CHECKOUT = "/products/AKKU-BS-18V/checkout/"
VALID = {
    "name": "Anna Huber",
    "email": "anna@example.com",
    "phone": "",
    "store": "PAS-01",
    "quantity": "1",
    "payment_method": "sepa_debit",
    "iban": "DE89 3704 0044 0532 0130 00",
    "account_holder": "Anna Huber",
    "mandate_accepted": "on",
    "campaign": "",
}


def _post(client, language="en", **changes):
    return client.post(CHECKOUT, {**VALID, **changes}, HTTP_ACCEPT_LANGUAGE=language)


def _page(client, url, language="en") -> str:
    return html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())


def test_checkout_offers_direct_debit_with_the_mandate_to_accept(client, stocked):
    page = _page(client, f"{CHECKOUT}?store=PAS-01")

    assert "Direct debit: debited from your account only after you collect" in page
    assert '<p class="mandate small" id="mandate-text">I authorise Click & Collect' in page
    assert "Card: reserved now, charged only when you collect" in page
    assert "Test shop: no card details are asked" in page


def test_paying_by_direct_debit_stores_the_mandate_and_the_order_page_says_when_it_is_debited(
    client, stocked
):
    response = _post(client, language="de")

    assert response.status_code == 302
    order = Order.objects.get()
    mandate = SepaMandate.objects.get(order=order)
    assert (mandate.iban, mandate.account_holder, mandate.language) == (
        "DE89370400440532013000",
        "Anna Huber",
        "de",
    )
    assert mandate.text.startswith("Ich ermächtige")
    assert Payment.objects.get(order=order).state == "mandated"
    page = _page(client, response["Location"], language="de")
    assert "Lastschrift: Der Betrag wird erst nach der Abholung von Ihrem Konto abgebucht." in page
    assert f"Mandatsreferenz CC-{order.number}, Konto DE•• •••• 3000" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "iban", "This IBAN's check digits do not match."),
        ({"iban": "DE89 3704 0044 0532 0130"}, "iban", "This IBAN has too many or too few"),
        ({"iban": "US12 3456"}, "iban", "Direct debit needs an account in the SEPA area"),
        ({"iban": ""}, "iban", "Enter your IBAN, e.g. DE89"),
        ({"account_holder": " "}, "account_holder", "Enter the name of the account holder."),
        ({"mandate_accepted": ""}, "mandate_accepted", "Please give the mandate to pay by"),
    ],
)
def test_bad_direct_debit_details_are_refused_next_to_the_field_and_nothing_is_written(
    client, stocked, changes, field, message
):
    response = _post(client, **changes)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f'<p class="error" id="id_{field}_error">{message}' in page
    assert (Order.objects.count(), Customer.objects.count(), SepaMandate.objects.count()) == (
        0,
        0,
        0,
    )


def test_account_details_are_not_needed_for_other_payment_methods(client, stocked):
    response = _post(client, payment_method="pay_in_store", iban="", mandate_accepted="")

    assert response.status_code == 302
    assert SepaMandate.objects.count() == 0


def test_a_cancelled_card_order_says_nothing_was_charged_and_never_that_it_was_paid(
    client, stocked
):
    response = _post(client, language="de", payment_method="card")
    order = Order.objects.get()
    order_cancel(order=order, by=None, reason="shopper: changed_mind")

    page = _page(client, response["Location"], language="de")

    assert "Karte: Es wurde nichts belastet; eine Vormerkung wird freigegeben." in page
    assert "bezahlt" not in page


def test_the_order_page_of_a_pay_in_store_order_says_to_pay_at_pickup(client, placed):
    page = _page(client, order_path(placed))

    assert "Pay in store when you collect." in page


def test_the_order_page_of_a_card_order_says_the_amount_is_reserved_not_paid(client, stocked):
    response = _post(client, payment_method="card")

    page = _page(client, response["Location"])

    assert "Card: the amount is reserved on your card and charged only when you collect." in page
