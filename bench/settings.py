"""Settings of a benchmark run: the base settings without debugging, so that Django neither keeps a
log of every query nor does other work a production process would not do.

`--server-side-binding` (BENCH_SERVER_SIDE_BINDING=1) measures psycopg's server-side parameter
binding, with which PostgreSQL prepares statements a connection repeats and skips planning them.
"""

import os

from config.settings.base import *  # noqa: F403

DEBUG = False
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
if os.environ.get("BENCH_SERVER_SIDE_BINDING") == "1":
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
        "server_side_binding": True,
    }
