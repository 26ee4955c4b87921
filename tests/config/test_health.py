import pytest
from django.test import Client

from config.celery import app as celery_app


def test_healthz_answers_ok_without_touching_anything():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_with_a_database_and_no_broker_configured(settings):
    settings.CELERY_BROKER_CONFIGURED = False

    response = Client().get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_configured_broker_does_not_answer(settings, monkeypatch):
    settings.CELERY_BROKER_CONFIGURED = True
    # Celery prefers the CELERY_BROKER_URL variable over its configuration: replace both,
    # the configuration first so that undoing restores its own value, not the variable's.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["workers"] == {"ok": False, "error": "no broker"}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_readyz_is_ready_when_broker_and_a_worker_answer(settings, celery_worker_process):
    settings.CELERY_BROKER_CONFIGURED = True

    response = Client().get("/readyz")

    assert response.status_code == 200
    assert celery_worker_process.name in response.json()["checks"]["workers"]["workers"]


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_does_not_answer(settings, monkeypatch):
    settings.CELERY_BROKER_CONFIGURED = False

    def broken_cursor(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("config.health.connection.cursor", broken_cursor)

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "connection refused"}
