"""The base every API view extends, and the token exchange for staff and agents."""

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from api import examples, schema, throttling
from api.exceptions import InvalidCredentials
from api.serializers import TokenInputSerializer, TokenOutputSerializer


class ApiView(APIView):
    """JSON in and out; the general rate limits plus the view's own `throttle_scope`."""

    parser_classes = [JSONParser]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, throttling.ScopedThrottle]


class TokenView(ApiView):
    permission_classes = [AllowAny]
    # Only the credentials in the body count: a stale token header must not block logging in
    # again, and a session would make DRF demand a CSRF token from API clients.
    authentication_classes: list = []
    throttle_scope = throttling.AUTH_TOKEN

    @extend_schema(
        operation_id="auth_token_create",
        examples=examples.TOKEN,
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer, **schema.errors(400, 415, 429)},
        auth=[],
        summary="Exchange a username and password for an API token",
    )
    def post(self, request: Request) -> Response:
        incoming = TokenInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=incoming.validated_data["username"],
            password=incoming.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise InvalidCredentials()
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """Django's 404 page, but the API's error body for paths under /api/ that match no route."""
    if _is_api(request):
        return JsonResponse({"code": "not_found", "detail": "Not found.", "fields": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500 page, but the API's error body for paths under /api/."""
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong on our side.", "fields": {}},
            status=500,
        )
    return defaults.server_error(request)
