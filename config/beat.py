"""A beat scheduler that runs in one process per deployment, however many are started.

A second beat started by mistake (or a standby on another host) waits for the lock before it
opens its schedule, so the periodic jobs are never sent twice. On PostgreSQL the lock is a
session advisory lock held on a connection of its own: it goes with the process, also when the
process is killed or its host disappears. On SQLite (the demo, one machine) it is a file lock.
If the leader loses its lock (the database restarted), it exits and its process manager starts
it again, as a standby until the lock is free.

Start beat with `celery -A config beat -S config.beat.SingleBeatScheduler` (Procfile).
"""

import fcntl
import logging
import time
import zlib
from pathlib import Path

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# One key per database: advisory locks are scoped to the database they are taken in.
LOCK_KEY = zlib.crc32(b"click-and-collect:celery-beat")


class _PostgresLock:
    def __init__(self) -> None:
        self.connection = None

    def acquire(self) -> bool:
        if self.connection is None:
            wrapper = connections["default"]
            self.connection = wrapper.get_new_connection(wrapper.get_connection_params())
            self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            return bool(cursor.fetchone()[0])

    def still_held(self) -> bool:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objid = %s AND pid = pg_backend_pid() AND granted",
                    [LOCK_KEY],
                )
                return cursor.fetchone()[0] == 1
        except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
            return False

    def forget(self) -> None:
        try:
            if self.connection is not None:
                self.connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection
            pass
        self.connection = None


class _FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def still_held(self) -> bool:
        return self.handle is not None

    def forget(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.handle = None


def _beat_lock():
    if connections["default"].vendor == "postgresql":
        return _PostgresLock()
    return _FileLock(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).with_suffix(".lock"))


class SingleBeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, run only by the holder of the deployment's beat lock."""

    def setup_schedule(self) -> None:
        self._lock = _beat_lock()
        waiting_logged = False
        while not self._acquire():
            if not waiting_logged:
                logger.warning("another beat holds the lock; standing by until it stops")
                waiting_logged = True
            time.sleep(settings.BEAT_LOCK_RETRY_SECONDS)
        logger.info("beat lock taken; this process sends the periodic tasks")
        super().setup_schedule()

    def _acquire(self) -> bool:
        try:
            return self._lock.acquire()
        except Exception:  # noqa: BLE001 - database not reachable yet: keep standing by
            logger.warning("could not reach the database for the beat lock", exc_info=True)
            self._lock.forget()
            return False

    def tick(self, *args, **kwargs) -> float:
        if not self._lock.still_held():
            logger.error("beat lock lost; stopping so that only one beat runs")
            raise SystemExit(1)
        return min(super().tick(*args, **kwargs), settings.BEAT_LOCK_RETRY_SECONDS)
