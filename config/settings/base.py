"""Settings shared by every environment. Anything that differs per deployment comes from env.py."""

import datetime
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from kombu import Exchange, Queue

from config.env import BASE_DIR, VAR_DIR, databases, env

SECRET_KEY = env.str("SECRET_KEY", default="local-development-only-not-secret")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with the branded staff console as its default site.
    "console.admin_apps.StaffConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, whose `runserver` it extends: demo's has a deeper listen queue.
    "demo",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "outbox",
    "stores",
    "inventory",
    "customers",
    "messaging",
    "payments",
    "orders",
    "returns",
    "newsletter",
    "api",
    "shop",
    "console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer; templates take request.csp_nonce for <style>.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL and lone surrogates answer 400 here, before a session, a view or a query sees them.
    "config.middleware.InvalidCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Marks the requests whose reads may go to the read replica; inert without one.
    "config.replica.ReplicaReadsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# DATABASE_URL, e.g. postgres://user@host:5432/name; the default is an SQLite file so the demo
# needs nothing installed.
# DATABASE_REPLICA_URL (optional) adds a streaming replica for the reads that may be a moment old
# (config/replica.py); DATABASE_POOL_MAX_SIZE a connection pool per process (config/env.py).
DATABASES = databases(env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))
# Only these apps' rows are read from the replica, and only by views marked @replica_reads.
DATABASE_REPLICA_APPS = ["inventory", "stores"]
# After the replica failed to answer, a process reads the primary this long before asking again.
DATABASE_REPLICA_RETRY_SECONDS = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=30.0)
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"] if "replica" in DATABASES else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE_URL, e.g. redis://host:6379/1: API rate limits count here, so several web processes
# need one shared cache; the default is per process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# On Redis the cache fails open (config/cache.py): a Redis outage makes throttles and other
# cached shortcuts miss for a while and is logged and counted, never a 500. The timeouts keep a
# hanging Redis from holding a request for long.
CACHE_SOCKET_TIMEOUT_SECONDS = env.float("CACHE_SOCKET_TIMEOUT_SECONDS", default=0.5)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", CACHE_SOCKET_TIMEOUT_SECONDS)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", CACHE_SOCKET_TIMEOUT_SECONDS)

# Content-Security-Policy (django-csp): scripts only from our own static files (no inline script
# anywhere, htmx evaluates nothing), <style> elements only with the request's nonce, images from
# us or data: URIs (Swagger UI's icons). Style attributes stay allowed: the console draws its bars
# with a width per row.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login lockout (django-axes, config/lockout.py): failed logins on the console and the API's
# token endpoint are counted per username and client address; after LOGIN_FAILURE_LIMIT of them
# that pair is refused, even with the right password, for LOGIN_LOCKOUT_MINUTES (attempts while
# locked do not prolong it), or until an administrator deletes its access attempt in the console.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.lockout.client_ip"
# Proxies in front of the web that append the client's address to X-Forwarded-For (a load
# balancer: 1). 0 takes REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail: Django's own settings, from the environment (EMAIL_BACKEND, EMAIL_HOST, ...).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Click & Collect <orders@localhost>")

