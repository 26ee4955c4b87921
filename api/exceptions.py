"""Errors of the API layer itself (not of the domain): keys, query parameters, credentials."""

from rest_framework import status

from config.exceptions import DomainError


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used with a different request."


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "The Idempotency-Key header must be 1 to 255 visible ASCII characters."


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "Unable to log in with the given username and password."
