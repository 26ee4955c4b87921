"""Liveness and readiness probes for the orchestrator and the engineer on call."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import cache as fail_open_cache
from config.celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 2.0
WORKER_PING_TIMEOUT_SECONDS = 1.0


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving requests; checks nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": True}


def _check_workers() -> dict:
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS) or []
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": str(error)[:200]}
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return {"ok": False, "error": "no worker answered a ping"}
    return {"ok": True, "workers": names}


def _cache_state() -> dict:
    """Not a readiness check: the cache fails open, so its outage leaves us serving. Its
    counters (this process) show how often it did."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend == "config.cache.FailOpenRedisCache":
        return {"backend": "redis", **fail_open_cache.health.as_dict()}
    return {"backend": backend.rsplit(".", 1)[-1], "fail_open": False}


@never_cache
@require_GET
def readyz(request):
    """Ready to take traffic: the database answers and, when a broker is configured, so do the
    broker and at least one worker. 200 when all pass, 503 otherwise. The body also shows how
    often the cache failed open in this process."""
    checks = {"database": _check_database()}
    if settings.CELERY_BROKER_CONFIGURED:
        checks["broker"] = _check_broker()
        checks["workers"] = (
            _check_workers() if checks["broker"]["ok"] else {"ok": False, "error": "no broker"}
        )
    else:
        checks["broker"] = {"ok": True, "note": "no broker configured (local filesystem queue)"}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks, "cache": _cache_state()},
        status=200 if ready else 503,
    )
