"""The schema is the contract: schemathesis runs every check on every operation of the OpenAPI
schema, the stateful phase included, against the app serving the demo's data, as a clerk of
Passau for the store's operations and as a hotline agent for the hotline's.

Deterministic generation (a fixed seed) and a bounded number of examples per operation keep the
run to a few minutes and the same on every machine; any failure fails this test, with
schemathesis' own report (each failure with a curl line to reproduce it) in the output.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from customers.models import Customer
from inventory.models import Product, Transfer
from orders.models import Order
from returns.models import ReturnCase

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = 4
# Scenarios of the stateful phase: each starts where an answer names an object (a placed order,
# an opened case, a listed transfer) and follows the schema's links from there.
STATEFUL_MAX_EXAMPLES = 15
STATEFUL_MAX_STEPS = 20
RUN_TIMEOUT_SECONDS = 600

STORE = "PAS-01"
CLERK = "clerk.pas-01"
AGENT = "agent"

# Operations whose answers depend on the hotline's reach; the rest run as the store's clerk.
AGENT_PATHS = r"^/api/v1/(customers|exchanges|returns)/"

# Rules the server checks that OpenAPI cannot state, each answered with 400 in the error format
# and each tested on its own elsewhere: a schema-valid request to these operations may be refused
# with 400 for the reason given; every other check still applies to them.
SEMANTIC_400 = {
    "/api/v1/auth/token/": "a username and password that do not match",
    "/api/v1/couriers/{provider}/webhook/": "a signature that does not verify",
    "/api/v1/exchanges/": "an order, a store or a postcode that does not exist; a past window",
    "/api/v1/orders/": "a store or SKU that does not exist",
    "/api/v1/returns/": "a courier collection and a store hand-in together; an order that does "
    "not exist; a past window",
    "/api/v1/orders/{number}/hand-over/": "a pickup code that is not the order's",
    "/api/v1/returns/{number}/receive/": "an SKU the case does not hold, or more units than it "
    "holds",
    "/api/v1/stores/{code}/stock/": "a count without a reason; an SKU that does not exist",
    "/api/v1/stores/{code}/pickup-slots/": "a day outside the bookable fortnight",
    "/api/v1/newsletter/confirm/": "a link's token that does not verify",
    "/api/v1/newsletter/unsubscribe/": "a link's token that does not verify",
    "/api/v1/newsletter/subscriptions/": "an address or number the newsletter refuses",
    "/api/v1/stores/": "lat without lon, or lon without lat",
    "/api/v1/products/{sku}/availability/": "lat without lon, or lon without lat",
}

# Operations that take an Idempotency-Key: a generated request that reuses a key with another body
# is answered 422 `idempotency_key_reused`, as the header's description in the schema says.
IDEMPOTENT = {
    "/api/v1/orders/",
    "/api/v1/stores/{code}/stock/",
    "/api/v1/exchanges/",
    "/api/v1/returns/",
}


def token_for(username: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": "demo"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
        )
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value)


def operation_block(settings: dict) -> str:
    return "[[operations]]\n" + "".join(f"{key} = {toml_value(v)}\n" for key, v in settings.items())


def order_number(state: str) -> str:
    return (
        Order.objects.filter(pickup_store__code=STORE, state=state)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


def transfer_id(**stores) -> int:
    return Transfer.objects.filter(**stores).order_by("pk").values_list("pk", flat=True).first()


def write_config(path: Path, *, clerk: str, agent: str) -> None:
    """The run's configuration: who calls what, and the demo's real objects as parameters, so
    operations on an order, a store, a product, a transfer, a customer or a return reach one
    instead of only 404s. The stateful phase follows the schema's links from there."""
    lines = [
        # One worker: with two threads, CPython 3.11's ast (which schemathesis calls while it
        # generates) can fail with "SystemError: AST constructor recursion depth mismatch".
        "workers = 1",
        f"headers = {toml_value({'Authorization': f'Token {clerk}'})}",
        "[generation]",
        "deterministic = true",
        f"max-examples = {MAX_EXAMPLES}",
        "[phases.stateful]",
        f"max-steps = {STATEFUL_MAX_STEPS}",
        "[phases.stateful.generation]",
        f"max-examples = {STATEFUL_MAX_EXAMPLES}",
        "[parameters]",
        f"code = {toml_value(STORE)}",
        f"sku = {toml_value(Product.objects.order_by('sku').values_list('sku', flat=True)[0])}",
        "",
    ]
    blocks = [
        # The demo's exchange comes back to Passau: only the receiving store's staff receive it.
        {
            "include-path": "/api/v1/returns/{number}/receive/",
            "headers": {"Authorization": f"Token {clerk}"},
            "parameters": {"number": ReturnCase.objects.values_list("number", flat=True)[0]},
        },
        {
            "include-path-regex": r"^/api/v1/returns/\{number\}/",
            "headers": {"Authorization": f"Token {agent}"},
            "parameters": {"number": ReturnCase.objects.values_list("number", flat=True)[0]},
        },
        {
            "include-path-regex": r"^/api/v1/customers/\{customer_id\}/",
            "headers": {"Authorization": f"Token {agent}"},
            "parameters": {"customer_id": Customer.objects.order_by("pk").first().pk},
        },
        {
            "include-path-regex": AGENT_PATHS,
            "headers": {"Authorization": f"Token {agent}"},
        },
        # Passau's clerk sends the demo's transfer to Deggendorf and receives the one coming in.
        {
            "include-path-regex": r"^/api/v1/transfers/\{transfer_id\}/(ship|cannot-send)/$",
            "parameters": {"transfer_id": transfer_id(source_store__code=STORE)},
        },
        {
            "include-path": "/api/v1/transfers/{transfer_id}/receive/",
            "parameters": {"transfer_id": transfer_id(destination_store__code=STORE)},
        },
        {
            "include-path": "/api/v1/couriers/{provider}/webhook/",
            "parameters": {"provider": "sandbox"},
        },
    ]
    for operation, state in [
        ("/api/v1/orders/{number}/", "reserved"),
        ("/api/v1/orders/{number}/start-picking/", "reserved"),
        ("/api/v1/orders/{number}/mark-ready/", "picking"),
        ("/api/v1/orders/{number}/report-shortage/", "picking"),
        ("/api/v1/orders/{number}/hand-over/", "ready_for_pickup"),
        ("/api/v1/orders/{number}/cancel/", "ready_for_pickup"),
    ]:
        blocks.append({"include-path": operation, "parameters": {"number": order_number(state)}})
    for operation in SEMANTIC_400:
        blocks.append(
            {
                "include-path": operation,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [
                            *["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"],
                            *(["422"] if operation in IDEMPOTENT else []),
                        ]
                    }
                },
            }
        )
    path.write_text("\n".join(lines) + "\n" + "\n".join(operation_block(b) for b in blocks))


def test_every_operation_agrees_with_the_schema_under_every_check(live_server, tmp_path):
    call_command("seed_demo", verbosity=0)
    config = tmp_path / "schemathesis.toml"
    write_config(config, clerk=token_for(CLERK), agent=token_for(AGENT))
    report = tmp_path / "report.json"

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "--no-color",
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--checks",
            "all",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )

    print(run.stdout[-20000:], run.stderr[-5000:])
    assert run.returncode == 0, run.stdout[-20000:]