# Ready-by times promised to shoppers: picking counts opening time only; a transfer between
# stores adds its travel time first.
PICKING_LEAD_TIME_MINUTES = env.int("PICKING_LEAD_TIME_MINUTES", default=120)
TRANSFER_LEAD_TIME_HOURS = env.int("TRANSFER_LEAD_TIME_HOURS", default=48)
# Seconds a web process remembers stores' opening hours and closures for availability answers
# and the ready-by time of new orders; an edit of hours shows within this time. 0 turns it off.
STORE_SCHEDULE_CACHE_SECONDS = env.int("STORE_SCHEDULE_CACHE_SECONDS", default=60)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what lets DRF answer 401 (not 403) to a caller
    # who sent no credentials.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # orjson, with DRF's encoder for what it does not know (api/renderers.py).
    "DEFAULT_PARSER_CLASSES": ["api.renderers.OrjsonParser"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.OrjsonRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ContractAutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        # Per endpoint family (api/throttling.py); a missing one falls back to anon/user.
        "catalogue": env.str("API_THROTTLE_CATALOGUE", default="120/min"),
        "order_place": env.str("API_THROTTLE_ORDER_PLACE", default="20/min"),
        "shopper_order": env.str("API_THROTTLE_SHOPPER_ORDER", default="60/min"),
        "auth_token": env.str("API_THROTTLE_AUTH_TOKEN", default="10/min"),
        "newsletter": env.str("API_THROTTLE_NEWSLETTER", default="10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Click & Collect API",
    "DESCRIPTION": "Order for pickup in store, run the pickup counter, start exchanges.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # What every operation may answer whatever its view declares (400 invalid_characters, 429
    # where throttled) and the strings' real limits: api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.schema_contract_hook",
    ],
    # Swagger UI from the installed sidecar package, so the docs work offline and behind a CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two different choice sets are both called "kind"; name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "OrderKindEnum": "orders.models.Order.Kind",
        "StockChangeKindEnum": ["receipt", "count"],
        "OrderStateEnum": "orders.models.Order.State",
        "ReturnCaseStateEnum": "returns.models.ReturnCase.State",
        "CourierBookingStateEnum": "returns.models.CourierBooking.State",
        "MessageChannelEnum": "customers.models.Channel",
        "SalesChannelEnum": "orders.models.Order.SalesChannel",
        "LanguageEnum": ["de", "en"],
        "CustomerLanguageEnum": "customers.models.Language",
        "ReturnReasonEnum": "returns.models.ReturnCase.Reason",
        "ReturnReasonInputEnum": ["defective", "wrong_item", "damaged", "not_wanted"],
        "ReturnConditionEnum": "returns.models.ReturnLine.Condition",
        "ReturnConditionInputEnum": ["resellable", "defective"],
    },
}

# --- Celery ----------------------------------------------------------------------------------
# The default broker needs no server: kombu's filesystem transport, so the demo runs a real
# worker and beat with nothing installed. Production sets CELERY_BROKER_URL=redis://...
BROKER_FOLDER = Path(env.str("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_IS_AMQP = CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://"))
# True when an operator configured a broker; /readyz then also requires it and a live worker.
CELERY_BROKER_CONFIGURED = "CELERY_BROKER_URL" in env.ENVIRON
# Longer than any countdown or retry backoff we use (the longest is a few minutes), so Redis
# never re-delivers a task that is merely waiting; a task whose worker died comes back after it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker sweeps for tasks whose worker died (every interval × throttle seconds,
    # once they are older than the visibility timeout).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
if CELERY_BROKER_URL.startswith("filesystem"):
    for folder in ("queue", "processed", "control"):
        (BROKER_FOLDER / folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        # Broadcasts (ping, shutdown) go here too, not into the working directory.
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # RabbitMQ: a publish returns only once the broker has the message.
    else {"confirm_publish": True}
    if CELERY_BROKER_IS_AMQP
    else REDIS_TRANSPORT_OPTIONS
)
# JSON only: arguments are ids and primitives, and no pickle ever crosses the broker.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Acknowledge after the task ran, and re-queue it when its worker process dies mid-task;
# this is why every task must be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Take one message at a time, so a crash strands at most one and long tasks do not block others.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Nobody waits on task results: state lives in PostgreSQL, so no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A stuck external call must not hold a worker forever.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# Keep retrying the broker at start-up instead of crashing the worker while Redis boots.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Queues per kind of work (config/routing.py). A worker started without -Q consumes all of them
# (the demo, the tests); a deployment runs a worker per queue (Procfile), so a flood on one never
# delays another. On RabbitMQ they are quorum queues and every publish is confirmed.
CELERY_QUEUE_NAMES = ("messages", "payments", "courier", "sourcing", "campaigns")
CELERY_TASK_QUEUES = [
    Queue(
        name,
        Exchange(name),
        routing_key=name,
        queue_arguments={"x-queue-type": "quorum"} if CELERY_BROKER_IS_AMQP else None,
    )
    for name in (CELERY_TASK_DEFAULT_QUEUE, *CELERY_QUEUE_NAMES)
]
CELERY_TASK_ROUTES = ("config.routing.route_task",)
# Outbox deliveries by the table they deliver; newer outboxes add their row here.
OUTBOX_QUEUES = {
    "messaging.Notification": "messages",
    "payments.SideEffect": "payments",
    "returns.CourierCall": "courier",
    "newsletter.CampaignMessage": "campaigns",
}
# Every other task by name: sourcing and the periodic maintenance share a queue.
CELERY_QUEUE_BY_TASK = {
    "outbox.tasks.outbox_relay_task": "sourcing",
    "orders.tasks.order_source_due_task": "sourcing",
    "orders.tasks.order_remind_due_task": "sourcing",
    "orders.tasks.order_expire_due_task": "sourcing",
    "inventory.tasks.stock_reconcile_task": "sourcing",
    "api.tasks.idempotency_record_purge_task": "sourcing",
    "returns.tasks.courier_bookings_poll_due_task": "courier",
    "returns.tasks.return_cases_close_due_task": "sourcing",
    "newsletter.tasks.campaign_send_due_task": "campaigns",
    "newsletter.tasks.campaign_send_batch_task": "campaigns",
}
CELERY_TIMEZONE = TIME_ZONE
# Periodic work is declared here; each entry only wakes a task that reads due rows from the
# database, so nothing depends on long ETAs held in Redis. Later features add their entries.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# Only the holder of the beat lock sends periodic tasks (config/beat.py); a standby retries the
# lock, and the leader checks it still holds it, this often.
CELERY_BEAT_SCHEDULER = "config.beat.SingleBeatScheduler"
BEAT_LOCK_RETRY_SECONDS = env.float("BEAT_LOCK_RETRY_SECONDS", default=5.0)
# Stock: hourly proof that every stock row equals its ledger; drift is logged as an error.
CELERY_BEAT_SCHEDULE["inventory-reconcile"] = {
    "task": "inventory.tasks.stock_reconcile_task",
    "schedule": 3600.0,
}

