import pytest

from returns.couriers import InvalidSignature
from returns.couriers.signing import signature_header, signature_verify

BODY = b'{"event_id": "evt_1", "booking_reference": "SBX-1", "status": "picked_up"}'
NOW = 1_795_000_000


def test_a_body_signed_with_the_secret_verifies():
    header = signature_header(secret="s3cret", body=BODY, timestamp=NOW)

    signature_verify(secret="s3cret", body=BODY, header=header, now=NOW + 10)


def test_a_changed_body_is_refused():
    header = signature_header(secret="s3cret", body=BODY, timestamp=NOW)

    with pytest.raises(InvalidSignature, match="does not match"):
        signature_verify(secret="s3cret", body=BODY + b" ", header=header, now=NOW)


def test_a_signature_made_with_another_secret_is_refused():
    header = signature_header(secret="other", body=BODY, timestamp=NOW)

    with pytest.raises(InvalidSignature, match="does not match"):
        signature_verify(secret="s3cret", body=BODY, header=header, now=NOW)


def test_a_signature_older_than_five_minutes_is_refused_as_a_replay():
    header = signature_header(secret="s3cret", body=BODY, timestamp=NOW)

    with pytest.raises(InvalidSignature, match="tolerance"):
        signature_verify(secret="s3cret", body=BODY, header=header, now=NOW + 301)


def test_a_signature_from_the_future_is_refused():
    header = signature_header(secret="s3cret", body=BODY, timestamp=NOW + 600)

    with pytest.raises(InvalidSignature, match="tolerance"):
        signature_verify(secret="s3cret", body=BODY, header=header, now=NOW)


@pytest.mark.parametrize("header", ["", "v1=abc", "t=notanumber,v1=abc", "garbage"])
def test_a_malformed_header_is_refused(header):
    with pytest.raises(InvalidSignature, match="malformed"):
        signature_verify(secret="s3cret", body=BODY, header=header, now=NOW)


def test_without_a_configured_secret_nothing_verifies():
    header = signature_header(secret="", body=BODY, timestamp=NOW)

    with pytest.raises(InvalidSignature, match="no webhook secret"):
        signature_verify(secret="", body=BODY, header=header, now=NOW)
