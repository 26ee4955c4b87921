"""The read replica for real: a private primary and a streaming replica made with pg_basebackup
on free ports, a Django process pointed at both, and what each kind of read and write saw while
the replica's replay was paused (the replica says "On replica", the primary "On primary")."""

import json
import os
import subprocess
import sys

import pytest

from tests.support.postgres_cluster import PrimaryWithReplica, server_binaries_present
from tests.support.services import ROOT

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not server_binaries_present(), reason="needs PostgreSQL's server tools"),
]

PROBE = "import django; django.setup(); from tests.support.replica_probe import {}; {}()"


def _probe(function: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(function, function)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cluster():
    with PrimaryWithReplica() as cluster:
        with cluster.primary.connect() as primary:
            primary.execute("CREATE DATABASE click_and_collect")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": cluster.primary.url("click_and_collect"),
            "DATABASE_REPLICA_URL": cluster.replica.url("click_and_collect"),
            # Nothing but the two servers this test made is contacted.
            "CELERY_BROKER_URL": "memory://",
            "CACHE_URL": "locmemcache://",
        }
        yield cluster, env


@pytest.fixture(scope="module")
def observed(cluster):
    _, env = cluster
    return _probe("main", env)


def test_the_replica_is_a_standby_of_the_primary(observed):
    assert observed["primary_in_recovery"] is False
    assert observed["replica_in_recovery"] is True


def test_catalogue_and_availability_requests_read_the_replica(observed):
    assert observed["api_product"] == "On replica"
    assert observed["api_product_head_status"] == 200
    assert observed["api_availability"] == 10
    assert observed["shop_page_shows_replica_name"] is True


def test_the_connection_chosen_for_a_catalogue_read_is_the_standby(observed):
    assert observed["chosen_alias"] == "replica"
    assert observed["chosen_connection_in_recovery"] is True
    assert observed["plain_read"] == "On replica"


def test_a_read_after_a_write_in_the_same_request_reads_the_primary(observed):
    assert observed["write_then_read"] == {
        "before_write": "On replica",
        "after_write": "On primary",
    }


def test_a_view_not_marked_for_the_replica_reads_the_primary(observed):
    assert observed["unmarked_view"] == "On primary"


def test_users_sessions_and_tokens_are_never_read_from_the_replica(observed):
    assert observed["user_model_alias"] == "default"


def test_reads_in_a_transaction_or_locking_read_the_primary(observed):
    assert observed["read_in_atomic"] == "On primary"
    assert observed["select_for_update"] == "On primary"
    # A locking read counts as a write: the rest of the request stays on the primary.
    assert observed["read_after_locking_read"] == "On primary"


def test_writes_go_to_the_primary_and_later_reads_follow_them(observed):
    assert observed["read_after_write"] == "Written"
    assert observed["read_outside_scope"] == "Created"
    assert observed["primary_products"] == "Written,Created"
    assert observed["replica_products_while_paused"] == "On replica"


def test_with_the_replica_down_catalogue_reads_fall_back_to_the_primary(cluster, observed):
    servers, env = cluster
    servers.stop(servers.replica)

    answers = _probe("main_replica_down", env)["answers"]

    assert [(answer["status"], answer["name"]) for answer in answers] == [(200, "Written")] * 3
    # Refused at once by a stopped server, then not asked (DATABASE_REPLICA_RETRY_SECONDS).
    assert all(answer["seconds"] < 5 for answer in answers)
