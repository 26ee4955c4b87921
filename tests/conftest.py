"""Service-aware markers and the real-worker fixture.

`postgres` tests need PostgreSQL; `redis` tests need PostgreSQL, a real broker and a real worker
(the name is historical: RabbitMQ serves as well as Redis, and CI runs them on both); `browser`
tests need Debian's Chromium. Without them they are skipped with a reason; with
REQUIRE_SERVICES=1 (CI) any such skip fails the run.
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support.services import (
    WorkerProcess,
    broker_answers,
    broker_is_real,
    database_is_postgres,
)

POSTGRES_HOWTO = "needs PostgreSQL: start it on 127.0.0.1:5432 or set DATABASE_URL=postgres://..."
REDIS_HOWTO = (
    "needs a broker (Redis or RabbitMQ) and PostgreSQL: start Redis on 127.0.0.1:6379 or set "
    "CELERY_BROKER_URL=redis://... or amqp://..., and run on PostgreSQL"
)
SERVICE_MARKERS = ("postgres", "redis", "browser", "hosts")

# Property tests: "ci" (the default, every run) draws the same examples each time, so a run is
# repeatable and a failure shows again; HYPOTHESIS_PROFILE=explore draws new ones on each run.
# Neither keeps an example database on disk.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    has_postgres = database_is_postgres()
    has_redis = has_postgres and broker_is_real() and broker_answers()
    for item in items:
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason=REDIS_HOWTO))
        elif "postgres" in item.keywords and not has_postgres:
            item.add_marker(pytest.mark.skip(reason=POSTGRES_HOWTO))


_skipped_service_tests: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and any(marker in report.keywords for marker in SERVICE_MARKERS):
        _skipped_service_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_SERVICES") == "1" and _skipped_service_tests:
        print("\nREQUIRE_SERVICES=1 but these postgres/redis tests were skipped:")
        for nodeid in sorted(set(_skipped_service_tests)):
            print(f"  {nodeid}")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """One real `celery worker` process for the session, on the test database and broker."""
    from config.celery import app

    with django_db_blocker.unblock():
        # Messages left by an interrupted earlier run would otherwise reach this worker.
        app.control.purge()
        worker = WorkerProcess().start()
    yield worker
    worker.stop()


@pytest.fixture
def worker_factory(django_db_setup, django_db_blocker):
    """Starts workers with their own settings (e.g. a failing sandbox courier):
    `worker_factory(COURIER_SANDBOX_FAILURE="error")`, or on some queues only:
    `worker_factory(queues="messages")`. Any worker already running is stopped
    for the test, so only these take tasks, and started again afterwards."""
    paused = list(WorkerProcess.running)
    for worker in paused:
        worker.stop()
    started: list[WorkerProcess] = []

    def start(*, queues: str | None = None, **extra_env: str) -> WorkerProcess:
        with django_db_blocker.unblock():
            worker = WorkerProcess(
                extra_env={key: str(value) for key, value in extra_env.items()}, queues=queues
            )
            started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in paused:
        worker.start()
