"""What the counter's box reads: the QR code of the order page, an order number, a pickup code,
each with the spaces and dashes people add."""

import pytest

from orders.codes import (
    CounterInput,
    counter_input_parse,
    counter_qr_payload,
    pickup_code_normalise,
    pickup_code_well_formed,
)


def test_the_qr_payload_names_the_order_and_its_code():
    payload = counter_qr_payload(number="A7FN6TPU", code="675097")

    assert payload == "CC A7FN6TPU 675097"
    assert counter_input_parse(payload) == CounterInput("A7FN6TPU", "675097", from_qr=True)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("cc a7fn6tpu 675097", CounterInput("A7FN6TPU", "675097", from_qr=True)),
        ("  CC A7FN6TPU 675 097 ", CounterInput("A7FN6TPU", "675097", from_qr=True)),
        ("A7FN6TPU", CounterInput(number="A7FN6TPU")),
        ("a7fn-6tpu", CounterInput(number="A7FN6TPU")),
        ("A7FN 6TPU", CounterInput(number="A7FN6TPU")),
        ("675097", CounterInput(code="675097")),
        ("675 097", CounterInput(code="675097")),
        ("675-097", CounterInput(code="675097")),
        ("67509", CounterInput(code="67509")),
        ("6750971", CounterInput(code="6750971")),
    ],
)
def test_the_box_reads_what_people_scan_and_type(typed, expected):
    assert counter_input_parse(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "   ", "hello", "A7FN6TP", "A7FN6TPUX", "B0O1I5S2", "CC A7FN6TPU 67509", "CC x y"]
)
def test_anything_else_is_not_understood(typed):
    assert counter_input_parse(typed) is None


@pytest.mark.parametrize(
    ("given", "normalised", "well_formed"),
    [
        ("675097", "675097", True),
        ("675 097", "675097", True),
        ("675-097", "675097", True),
        ("675–097", "675097", True),
        ("67509", "67509", False),
        ("6750977", "6750977", False),
        ("67509a", "67509a", False),
        ("６７５０９７", "６７５０９７", False),
    ],
)
def test_a_pickup_code_is_six_digits_whatever_separates_them(given, normalised, well_formed):
    assert pickup_code_normalise(given) == normalised
    assert pickup_code_well_formed(pickup_code_normalise(given)) is well_formed
