"""The one base class for domain errors, and the API's single translation of errors to HTTP.

Services raise DomainError subclasses (no HTTP in them); `api_exception_handler` turns those and
DRF's own errors into the SPEC's body: {"code": ..., "detail": ..., "fields": {...}}.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A rule of the domain refused the request. `status` is the HTTP answer the API gives.

    `code` is stable: screens choose the message they show by it (and by `field_codes`, a stable
    code per field named in `fields`), never by the English text of `detail` or `fields`.
    """

    code = "domain_error"
    status = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."

    def __init__(
        self,
        detail: str | None = None,
        *,
        fields: dict[str, Any] | None = None,
        field_codes: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.detail = detail or self.default_detail
        self.fields = fields or {}
        self.field_codes = field_codes or {}
        self.extra = extra
        super().__init__(self.detail)

    def as_body(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, "fields": self.fields, **self.extra}


class NotFound(DomainError):
    code = "not_found"
    status = status.HTTP_404_NOT_FOUND
    default_detail = "Not found."


class InvalidInput(DomainError):
    code = "invalid"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is not valid."


def _drf_code(error: exceptions.APIException) -> str:
    if isinstance(error, exceptions.ValidationError):
        return "invalid"
    if isinstance(error, exceptions.Throttled):
        return "rate_limited"
    if isinstance(error, exceptions.ParseError):
        return "malformed_json"
    codes = error.get_codes()
    return codes if isinstance(codes, str) else error.default_code


def api_exception_handler(error: Exception, context: dict) -> Response | None:
    if isinstance(error, DomainError):
        return Response(error.as_body(), status=error.status)
    if isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, PermissionDenied):
        error = exceptions.PermissionDenied()
    response = exception_handler(error, context)
    if response is None or not isinstance(error, exceptions.APIException):
        return response
    if isinstance(error, exceptions.ValidationError):
        detail = "The request is not valid."
        fields = (
            error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
        )
    else:
        detail = str(error.detail)
        fields = {}
    response.data = {"code": _drf_code(error), "detail": detail, "fields": fields}
    return response
