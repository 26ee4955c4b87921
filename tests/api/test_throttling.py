import pytest
from django.conf import settings
from django.test import override_settings

from tests.stores.factories import StoreFactory

RATES = {"anon": "100/min", "user": "100/min", "catalogue": "2/min"}


@pytest.mark.django_db
@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES})
def test_the_public_catalogue_answers_429_rate_limited_past_its_rate(anonymous):
    StoreFactory()
    anonymous.get("/api/v1/stores/")
    anonymous.get("/api/v1/stores/")

    response = anonymous.get("/api/v1/stores/")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.django_db
@override_settings(
    REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "100/min"},
    }
)
def test_a_scope_without_its_own_rate_is_held_to_the_general_rate(anonymous):
    anonymous.get("/api/v1/stores/")

    response = anonymous.get("/api/v1/stores/")

    assert response.status_code == 429
