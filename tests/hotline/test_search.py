"""One search box finds the customer by e-mail, phone, order number, RMA number or name; a
single hit opens the customer page."""

import pytest
from django.db import connection
from django.urls import reverse

from customers.models import Customer
from customers.selectors import customer_search
from returns.services import courier_booking_fail
from tests.hotline.scenario import exchange_of, order_collect
from tests.stores.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


def _search(client, query):
    return client.get(reverse("hotline:search"), {"q": query})


@pytest.mark.parametrize(
    "query",
    [
        "erika.mueller@example.com",
        "Erika.Mueller@Example.COM",
        "0851 12345",
        "+49 851 12345",
        "0049 85112345",
        "erika müller",
    ],
)
def test_a_single_match_opens_the_customer_page(agent_client, collected_order, query):
    response = _search(agent_client, query)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/hotline/customers/{collected_order.customer_id}/"


def test_the_order_number_finds_its_customer_whatever_the_letter_case(
    agent_client, collected_order
):
    response = _search(agent_client, f"  {collected_order.number.lower()} ")

    assert response["Location"] == f"/admin/hotline/customers/{collected_order.customer_id}/"


def test_the_rma_number_finds_its_customer(agent_client, collected_order, agent):
    case = exchange_of(collected_order, by=agent).case

    response = _search(agent_client, case.number.lower())

    assert response["Location"] == f"/admin/hotline/customers/{collected_order.customer_id}/"


def test_several_matches_are_listed_to_choose_from(agent_client, collected_order):
    Customer.objects.create(email="hans.mueller@example.com", name="Hans Müller")

    response = _search(agent_client, "Müller")

    assert response.status_code == 200
    assert [customer.email for customer in response.context["customers"]] == [
        "hans.mueller@example.com",
        "erika.mueller@example.com",
    ]
    assert "/admin/hotline/customers/" in response.content.decode()


def test_no_match_says_so(agent_client, collected_order):
    response = _search(agent_client, "nobody@example.com")

    assert response.status_code == 200
    assert response.context["customers"] == []
    assert "Nobody found" in response.content.decode()


def test_a_query_shorter_than_three_characters_asks_for_more(agent_client, collected_order):
    response = _search(agent_client, "er")

    assert response.status_code == 200
    assert response.context["customers"] == []
    assert "Type at least three characters." in response.content.decode()


def test_the_search_page_lists_cases_whose_courier_booking_failed_for_good(
    agent_client, collected_order, agent
):
    opened = exchange_of(collected_order, by=agent)
    courier_booking_fail(booking_id=opened.booking.pk, error="address rejected")

    response = _search(agent_client, "")

    assert [case.number for case in response.context["attention"]] == [opened.case.number]
    assert "Courier booking failed: address rejected" in response.content.decode()


def test_the_attention_list_is_empty_while_every_booking_is_fine(
    agent_client, collected_order, agent
):
    exchange_of(collected_order, by=agent)

    response = _search(agent_client, "")

    assert response.context["attention"] == []
    assert "Nothing to follow up." in response.content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["Mueller", "Muller", "mueller", "MÜLLER", "erika muller"])
def test_a_name_typed_without_umlaut_or_accent_finds_mueller(agent_client, collected_order, query):
    response = _search(agent_client, query)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/hotline/customers/{collected_order.customer_id}/"


@pytest.mark.postgres
def test_a_name_stored_without_umlaut_is_found_by_the_umlaut(agent_client, collected_order):
    Customer.objects.create(email="k.moeller@example.com", name="Karl Moeller")

    response = _search(agent_client, "Möller")

    assert response["Location"] == (
        f"/admin/hotline/customers/{Customer.objects.get(name='Karl Moeller').pk}/"
    )


def test_namesakes_are_one_row_each_with_city_phone_and_last_order(
    agent_client, passau, regensburg, drill, clerk
):
    first = order_collect(store=passau, products=[drill], clerk=clerk, email="erika.1@example.com")
    order_collect(store=passau, products=[drill], clerk=clerk, email="erika.2@example.com")
    regensburg_clerk = StaffMembershipFactory(store=regensburg).user
    latest = order_collect(
        store=regensburg, products=[drill], clerk=regensburg_clerk, email="erika.2@example.com"
    )

    response = _search(agent_client, "Erika Müller")

    rows = {
        customer.email: (
            customer.last_order_city,
            customer.phone,
            customer.last_order_number,
        )
        for customer in response.context["customers"]
    }
    assert len(response.context["customers"]) == 2
    assert rows == {
        "erika.1@example.com": ("Passau", "+4985112345", first.number),
        "erika.2@example.com": ("Regensburg", "+4985112345", latest.number),
    }
    page = response.content.decode()
    assert page.count('class="hotline-last-order"') == 2
    assert latest.number in page
    assert "Regensburg" in page


@pytest.mark.parametrize("query", ["+49 (851) 12345", "0851/12345", "0851-123-45"])
def test_a_phone_number_in_any_notation_finds_the_customer(agent_client, collected_order, query):
    response = _search(agent_client, query)

    assert response["Location"] == f"/admin/hotline/customers/{collected_order.customer_id}/"


def test_the_search_api_lists_the_same_customers_with_their_last_order(
    client, agent, collected_order
):
    client.force_login(agent)

    response = client.get("/api/v1/customers/", {"search": "Mueller"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": collected_order.customer_id,
            "name": "Erika Müller",
            "email": "erika.mueller@example.com",
            "phone": "+4985112345",
            "language": "de",
            "preferred_channel": "email",
            "last_order": {
                "number": collected_order.number,
                "placed_at": response.json()[0]["last_order"]["placed_at"],
                "city": "Passau",
            },
        }
    ]


def test_the_search_api_counts_the_length_limit_on_what_was_sent_not_on_what_trimming_leaves(
    client, agent, collected_order
):
    client.force_login(agent)

    padded = client.get("/api/v1/customers/", {"search": " Mueller" + " " * 100})
    within = client.get("/api/v1/customers/", {"search": " Mueller "})

    assert padded.status_code == 400
    assert padded.json()["fields"] == {
        "search": ["Ensure this field has no more than 100 characters."]
    }
    assert within.status_code == 200
    assert [found["id"] for found in within.json()] == [collected_order.customer_id]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("erika muller", "customer_name_folded_trgm_idx"),
        ("mueller@exam", "customer_email_trgm_idx"),
        ("erika.mueller@example.com", "customer_email_unique_ci"),
        ("0851 12345", "customer_phone_idx"),
    ],
)
def test_each_way_of_finding_a_customer_reads_its_own_index(query, index):
    """With a chain's million customers a scan takes seconds: the search's expressions must stay
    the ones the indexes of customers/migrations/0003 hold."""
    sql, params = customer_search(query=query).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert index in plan, plan
