"""Every page answers with the Content-Security-Policy: no inline script, <style> only with the
request's nonce."""

import re

import pytest
from django.test import Client

from tests.console import scenario
from tests.shop import data


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> dict[str, list[str]]:
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "<script>" not in response.content.decode()
    assert not re.search(r"<[^>]+ on[a-z]+=", response.content.decode()), "inline event handler"
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/?q=Bohrschrauber", "/products/AKKU-BS-18V/"])
def test_the_shop_pages_answer_with_the_strict_policy(client, path):
    data.drill_stocked(
        passau=data.passau_store(), regensburg=data.regensburg_store(), drill=data.drill_product()
    )

    response = client.get(path)

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/pick-list/"])
def test_the_console_styles_carry_the_nonce_the_header_names(path):
    store = scenario.store_create()
    clerk = scenario.staff_create(store, "clerk.pas-01")
    scenario.drill_stocked(store, on_hand=5)
    scenario.order_placed(store)
    client = Client()
    client.force_login(clerk)

    response = client.get(path)

    assert response.status_code == 200
    directives = assert_strict(response)
    nonces = set(re.findall(r'<style nonce="([^"]+)">', response.content.decode()))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in directives["style-src"]
    assert "<style>" not in response.content.decode()


@pytest.mark.django_db
def test_each_answer_gets_a_nonce_of_its_own(admin_client):
    first = policy(admin_client.get("/admin/"))["style-src"]
    second = policy(admin_client.get("/admin/"))["style-src"]

    assert first != second


@pytest.mark.django_db
def test_the_api_docs_load_their_script_from_a_file(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert_strict(response)
