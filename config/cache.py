"""A Redis cache that fails open: when Redis is away, a read is a miss and a write is dropped.

What lives in our cache is only ever a shortcut or a limit (DRF's throttle history, remembered
store hours): losing it for a few seconds must never turn a request into a 500. Each failure is
logged (once when the cache goes away, then at most every `LOG_EVERY_SECONDS` while it stays
away, and once when it is back) and counted; `/readyz` shows the counters. After a failure the
cache is not asked again for `RETRY_AFTER_SECONDS`, so a Redis that hangs costs at most one
socket timeout per process per interval, not one per request.

Settings: CACHES["default"]["BACKEND"] = "config.cache.FailOpenRedisCache" (base.py chooses it
for CACHE_URL=redis://...), with short socket timeouts in OPTIONS.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1.0
LOG_EVERY_SECONDS = 30.0
# What "Redis is away" looks like: refused, reset, unreachable or too slow. Anything else (a
# bad value, a programming error) still raises.
CACHE_DOWN_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheHealth:
    """Per-process counters of the cache failing open, for logs and /readyz."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.errors = 0
            self.skipped = 0
            self.recoveries = 0
            self.last_error = ""
            self.last_error_at: float | None = None
            self.down_since: float | None = None
            self._retry_at = 0.0
            self._logged_at = 0.0

    def should_skip(self) -> bool:
        """True while a recent failure says not to ask Redis yet (counted as skipped)."""
        with self._lock:
            if self.down_since is not None and time.monotonic() < self._retry_at:
                self.skipped += 1
                return True
            return False

    def record_failure(self, operation: str, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self.errors += 1
            self.last_error = f"{operation}: {type(error).__name__}: {error}"[:300]
            self.last_error_at = time.time()
            self._retry_at = now + RETRY_AFTER_SECONDS
            first = self.down_since is None
            if first:
                self.down_since = now
            log_now = first or now - self._logged_at >= LOG_EVERY_SECONDS
            if log_now:
                self._logged_at = now
            errors, skipped = self.errors, self.skipped
        if log_now:
            logger.warning(
                "Cache unreachable, failing open (%s): %s errors, %s calls skipped so far",
                self.last_error,
                errors,
                skipped,
            )

    def record_success(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
            self.recoveries += 1
        logger.warning("Cache reachable again after %.1f s", seconds)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "fail_open": True,
                "reachable": self.down_since is None,
                "errors": self.errors,
                "skipped": self.skipped,
                "recoveries": self.recoveries,
                "last_error": self.last_error,
                "last_error_at": self.last_error_at,
            }


health = CacheHealth()


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache; on a connection error or timeout, a miss or a no-op."""

    def _guarded(self, operation: str, fallback: Any, call, *args, **kwargs) -> Any:
        if health.should_skip():
            return fallback
        try:
            result = call(*args, **kwargs)
        except CACHE_DOWN_ERRORS as error:
            health.record_failure(operation, error)
            return fallback
        health.record_success()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guarded("incr", missing, super().incr, key, delta, version)
        if result is missing:
            # What Django's caches say of a key that is not there.
            raise ValueError(f"Key '{key}' not found")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded("clear", False, super().clear)
