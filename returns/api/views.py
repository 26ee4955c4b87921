"""Exchanges and returns for agents and staff, customer search for the hotline, and the courier
webhook. A case outside the caller's reach answers 404."""

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as api_examples
from api import schema
from api.idempotency import idempotent
from api.views import ApiView
from config.exceptions import DomainError, NotFound
from customers.selectors import customer_get, customer_search, customer_timeline_window
from orders.selectors import order_get_for_user
from returns import selectors, services
from returns.api import examples
from returns.api.serializers import (
    CustomerFoundSerializer,
    CustomerSearchQuerySerializer,
    CustomerTimelineQuerySerializer,
    CustomerTimelineSerializer,
    ExchangeInputSerializer,
    ReceiveInputSerializer,
    ReturnCaseSerializer,
    ReturnInputSerializer,
    WebhookAcceptedSerializer,
)
from returns.couriers import InvalidSignature, courier_gateway
from returns.models import ReturnCase
from stores.roles import user_is_agent


class IsAgent(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_is_agent(request.user)


class InvalidWebhookSignature(DomainError):
    code = "invalid_signature"
    status = status.HTTP_401_UNAUTHORIZED
    default_detail = "The webhook signature does not check out."


def case_response(case: ReturnCase, *, status_code: int = status.HTTP_200_OK) -> Response:
    prefetch_related_objects([case], "lines__product", "courier_bookings")
    return Response(ReturnCaseSerializer(case).data, status=status_code)


class ExchangeCreateView(ApiView):
    permission_classes = [IsAuthenticated, IsAgent]

    @extend_schema(
        operation_id="exchanges_create",
        extensions=examples.CASE_OPENED_LINKS,
        examples=examples.EXCHANGE,
        parameters=[schema.IDEMPOTENCY_KEY],
        request=ExchangeInputSerializer,
        responses={201: ReturnCaseSerializer, **schema.errors(400, 401, 403, 409, 415, 422)},
        summary="Hotline: open an exchange — replacement reserved in store, courier collects",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, scope="exchanges.open", perform=lambda: self._open(request))

    def _open(self, request: Request) -> Response:
        incoming = ExchangeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        opened = services.exchange_open(
            order_number=data["order_number"],
            lines=[services.ReturnLineInput(**line) for line in data["lines"]],
            reason=data["reason"],
            replacement_store_code=data["replacement_store"],
            collection=collection_input(data["collection"]),
            by=request.user,
        )
        return case_response(opened.case, status_code=status.HTTP_201_CREATED)


class ReturnCreateView(ApiView):
    """Refund returns for agents and the staff of the order's store; an order outside the
    caller's reach answers 404, a hand-in at a store the caller does not work at 403."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="returns_create",
        extensions=examples.RETURN_OPENED_LINKS,
        examples=examples.RETURN,
        parameters=[schema.IDEMPOTENCY_KEY],
        request=ReturnInputSerializer,
        responses={201: ReturnCaseSerializer, **schema.errors(400, 401, 403, 404, 409, 415, 422)},
        summary="A refund return: collected by courier, handed in at a store's counter "
        "(received at once) or brought to the order's store",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, scope="returns.open", perform=lambda: self._open(request))

    def _open(self, request: Request) -> Response:
        incoming = ReturnInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        order = order_get_for_user(number=data["order_number"], user=request.user)
        if "hand_in_store" in data:
            case = services.return_hand_in(
                order_number=order.number,
                lines=[services.ReceivedLineInput(**line) for line in data["lines"]],
                reason=data["reason"],
                store=selectors.hand_in_store_get(code=data["hand_in_store"]),
                by=request.user,
            )
        else:
            case = services.return_open(
                order_number=order.number,
                lines=[
                    services.ReturnLineInput(sku=line["sku"], quantity=line["quantity"])
                    for line in data["lines"]
                ],
                reason=data["reason"],
                opened_by=(
                    ReturnCase.OpenedBy.AGENT
                    if user_is_agent(request.user)
                    else ReturnCase.OpenedBy.STORE
                ),
                collection=(collection_input(data["collection"]) if "collection" in data else None),
                by=request.user,
            )
        return case_response(case, status_code=status.HTTP_201_CREATED)


def collection_input(collection: dict) -> services.CollectionInput:
    return services.CollectionInput(
        **collection["address"],
        date=collection["date"],
        window_start=collection["window_start"],
        window_end=collection["window_end"],
        phone=collection["phone"],
    )


class ReturnCaseDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="returns_retrieve",
        extensions=examples.CASE_LINKS,
        parameters=[examples.NUMBER],
        examples=examples.RETURN_CASE,
        responses={200: ReturnCaseSerializer, **schema.errors(401, 404)},
        summary="A return case with its lines, replacement order and courier booking",
    )
    def get(self, request: Request, number: str) -> Response:
        return case_response(selectors.return_case_get_for_user(number=number, user=request.user))


class ReturnCaseReceiveView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="returns_receive",
        parameters=[examples.NUMBER],
        examples=examples.RECEIVE,
        request=ReceiveInputSerializer,
        responses={
            200: ReturnCaseSerializer,
            **schema.errors(400, 401, 403, 404, 409, 415, 422),
        },
        summary="Staff of the receiving store: receive returned items (resellable back on hand, "
        "defective written off)",
    )
    def post(self, request: Request, number: str) -> Response:
        case = selectors.return_case_get_for_user(number=number, user=request.user)
        incoming = ReceiveInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = services.return_receive(
            number=case.number,
            lines=[services.ReceivedLineInput(**line) for line in incoming.validated_data["lines"]],
            store=case.receiving_store,
            by=request.user,
        )
        return case_response(case)


class CustomerSearchView(ApiView):
    permission_classes = [IsAuthenticated, IsAgent]

    @extend_schema(
        operation_id="customers_search",
        extensions={**examples.CUSTOMERS_LINKS, **examples.CUSTOMERS_QUERY},
        examples=examples.CUSTOMERS,
        parameters=[CustomerSearchQuerySerializer],
        responses={200: CustomerFoundSerializer(many=True), **schema.errors(400, 401, 403)},
        summary="Hotline: find a customer by e-mail, phone, order number, RMA number or name",
    )
    def get(self, request: Request) -> Response:
        query = CustomerSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        customers = customer_search(query=query.validated_data["search"])
        return Response(CustomerFoundSerializer(customers, many=True).data)


class CustomerTimelineView(ApiView):
    permission_classes = [IsAuthenticated, IsAgent]

    @extend_schema(
        operation_id="customers_timeline",
        parameters=[api_examples.CUSTOMER, CustomerTimelineQuerySerializer],
        examples=examples.TIMELINE,
        responses={200: CustomerTimelineSerializer, **schema.errors(400, 401, 403, 404)},
        summary="Hotline: the customer's journey across channels, oldest first (whole, or the "
        "newest `latest`)",
    )
    def get(self, request: Request, customer_id: int) -> Response:
        query = CustomerTimelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        customer = customer_get(customer_id=customer_id)
        window = customer_timeline_window(customer=customer, latest=query.validated_data["latest"])
        return Response(
            CustomerTimelineSerializer(
                {"customer": customer, "entries": window.entries, "complete": window.complete}
            ).data
        )


class CourierWebhookView(ApiView):
    """Signed status updates from a courier. The signature over the raw body is the only
    credential; each event id is applied once."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="couriers_webhook",
        parameters=[examples.PROVIDER],
        examples=examples.WEBHOOK,
        request=OpenApiTypes.OBJECT,
        responses={200: WebhookAcceptedSerializer, **schema.errors(400, 401, 404)},
        auth=[],
        summary="Courier status webhook (HMAC-signed, see X-Courier-Signature)",
    )
    def post(self, request: Request, provider: str) -> Response:
        try:
            gateway = courier_gateway(provider)
        except KeyError as error:
            raise NotFound("No such courier provider.") from error
        # The signature covers the exact bytes received, so read them before any parsing.
        body = request.body
        try:
            event = gateway.parse_webhook(request.headers, body)
        except InvalidSignature as error:
            raise InvalidWebhookSignature(str(error)) from error
        recorded = services.courier_event_apply(provider=provider, event=event)
        if recorded is None:
            return Response({"status": "duplicate"})
        return Response({"status": "applied" if recorded.applied else "ignored"})
