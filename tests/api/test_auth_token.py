import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.stores.factories import UserFactory

URL = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_valid_credentials_return_a_token_that_authenticates_later_requests(anonymous):
    user = UserFactory(username="clerk.pas-01")

    response = anonymous.post(URL, {"username": "clerk.pas-01", "password": "demo"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


@pytest.mark.django_db
def test_asking_twice_returns_the_same_token(anonymous):
    UserFactory(username="agent")

    first = anonymous.post(URL, {"username": "agent", "password": "demo"}, format="json")
    second = anonymous.post(URL, {"username": "agent", "password": "demo"}, format="json")

    assert first.json()["token"] == second.json()["token"]
    assert Token.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "password"),
    [("agent", "wrong"), ("nobody", "demo"), ("AGENT", "demo")],
)
def test_wrong_credentials_answer_400_invalid_credentials_and_create_no_token(
    anonymous, username, password
):
    UserFactory(username="agent")

    response = anonymous.post(URL, {"username": username, "password": password}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_an_inactive_user_gets_no_token(anonymous):
    UserFactory(username="gone", is_active=False)

    response = anonymous.post(URL, {"username": "gone", "password": "demo"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert Token.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": "agent"}, {"password"}),
        ({"password": "demo"}, {"username"}),
        ({"username": "", "password": "demo"}, {"username"}),
        ({"username": ["agent"], "password": "demo"}, {"username"}),
    ],
)
def test_missing_or_malformed_fields_answer_400_with_the_fields(anonymous, body, fields):
    UserFactory(username="agent")

    response = anonymous.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == fields
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_malformed_json_answers_400_malformed_json(anonymous):
    response = anonymous.post(URL, data='{"username": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert response.json()["fields"] == {}


@pytest.mark.django_db
def test_a_form_body_answers_415(anonymous):
    UserFactory(username="agent")

    response = anonymous.post(URL, {"username": "agent", "password": "demo"})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_get_answers_405_in_the_error_format(anonymous):
    response = anonymous.get(URL)

    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "detail": 'Method "GET" not allowed.',
        "fields": {},
    }


@pytest.mark.django_db
def test_a_stale_token_header_does_not_block_logging_in_again():
    UserFactory(username="agent")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.post(URL, {"username": "agent", "password": "demo"}, format="json")

    assert response.status_code == 200


@pytest.mark.django_db
def test_an_unknown_api_path_answers_404_in_the_error_format(anonymous):
    response = anonymous.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found.", "fields": {}}


@pytest.mark.django_db
def test_an_unknown_page_outside_the_api_keeps_djangos_page(client):
    response = client.get("/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
