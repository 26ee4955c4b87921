"""Reads that may be a moment old go to a read replica; everything else to the primary.

With `DATABASE_REPLICA_URL` set, settings add a `replica` database and this router. A read goes to
the replica only when all of these hold:

- the request's view said its reads may be a moment old (`@replica_reads`: the catalogue,
  availability and store lists) and the request is a GET or HEAD;
- the model belongs to an app in `DATABASE_REPLICA_APPS` (catalogue and stores; never sessions,
  users or tokens, which a shopper expects to see right after logging in);
- no transaction is open on the primary (`transaction.atomic`, hence every `select_for_update`,
  which also counts as a write): a read that decides a write reads what the write will lock;
- nothing was written in this request yet: after a write the request reads its own writes.

Everything else — writes, services, Celery tasks, the console, management commands — never sees
the replica. Without a replica configured the router is not installed and nothing changes.

When the replica does not answer (down, or further than its connect timeout), the marked requests
read the primary instead, and the process asks the replica again only after
`DATABASE_REPLICA_RETRY_SECONDS`: losing the replica slows nothing down and fails nothing.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA_DB_ALIAS = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# Both are per request (per thread or task under ASGI); the middleware resets them.
_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)
_wrote: ContextVar[bool] = ContextVar("wrote_to_primary", default=False)


def replica_reads(view):
    """Marks a view (function or class) whose GET reads may come from the replica."""
    view.replica_reads = True
    return view


def _marked(view_func) -> bool:
    return bool(
        getattr(view_func, "replica_reads", False)
        or getattr(getattr(view_func, "view_class", None), "replica_reads", False)
    )


@contextmanager
def replica_reads_allowed() -> Iterator[None]:
    """The scope of one request whose reads may go to the replica (what the middleware opens)."""
    allowed = _replica_allowed.set(True)
    wrote = _wrote.set(False)
    try:
        yield
    finally:
        _wrote.reset(wrote)
        _replica_allowed.reset(allowed)


class ReplicaRouter:
    """Primary for writes and for anything that must see them; the replica for marked reads."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _replica_allowed.get()
            and not _wrote.get()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and model._meta.app_label in settings.DATABASE_REPLICA_APPS
        ):
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # The replica follows the primary's schema by streaming it.
        return db == DEFAULT_DB_ALIAS


class _ReplicaHealth:
    """Whether this process may use the replica now: not while it recently failed to answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0

    def answers(self) -> bool:
        if time.monotonic() < self.down_until:
            return False
        replica = connections[REPLICA_DB_ALIAS]
        try:
            # A kept connection that died is noticed here too (CONN_HEALTH_CHECKS).
            replica.close_if_health_check_failed()
            replica.ensure_connection()
        except DatabaseError:
            with self.lock:
                self.down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
            logger.warning(
                "read replica not answering; reading the primary for %s s",
                settings.DATABASE_REPLICA_RETRY_SECONDS,
                exc_info=True,
            )
            return False
        return True


replica_health = _ReplicaHealth()


def replica_available() -> bool:
    """A replica is configured and answered (or has not failed lately)."""
    return REPLICA_DB_ALIAS in settings.DATABASES and replica_health.answers()


class ReplicaReadsMiddleware:
    """Opens the replica scope for GET and HEAD requests to views marked `@replica_reads`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Whatever a previous request on this thread left is cleared here.
        allowed = _replica_allowed.set(False)
        wrote = _wrote.set(False)
        try:
            return self.get_response(request)
        finally:
            _wrote.reset(wrote)
            _replica_allowed.reset(allowed)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if request.method in SAFE_METHODS and _marked(view_func) and replica_available():
            _replica_allowed.set(True)
