"""Every operation of the schema shows examples a tool can follow: its request body, its path
parameters and at least one successful answer, each valid against its own schema, naming the
demo's real stores, products, users, transfers and customers; and its answers link to the
operations that act on the objects they name."""

import copy

import pytest
from django.core.management import call_command
from jsonschema import Draft7Validator, FormatChecker
from rest_framework.test import APIClient

from customers.models import Customer
from inventory.models import Product, Transfer
from returns.couriers import courier_gateway
from stores.models import Store

METHODS = {"get", "post", "put", "patch", "delete"}


def served_schema() -> dict:
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def operations(schema: dict):
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def json_schema(node):
    """OpenAPI 3.0's schema object as JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if not node.get("nullable"):
        return result
    if "type" in result:
        result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
        return result
    return {"anyOf": [result, {"type": "null"}]}


def example_problems(schema: dict) -> list[str]:
    """What is missing or wrong in the schema's examples, one line each."""
    components = json_schema(schema["components"])
    problems = []

    def check(where: str, value, node: dict) -> None:
        validator = Draft7Validator(
            {**json_schema(node), "components": components}, format_checker=FormatChecker()
        )
        problems.extend(
            f"{where}: {'/'.join(map(str, error.absolute_path))} {error.message}"
            for error in validator.iter_errors(value)
        )

    for name, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            examples = parameter.get("examples", {})
            if parameter["in"] == "path" and not examples:
                problems.append(f"{name}: path parameter {parameter['name']} has no example")
            for key, example in examples.items():
                check(f"{name} {parameter['name']} {key}", example["value"], parameter["schema"])
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and not body.get("examples"):
            problems.append(f"{name}: request body has no example")
        for key, example in (body or {}).get("examples", {}).items():
            check(f"{name} request {key}", example["value"], body["schema"])
        succeeded = False
        for status, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/json", {})
            for key, example in content.get("examples", {}).items():
                succeeded |= status.startswith("2")
                check(f"{name} {status} {key}", example["value"], content["schema"])
        if not succeeded:
            problems.append(f"{name}: no example of a successful answer")
    return problems


@pytest.mark.django_db
def test_every_operation_has_examples_that_validate_against_their_own_schemas():
    schema = served_schema()

    problems = example_problems(schema)

    assert len(list(operations(schema))) == 31
    assert problems == []


@pytest.mark.django_db
def test_the_examples_check_finds_an_example_that_is_missing_or_breaks_its_schema():
    schema = served_schema()
    broken = copy.deepcopy(schema)
    place = broken["paths"]["/api/v1/orders/"]["post"]
    example = next(iter(place["requestBody"]["content"]["application/json"]["examples"].values()))
    example["value"]["lines"][0]["quantity"] = "one"
    ship = broken["paths"]["/api/v1/transfers/{transfer_id}/ship/"]["post"]
    del ship["responses"]["200"]["content"]["application/json"]["examples"]

    problems = example_problems(broken)

    assert any(
        "POST /api/v1/orders/ request" in line and "'one' is not of type 'integer'" in line
        for line in problems
    ), problems
    assert "POST /api/v1/transfers/{transfer_id}/ship/: no example of a successful answer" in (
        problems
    )


def parameter_examples(schema: dict, name: str) -> set:
    return {
        example["value"]
        for _, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["name"] == name
        for example in parameter.get("examples", {}).values()
    }


def request_values(schema: dict, key: str) -> set:
    """Every value of `key` anywhere in the request examples."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.items():
                if name == key:
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for _, operation in operations(schema):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in body.get("examples", {}).values():
            walk(example["value"])
    return found


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_examples_name_the_demos_stores_products_users_transfers_and_customers():
    call_command("seed_demo", verbosity=0)
    schema = served_schema()
    stores = parameter_examples(schema, "code") | parameter_examples(schema, "store")
    for key in ["pickup_store", "replacement_store", "hand_in_store"]:
        stores |= request_values(schema, key)
    skus = parameter_examples(schema, "sku") | request_values(schema, "sku")
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["requestBody"]["content"]
    credentials = next(iter(token["application/json"]["examples"].values()))["value"]

    logged_in = APIClient().post("/api/v1/auth/token/", credentials, format="json")

    assert {"PAS-01", "MUC-01"} <= stores
    assert set(Store.objects.filter(code__in=stores).values_list("code", flat=True)) == stores
    assert {"AKKU-BS-18V", "BIT-SET-32"} <= skus
    assert set(Product.objects.filter(sku__in=skus).values_list("sku", flat=True)) == skus
    assert logged_in.status_code == 200
    transfers = {int(value) for value in parameter_examples(schema, "transfer_id")}
    assert {
        (transfer.pk, transfer.state, transfer.source_store.code, transfer.destination_store.code)
        for transfer in Transfer.objects.filter(pk__in=transfers)
    } == {(1, "in_transit", "DEG-01", "PAS-01"), (2, "requested", "PAS-01", "DEG-01")}
    customers = parameter_examples(schema, "customer_id")
    assert list(Customer.objects.filter(pk__in=customers).values_list("name", flat=True)) == [
        "Erika Müller"
    ]
    for provider in parameter_examples(schema, "provider"):
        courier_gateway(provider)


@pytest.mark.django_db
def test_answers_link_to_the_operations_that_act_on_the_objects_they_name():
    schema = served_schema()
    operation_ids = {operation["operationId"] for _, operation in operations(schema)}

    links = {
        (name, status, link_name): link
        for name, operation in operations(schema)
        for status, answer in operation["responses"].items()
        for link_name, link in answer.get("links", {}).items()
    }

    assert {link["operationId"] for link in links.values()} <= operation_ids
    placed = schema["paths"]["/api/v1/orders/"]["post"]["responses"]["201"]["links"]
    assert placed["StartPicking"] == {
        "operationId": "orders_start_picking",
        "parameters": {"number": "$response.body#/number"},
    }
    followed = {link["operationId"] for link in links.values()}
    assert {
        "orders_retrieve",
        "orders_cancel",
        "orders_start_picking",
        "orders_mark_ready",
        "orders_hand_over",
        "returns_retrieve",
        "returns_receive",
        "transfers_ship",
        "transfers_receive",
        "transfers_cannot_send",
        "customers_timeline",
    } <= followed
    assert not schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["200"].get("links")
