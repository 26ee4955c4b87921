"""Subscribe (double opt-in), confirm and unsubscribe for anyone with the link; a customer's
consents and their history for the hotline."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as api_examples
from api import schema, throttling
from api.views import ApiView
from customers.selectors import customer_get
from newsletter import selectors, services
from newsletter.api import examples
from newsletter.api.serializers import (
    CustomerConsentsSerializer,
    NewsletterTokenInputSerializer,
    SubscribeAcceptedSerializer,
    SubscribeInputSerializer,
    SubscriptionStatusSerializer,
)
from newsletter.models import Source
from stores.roles import user_is_agent

# What the schema cannot state about a well-formed body, each answered 400 with its code.
INVALID_ADDRESS = (
    "Invalid input; `invalid_email` (an address the newsletter refuses), `phone_required` (SMS "
    "without a phone number) or `unknown_wording` (a consent wording that does not exist)."
)
INVALID_TOKEN = (
    "Invalid input; `invalid_token` (a link's token that does not verify: forged, cut short or "
    "made for another link) or `token_expired`."
)
SUBSCRIBE_DETAIL = "Unless this address is subscribed already, a confirmation link was sent to it."


class IsAgent(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_is_agent(request.user)


def client_ip(request) -> str | None:
    """The address the request came from, as the proof of a consent records it."""
    return request.META.get("REMOTE_ADDR") or None


class SubscribeView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.NEWSLETTER

    @extend_schema(
        operation_id="newsletter_subscribe",
        examples=examples.SUBSCRIBE,
        request=SubscribeInputSerializer,
        responses={
            202: SubscribeAcceptedSerializer,
            **schema.errors(400, 415, 429, described={400: INVALID_ADDRESS}),
        },
        auth=[],
        summary="Ask for the newsletter: a confirmation link goes to the address (double opt-in)",
    )
    def post(self, request: Request) -> Response:
        incoming = SubscribeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subscription = services.subscription_request(
            request=services.SubscribeInput(
                **incoming.validated_data, source=Source.API, ip=client_ip(request)
            )
        )
        # The same answer whether or not the address was subscribed: it tells nobody that.
        return Response(
            SubscribeAcceptedSerializer(
                {"channel": subscription.channel, "detail": SUBSCRIBE_DETAIL}
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ConfirmView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.NEWSLETTER

    @extend_schema(
        operation_id="newsletter_confirm",
        examples=examples.CONFIRM,
        request=NewsletterTokenInputSerializer,
        responses={
            200: SubscriptionStatusSerializer,
            **schema.errors(400, 415, 429, described={400: INVALID_TOKEN}),
        },
        auth=[],
        summary="Confirm a subscription with the token of the confirmation link",
    )
    def post(self, request: Request) -> Response:
        incoming = NewsletterTokenInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subscription = services.subscription_confirm(
            token=incoming.validated_data["token"], ip=client_ip(request)
        )
        return Response(
            SubscriptionStatusSerializer(
                {"channel": subscription.channel, "status": subscription.status, "changed": True}
            ).data
        )


class UnsubscribeView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.NEWSLETTER

    @extend_schema(
        operation_id="newsletter_unsubscribe",
        examples=examples.UNSUBSCRIBE,
        request=NewsletterTokenInputSerializer,
        responses={
            200: SubscriptionStatusSerializer,
            **schema.errors(400, 415, 429, described={400: INVALID_TOKEN}),
        },
        auth=[],
        summary="Unsubscribe with the token of an unsubscribe link; effective at once",
    )
    def post(self, request: Request) -> Response:
        incoming = NewsletterTokenInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = services.subscription_unsubscribe(
            token=incoming.validated_data["token"], ip=client_ip(request), source=Source.API
        )
        return Response(
            SubscriptionStatusSerializer(
                {
                    "channel": result.subscription.channel,
                    "status": result.subscription.status,
                    "changed": result.changed,
                }
            ).data
        )


class CustomerConsentsView(ApiView):
    permission_classes = [IsAuthenticated, IsAgent]

    @extend_schema(
        operation_id="customer_consents",
        parameters=[api_examples.CUSTOMER],
        examples=examples.CONSENTS,
        responses={200: CustomerConsentsSerializer, **schema.errors(401, 403, 404)},
        summary="Hotline: a customer's consent per channel, its proof and history",
    )
    def get(self, request: Request, customer_id: int) -> Response:
        customer = customer_get(customer_id=customer_id)
        consents = selectors.customer_consents(customer=customer)
        return Response(CustomerConsentsSerializer(consents).data)
