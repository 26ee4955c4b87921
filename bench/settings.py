"""Settings of a benchmark run: the base settings without debugging, so that Django neither keeps a
log of every query nor does other work a production process would not do."""

from config.settings.base import *  # noqa: F403

DEBUG = False
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
