"""Login lockout (django-axes): the console's login page and the API's token endpoint."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.stores.factories import UserFactory

LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"


def console_login(client: Client, password: str, username: str = "clerk.pas-01"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


@pytest.fixture
def clerk():
    return UserFactory(username="clerk.pas-01", is_staff=True)


@pytest.mark.django_db
def test_wrong_passwords_up_to_the_limit_lock_the_console_login_even_for_the_right_password(
    clerk,
):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert console_login(client, "wrong").status_code == 200

    locked = console_login(client, "wrong")
    right = console_login(client, "demo")

    assert locked.status_code == right.status_code == 429
    assert "Too many failed logins" in right.content.decode()
    assert 'id="login-form"' in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lockout_message_is_german_for_a_german_browser(clerk):
    client = Client(headers={"accept-language": "de"})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        console_login(client, "wrong")

    right = console_login(client, "demo")

    assert right.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in right.content.decode()


@pytest.mark.django_db
def test_fewer_wrong_passwords_than_the_limit_still_let_the_right_one_in(clerk):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        console_login(client, "wrong")

    right = console_login(client, "demo")

    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)


@pytest.mark.django_db
def test_the_lock_is_per_username_and_address_so_another_address_can_still_log_in(clerk):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        console_login(Client(REMOTE_ADDR="203.0.113.7"), "wrong")

    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    right = console_login(elsewhere, "demo")

    assert right.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(clerk.pk)


@pytest.mark.django_db
def test_an_administrator_unlocks_the_user_by_deleting_the_access_attempt(clerk):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        console_login(client, "wrong")
    attempt = AccessAttempt.objects.get(username="clerk.pas-01")
    administrator = Client()
    administrator.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    listed = administrator.get("/admin/axes/accessattempt/")
    deleted = administrator.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    right = console_login(client, "demo")

    assert listed.status_code == 200
    assert "clerk.pas-01" in listed.content.decode()
    assert deleted.status_code == 302
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)


@pytest.mark.django_db
def test_wrong_passwords_lock_the_api_token_endpoint_with_a_429_in_the_error_format(clerk):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(TOKEN, {"username": "clerk.pas-01", "password": "x"}, format="json")
        assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_credentials")

    locked = client.post(TOKEN, {"username": "clerk.pas-01", "password": "x"}, format="json")
    right = client.post(TOKEN, {"username": "clerk.pas-01", "password": "demo"}, format="json")

    assert locked.status_code == right.status_code == 429
    assert right.json()["code"] == "login_locked"
    assert set(right.json()) == {"code", "detail", "fields"}
    assert int(right.headers["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_failures_on_the_api_and_the_console_count_together(clerk):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post(TOKEN, {"username": "clerk.pas-01", "password": "x"}, format="json")

    right = console_login(Client(), "demo")

    assert right.status_code == 429


@pytest.mark.django_db
def test_behind_a_load_balancer_the_lock_counts_the_forwarded_address(clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        console_login(attacker, "wrong")

    clerk_at_the_store = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.20")
    right = console_login(clerk_at_the_store, "demo")
    attacker_right = console_login(attacker, "demo")

    assert right.status_code == 302
    assert attacker_right.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
