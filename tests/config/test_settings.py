import json
import os
import secrets
import subprocess
import sys

from tests.support.services import ROOT


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SHOP_BASE_URL",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="shop.example.com")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = run_manage("check", SECRET_KEY="short", ALLOWED_HOSTS="shop.example.com")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="shop.example.com",
        SHOP_BASE_URL="https://shop.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_the_shops_address_for_message_links():
    result = run_manage(
        "check", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="shop.example.com"
    )

    assert result.returncode != 0
    assert "Set SHOP_BASE_URL" in result.stderr


def test_locally_message_links_use_the_port_the_shop_runs_on():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; "
         "print(settings.SHOP_BASE_URL)"],
        cwd=ROOT,
        env={
            **{key: value for key, value in os.environ.items() if key != "SHOP_BASE_URL"},
            "PORT": "8123",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip

    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"


def test_production_settings_with_a_replica_and_a_pool_install_the_router_and_pool_both():
    script = (
        "import json; from django.conf import settings; print(json.dumps({"
        "alias: {key: settings.DATABASES[alias].get(key) for key in "
        "('HOST', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS')} "
        "for alias in settings.DATABASES} | {'routers': settings.DATABASE_ROUTERS}))"
    )

    configured = _production_shell(
        script,
        DATABASE_REPLICA_URL="postgres://app@replica.internal:5432/shop",
        DATABASE_POOL_MAX_SIZE="2",
    )
    assert configured["routers"] == ["config.replica.ReplicaRouter"]
    pool = {"min_size": 1, "max_size": 2, "timeout": 10.0}
    assert configured["default"] == {
        "HOST": "primary.internal",
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5, "pool": pool},
    }
    assert configured["replica"] == {
        "HOST": "replica.internal",
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "connect_timeout": 2,
            "server_side_binding": True,
            "prepare_threshold": 5,
            "pool": pool,
        },
    }


def _production_shell(script: str, **env: str):
    """What `script`, run in `manage.py shell` with production settings, prints last, as JSON."""
    result = run_manage(
        "shell",
        "-c",
        script,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="shop.example.com",
        SHOP_BASE_URL="https://shop.example.com",
        DATABASE_URL="postgres://app@primary.internal:5432/shop",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _production_database_options(**env: str) -> dict:
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    return _production_shell(script, **env)


def test_postgresql_statements_are_bound_and_prepared_on_the_server_unless_turned_off():
    assert _production_database_options() == {"server_side_binding": True, "prepare_threshold": 5}
    assert _production_database_options(DATABASE_PREPARED="false") == {}