# --- Orders -----------------------------------------------------------------------------------
# Where the shop lives: every link in a message (the order page with its secret token, the
# newsletter's links) starts with it. Locally the port `make run` serves on (PORT); production
# requires it to be set.
SHOP_BASE_URL = env.str(
    "SHOP_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="payments.gateways.SandboxGateway")
# Who collects SEPA direct debits: named in the mandate the shopper accepts. The default
# identifier is the one the Deutsche Bundesbank publishes for tests.
SEPA_CREDITOR_NAME = env.str("SEPA_CREDITOR_NAME", default="Click & Collect Baumarkt GmbH")
SEPA_CREDITOR_ID = env.str("SEPA_CREDITOR_ID", default="DE98ZZZ09999999999")
SMS_BACKEND = env.str("SMS_BACKEND", default="messaging.sms.SandboxSmsBackend")
# Limits against hoarding: open orders and units in open orders per customer.
ORDER_MAX_OPEN_PER_CUSTOMER = env.int("ORDER_MAX_OPEN_PER_CUSTOMER", default=5)
ORDER_MAX_UNITS_PER_CUSTOMER = env.int("ORDER_MAX_UNITS_PER_CUSTOMER", default=50)
ORDER_REMINDER_HOURS_BEFORE_EXPIRY = env.int("ORDER_REMINDER_HOURS_BEFORE_EXPIRY", default=24)
# How often the console's shift page fetches its counts and queues again (seconds).
CONSOLE_QUEUE_REFRESH_SECONDS = env.int("CONSOLE_QUEUE_REFRESH_SECONDS", default=30)
ORDER_SOURCING_RETRY_MINUTES = env.int("ORDER_SOURCING_RETRY_MINUTES", default=15)
ORDER_SOURCING_GIVE_UP_HOURS = env.int("ORDER_SOURCING_GIVE_UP_HOURS", default=48)
# Outbox rows still pending this long after they were due are enqueued again by the relay.
OUTBOX_RELAY_GRACE_SECONDS = env.int("OUTBOX_RELAY_GRACE_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Retry policy of every outbox row: exponential backoff with jitter from the base, capped.
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=15.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=600.0)
# A sender holds a claimed row this long; a sender that died is replaced after it.
OUTBOX_CLAIM_LEASE_SECONDS = env.float("OUTBOX_CLAIM_LEASE_SECONDS", default=300.0)
PROMOTIONS_MAX_PER_WEEK = env.int("PROMOTIONS_MAX_PER_WEEK", default=2)
# Newsletter: recipients recorded per transaction while a campaign is sent.
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
CELERY_BEAT_SCHEDULE["newsletter-send-due"] = {
    "task": "newsletter.tasks.campaign_send_due_task",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE.update(
    {
        "outbox-relay": {
            "task": "outbox.tasks.outbox_relay_task",
            "schedule": env.float("OUTBOX_RELAY_EVERY_SECONDS", default=60.0),
        },
        "orders-source-due": {"task": "orders.tasks.order_source_due_task", "schedule": 60.0},
        "orders-remind-due": {"task": "orders.tasks.order_remind_due_task", "schedule": 300.0},
        "orders-expire-due": {"task": "orders.tasks.order_expire_due_task", "schedule": 300.0},
    }
)
# API: how long a retry with the same Idempotency-Key still gets the first answer.
IDEMPOTENCY_KEY_RETENTION_HOURS = env.int("IDEMPOTENCY_KEY_RETENTION_HOURS", default=48)
CELERY_BEAT_SCHEDULE["api-idempotency-purge"] = {
    "task": "api.tasks.idempotency_record_purge_task",
    "schedule": 3600.0,
}

# --- Couriers ---------------------------------------------------------------------------------
COURIER_GATEWAYS = {
    # Replaceable like PAYMENT_GATEWAY, e.g. by a sandbox that also records its calls in a test.
    "sandbox": env.str(
        "COURIER_SANDBOX_GATEWAY", default="returns.couriers.sandbox.SandboxCourier"
    ),
    "carrier": "returns.couriers.http.HttpCarrierCourier",
}
COURIER_PROVIDER = env.str("COURIER_PROVIDER", default="sandbox")
# The carrier's tracking page of a booking, "{booking_id}" standing for the carrier's booking id;
# by default the sandbox courier's own page. Empty: the console shows the id without a link.
COURIER_TRACKING_URL = env.str(
    "COURIER_TRACKING_URL", default=f"{SHOP_BASE_URL}/couriers/sandbox/track/{{booking_id}}/"
)
COURIER_SANDBOX_SECRET = env.str("COURIER_SANDBOX_SECRET", default="sandbox-webhook-secret")
# Failure injection for demos and tests: error | timeout | rate_limit | reject, first N calls.
COURIER_SANDBOX_FAILURE = env.str("COURIER_SANDBOX_FAILURE", default="")
COURIER_SANDBOX_FAILURE_CALLS = env.int("COURIER_SANDBOX_FAILURE_CALLS", default=0)
COURIER_SANDBOX_DELAY_SECONDS = env.float("COURIER_SANDBOX_DELAY_SECONDS", default=0.0)
COURIER_HTTP_BASE_URL = env.str("COURIER_HTTP_BASE_URL", default="http://127.0.0.1:8099")
COURIER_HTTP_API_KEY = env.str("COURIER_HTTP_API_KEY", default="")
COURIER_HTTP_WEBHOOK_SECRET = env.str("COURIER_HTTP_WEBHOOK_SECRET", default="")
COURIER_HTTP_TIMEOUT_SECONDS = env.float("COURIER_HTTP_TIMEOUT_SECONDS", default=10.0)
# Booking retries: exponential backoff with jitter from the base, capped, at most N attempts;
# then the booking fails for good and the case is flagged for the hotline.
COURIER_RETRY_BASE_SECONDS = env.float("COURIER_RETRY_BASE_SECONDS", default=30.0)
COURIER_RETRY_MAX_SECONDS = env.float("COURIER_RETRY_MAX_SECONDS", default=900.0)
COURIER_BOOKING_MAX_ATTEMPTS = env.int("COURIER_BOOKING_MAX_ATTEMPTS", default=8)
# The outbox relay re-enqueues a booking call this long overdue (the broker lost it).
COURIER_RELAY_GRACE_SECONDS = env.float("COURIER_RELAY_GRACE_SECONDS", default=120.0)
# A booked pickup with no webhook for this long is polled.
COURIER_POLL_AFTER_SECONDS = env.int("COURIER_POLL_AFTER_SECONDS", default=3 * 3600)
COURIER_MAX_DAYS_AHEAD = env.int("COURIER_MAX_DAYS_AHEAD", default=14)
CELERY_BEAT_SCHEDULE.update(
    {
        "returns-courier-poll": {
            "task": "returns.tasks.courier_bookings_poll_due_task",
            "schedule": 600.0,
        },
        "returns-close-due": {
            "task": "returns.tasks.return_cases_close_due_task",
            "schedule": 600.0,
        },
    }
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
