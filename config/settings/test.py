"""Tests: DATABASE_URL when set; else the local PostgreSQL when it answers; else SQLite.

Tests marked `postgres` or `redis` are skipped (with how to enable them) when those services are
missing; CI sets REQUIRE_SERVICES=1 and fails instead.
"""

import socket

from config.env import VAR_DIR, databases, env
from config.settings.base import *  # noqa: F403


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


if "DATABASE_URL" in env.ENVIRON:
    DATABASES = databases(env.db_url("DATABASE_URL"))
elif _answers("127.0.0.1", 5432):
    DATABASES = databases(env.db_url_config("postgres://postgres@127.0.0.1:5432/click_and_collect"))
else:
    DATABASES = databases(env.db_url_config(f"sqlite:///{VAR_DIR / 'test.sqlite3'}"))
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"] if "replica" in DATABASES else []

if "CELERY_BROKER_URL" not in env.ENVIRON and _answers("127.0.0.1", 6379):
    CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    CELERY_BROKER_CONFIGURED = True
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS  # noqa: F405

# Tests change hours between calls; the tests of the memory itself turn it on.
STORE_SCHEDULE_CACHE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory, unless a test's worker process is told to write files it can read back.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min"},
}

# The single-beat test runs beat with one entry that fires this often, and nothing else.
if env.float("TEST_BEAT_TICK_SECONDS", default=0.0):
    CELERY_BEAT_SCHEDULE = {
        "test-beat-tick": {
            "task": "tests.support.worker_tasks.beat_tick_task",
            "schedule": env.float("TEST_BEAT_TICK_SECONDS"),
        }
    }
