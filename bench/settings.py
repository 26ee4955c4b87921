"""Settings of a benchmark run: the base settings without debugging, so that Django neither keeps a
log of every query nor does other work a production process would not do.

`--server-side-binding` (BENCH_SERVER_SIDE_BINDING=1) measures psycopg's server-side parameter
binding, with which PostgreSQL prepares statements a connection repeats and skips planning them.
"""

import os

from config.settings.base import *  # noqa: F403

DEBUG = False
# The benchmark's own process keeps its rate limits and cached store hours to itself: a shared
# Redis would carry another run's throttle history into this one.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
if os.environ.get("BENCH_SERVER_SIDE_BINDING") == "1":
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
        "server_side_binding": True,
    }

# `python -m bench beats`: the deployment's schedule with every period divided by this; entries
# on a crontab have no period to divide and are left out.
if os.environ.get("BENCH_BEAT_SCALE"):
    CELERY_BEAT_SCHEDULE = {  # noqa: F405
        name: {**entry, "schedule": entry["schedule"] / float(os.environ["BENCH_BEAT_SCALE"])}
        for name, entry in CELERY_BEAT_SCHEDULE.items()  # noqa: F405
        if isinstance(entry["schedule"], int | float)
    }
