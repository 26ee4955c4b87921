"""Configuration from the environment (and an optional `.env` file), with safe local defaults."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

POSTGRESQL_ENGINE = "django.db.backends.postgresql"
SQLITE_ENGINE = "django.db.backends.sqlite3"


def sqlite_options() -> dict:
    """The embedded default is one file shared by the web, worker and beat processes.
    Write-ahead logging lets readers go on while one process writes; every transaction takes the
    write lock when it begins (BEGIN IMMEDIATE) instead of failing half-way when it cannot
    upgrade a read lock, which no waiting can fix; and a writer waits up to SQLITE_BUSY_TIMEOUT
    seconds for the lock instead of failing at once with "database is locked"."""
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=30.0),
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }


def databases(
    default: dict, *, conn_max_age: int = 0, health_checks: bool = False
) -> dict[str, dict]:
    """The primary (`default`) and, with DATABASE_REPLICA_URL, the read replica (`replica`),
    both connected the same way.

    With DATABASE_POOL_MAX_SIZE (PostgreSQL only) each process keeps a psycopg pool of at most
    that many connections per database (Django's own pool; connections are then not kept by
    CONN_MAX_AGE); without it a connection is kept CONN_MAX_AGE seconds. docs/deployment.md
    has the arithmetic against the server's max_connections.
    """
    result = {"default": default}
    if env.str("DATABASE_REPLICA_URL", default=""):
        # Tests against a single server read the primary under the replica's name.
        replica = {**env.db_url("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
        # A replica that does not answer within this is skipped (config/replica.py).
        replica.setdefault("OPTIONS", {})["connect_timeout"] = env.int(
            "DATABASE_REPLICA_CONNECT_TIMEOUT", default=2
        )
        result["replica"] = replica
    pool_max_size = env.int("DATABASE_POOL_MAX_SIZE", default=0)
    for database in result.values():
        database["ATOMIC_REQUESTS"] = False
        if database["ENGINE"] == SQLITE_ENGINE:
            database["OPTIONS"] = {**sqlite_options(), **database.get("OPTIONS", {})}
        database["CONN_HEALTH_CHECKS"] = health_checks
        if database["ENGINE"] == POSTGRESQL_ENGINE and env.bool("DATABASE_PREPARED", default=True):
            options = database.setdefault("OPTIONS", {})
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
        if pool_max_size and database["ENGINE"] == POSTGRESQL_ENGINE:
            database["CONN_MAX_AGE"] = 0
            database.setdefault("OPTIONS", {})["pool"] = {
                "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
                "max_size": pool_max_size,
                # A request waits this long for a free connection, then fails (500, logged).
                "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
            }
        else:
            database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=conn_max_age)
    return result
