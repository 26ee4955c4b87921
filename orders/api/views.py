"""Placing, reading and moving orders. Who may see an order is decided by orders.selectors, what
they may do to it by the transitions' permissions in orders.services; an order outside the
caller's reach answers 404."""

from django.db.models import prefetch_related_objects
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import schema, throttling
from api.fields import page
from api.idempotency import idempotent
from api.views import ApiView
from config.exceptions import InvalidInput, NotFound
from inventory.selectors import product_get_by_sku
from orders import selectors, services
from orders.api import examples
from orders.api.serializers import (
    CancelInputSerializer,
    EmptyInputSerializer,
    HandOverInputSerializer,
    OrderDetailSerializer,
    OrderListQuerySerializer,
    OrderPageSerializer,
    OrderPlacedSerializer,
    OrderPlaceInputSerializer,
    OrderSummarySerializer,
    PickupSlotQuerySerializer,
    PickupSlotSerializer,
    ShortageInputSerializer,
    TransferListQuerySerializer,
    TransferPageSerializer,
    TransferRefuseInputSerializer,
    TransferSerializer,
)
from orders.models import Order
from payments.sepa import SepaInput
from stores.api.examples import STORE_CODE
from stores.selectors import (
    pickup_slot_horizon,
    store_get_for_reader,
    store_list_for_click_and_collect,
)

ORDER_TOKEN_HEADER = "X-Order-Token"


class Caller:
    """Who asks about an order: the shopper holding its token, or a signed-in user."""

    def __init__(self, request: Request) -> None:
        self.token = request.headers.get(ORDER_TOKEN_HEADER)
        self.user = request.user if request.user.is_authenticated else None
        if self.token is None and self.user is None:
            raise NotAuthenticated()

    @property
    def is_shopper(self) -> bool:
        return self.token is not None

    @property
    def actor(self):
        """The user the services record; None is the shopper."""
        return None if self.is_shopper else self.user

    def order(self, number: str) -> Order:
        if self.is_shopper:
            order = selectors.order_get_for_shopper(number=number, access_token=self.token)
        else:
            order = selectors.order_get_for_user(number=number, user=self.user)
        prefetch_related_objects([order], "lines__product")
        return order


def order_response(order: Order, caller: Caller) -> Response:
    timeline = selectors.order_timeline(order=order)
    if caller.is_shopper:
        # Shoppers see what happened, not which employee did it.
        timeline = [{**entry, "actor": None} for entry in timeline]
    context = {
        "timeline": timeline,
        "available_actions": selectors.order_available_actions(order=order, user=caller.actor),
        "pickup_code": (
            selectors.order_pickup_code_for_shopper(order=order) if caller.is_shopper else None
        ),
        "payment": selectors.order_payment_status(order=order),
        "mandate_reference": selectors.order_mandate_reference(order=order),
    }
    return Response(OrderDetailSerializer(order, context=context).data)


class OrderListView(ApiView):
    permission_classes = [AllowAny]

    @property
    def throttle_scope(self) -> str | None:
        # Placing is public and limited per caller; the queues only by the general rate.
        return throttling.ORDER_PLACE if self.request.method == "POST" else None

    def get_permissions(self):
        # Placing is for anyone; the queues are for staff and agents.
        if self.request.method == "GET":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        operation_id="orders_list",
        extensions={**examples.ORDERS_LIST_LINKS, **examples.ORDERS_LIST_QUERY},
        examples=examples.ORDERS_LIST,
        parameters=[OrderListQuerySerializer],
        responses={200: OrderPageSerializer, **schema.errors(400, 401, 404)},
        summary="Queues: staff see their own stores' orders, agents every store's",
    )
    def get(self, request: Request) -> Response:
        query = OrderListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params["store"]:
            store_get_for_reader(code=params["store"], user=request.user)
        count, orders = page(
            selectors.order_list_for_user(
                user=request.user, store_code=params["store"] or None, state=params["state"] or None
            ),
            limit=params["limit"],
            offset=params["offset"],
        )
        return Response({"count": count, "results": OrderSummarySerializer(orders, many=True).data})

    @extend_schema(
        operation_id="orders_place",
        extensions=examples.PLACE_LINKS,
        examples=examples.ORDERS_PLACE,
        parameters=[schema.IDEMPOTENCY_KEY],
        request=OrderPlaceInputSerializer,
        responses={201: OrderPlacedSerializer, **schema.errors(400, 404, 409, 415, 422, 429)},
        auth=[],
        summary="Place an order for pickup; 409 insufficient_stock names stores that have it",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, scope="orders.place", perform=lambda: self._place(request))

    def _place(self, request: Request) -> Response:
        incoming = OrderPlaceInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        placed = services.order_place(
            customer=services.CustomerInput(**data["customer"]),
            pickup_store_code=data["pickup_store"],
            lines=[services.LineInput(**line) for line in data["lines"]],
            payment_method=data["payment_method"],
            allow_transfer=data["allow_transfer"],
            pickup_slot=data["pickup_slot"],
            curbside=data["curbside"],
            campaign=data["campaign"],
            notify_by=data["notify_by"],
            actor=request.user if request.user.is_authenticated else None,
            sepa=SepaInput(**data["sepa"]) if data["sepa"] else None,
            # idempotent() opened a transaction for this placement alone.
            savepoint=False,
        )
        output = OrderPlacedSerializer(
            {
                "number": placed.order.number,
                "state": placed.order.state,
                "access_token": placed.access_token,
                "order": placed.order,
            }
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


class OrderDetailView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.SHOPPER_ORDER

    @extend_schema(
        operation_id="orders_retrieve",
        extensions=examples.ORDER_LINKS,
        examples=examples.ORDER,
        parameters=[examples.NUMBER, schema.ORDER_TOKEN],
        responses={200: OrderDetailSerializer, **schema.errors(401, 404, 429)},
        summary="The order, its timeline and what the caller may do next",
    )
    def get(self, request: Request, number: str) -> Response:
        caller = Caller(request)
        return order_response(caller.order(number), caller)


class OrderCancelView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.SHOPPER_ORDER

    @extend_schema(
        operation_id="orders_cancel",
        extensions=examples.TRANSITION_LINKS,
        examples=examples.CANCEL,
        parameters=[examples.NUMBER, schema.ORDER_TOKEN],
        request=CancelInputSerializer,
        responses={200: OrderDetailSerializer, **schema.errors(400, 401, 403, 404, 409, 415)},
        summary="Cancel while not collected: the shopper, its store's staff or an agent",
    )
    def post(self, request: Request, number: str) -> Response:
        caller = Caller(request)
        order = caller.order(number)
        incoming = CancelInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.order_cancel(
            order=order, by=caller.actor, reason=incoming.validated_data["reason"]
        )
        return order_response(caller.order(number), caller)


class StoreTransitionView(ApiView):
    """A transition only the staff of the order's store take; subclasses name it."""

    permission_classes = [IsAuthenticated]
    input_serializer = EmptyInputSerializer

    def post(self, request: Request, number: str) -> Response:
        caller = Caller(request)
        if caller.is_shopper:
            raise NotAuthenticated()
        order = caller.order(number)
        incoming = self.input_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        self.transition(order=order, by=request.user, data=incoming.validated_data)
        return order_response(caller.order(number), caller)

    def transition(self, *, order: Order, by, data: dict) -> None:
        raise NotImplementedError


_STORE_ERRORS = schema.errors(400, 401, 403, 404, 409, 415, 422)


class OrderStartPickingView(StoreTransitionView):
    @extend_schema(
        operation_id="orders_start_picking",
        extensions=examples.START_PICKING_LINKS,
        parameters=[examples.NUMBER],
        examples=examples.START_PICKING,
        request=None,
        responses={200: OrderDetailSerializer, **_STORE_ERRORS},
        summary="reserved → picking",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def transition(self, *, order: Order, by, data: dict) -> None:
        services.order_start_picking(order=order, by=by)


class OrderMarkReadyView(StoreTransitionView):
    @extend_schema(
        operation_id="orders_mark_ready",
        extensions=examples.MARK_READY_LINKS,
        parameters=[examples.NUMBER],
        examples=examples.MARK_READY,
        request=None,
        responses={200: OrderDetailSerializer, **_STORE_ERRORS},
        summary="picking → ready_for_pickup; the shopper is sent the pickup code",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def transition(self, *, order: Order, by, data: dict) -> None:
        services.order_mark_ready(order=order, by=by)


class OrderReportShortageView(StoreTransitionView):
    input_serializer = ShortageInputSerializer

    @extend_schema(
        operation_id="orders_report_shortage",
        extensions=examples.TRANSITION_LINKS,
        parameters=[examples.NUMBER],
        examples=examples.REPORT_SHORTAGE,
        request=ShortageInputSerializer,
        responses={200: OrderDetailSerializer, **_STORE_ERRORS},
        summary="picking → sourcing (transfer allowed) or reserved (missing units cancelled)",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def transition(self, *, order: Order, by, data: dict) -> None:
        services.order_report_shortage(
            order=order, by=by, shortages=[services.LineInput(**line) for line in data["lines"]]
        )


class OrderHandOverView(StoreTransitionView):
    input_serializer = HandOverInputSerializer

    @extend_schema(
        operation_id="orders_hand_over",
        extensions=examples.TRANSITION_LINKS,
        parameters=[examples.NUMBER],
        examples=examples.HAND_OVER,
        request=HandOverInputSerializer,
        responses={200: OrderDetailSerializer, **_STORE_ERRORS},
        summary="ready_for_pickup → collected, against the pickup code or a manager's override",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def transition(self, *, order: Order, by, data: dict) -> None:
        services.order_hand_over(
            order=order,
            by=by,
            pickup_code=data["pickup_code"],
            override_reason=data["override_reason"],
        )


class PickupSlotListView(ApiView):
    """The slots a shopper can choose at a store; with `sku` and `quantity` only those an order
    of them could make (stock here, or a transfer first)."""

    permission_classes = [AllowAny]
    throttle_scope = throttling.CATALOGUE

    @extend_schema(
        operation_id="stores_pickup_slots",
        extensions=examples.PICKUP_SLOTS_QUERY,
        examples=examples.PICKUP_SLOTS,
        parameters=[STORE_CODE, PickupSlotQuerySerializer],
        responses={200: PickupSlotSerializer(many=True), **schema.errors(400, 404, 429)},
        summary="Pickup slots of a store, earliest first, in its time zone (available 0: full)",
    )
    def get(self, request: Request, code: str) -> Response:
        query = PickupSlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        store = store_list_for_click_and_collect().filter(code=code).first()
        if store is None:
            raise NotFound("No such store takes click-and-collect orders.")
        now = timezone.now()
        day = params["date"]
        if day is not None:
            today = timezone.localtime(now, store.zone).date()
            horizon = pickup_slot_horizon(store=store, now=now)
            if not today <= day <= horizon:
                raise InvalidInput(
                    "No slots on this day.",
                    fields={"date": [f"Choose a day from {today} to {horizon}."]},
                )
        lines = []
        if params["sku"]:
            product = product_get_by_sku(sku=params["sku"])
            lines = [(product.pk, params["quantity"])]
        choice = selectors.pickup_slot_list_for_order(store=store, lines=lines, now=now, day=day)
        return Response(PickupSlotSerializer(choice.slots, many=True).data)


# --- transfers ---------------------------------------------------------------------------------


def transfer_response(transfer_id: int, user) -> Response:
    transfer = selectors.transfer_get_for_user(transfer_id=transfer_id, user=user)
    context = {
        "available_actions": selectors.transfer_available_actions_by_id(
            transfers=[transfer], user=user
        )
    }
    return Response(TransferSerializer(transfer, context=context).data)


class TransferListView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="transfers_list",
        extensions={**examples.TRANSFERS_LIST_LINKS, **examples.TRANSFERS_LIST_QUERY},
        examples=examples.TRANSFERS_LIST,
        parameters=[TransferListQuerySerializer],
        responses={200: TransferPageSerializer, **schema.errors(400, 401, 404)},
        summary="Transfers of a store (outgoing: to send; incoming: to receive), with lines and "
        "the order each serves; staff see their stores', agents every store's",
    )
    def get(self, request: Request) -> Response:
        query = TransferListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        store = (
            store_get_for_reader(code=params["store"], user=request.user)
            if params["store"]
            else None
        )
        count, transfers = page(
            selectors.transfer_list_for_user(
                user=request.user,
                store_id=store.pk if store else None,
                direction=params["direction"] or None,
                state=params["state"] or None,
            ),
            limit=params["limit"],
            offset=params["offset"],
        )
        selectors.transfers_attach_orders(transfers)
        context = {
            "available_actions": selectors.transfer_available_actions_by_id(
                transfers=transfers, user=request.user
            )
        }
        return Response(
            {
                "count": count,
                "results": TransferSerializer(transfers, many=True, context=context).data,
            }
        )


_TRANSFER_ERRORS = schema.errors(400, 401, 403, 404, 409, 415)


class TransferActionView(ApiView):
    """A transfer's step for the staff of one of its stores; subclasses name the service."""

    permission_classes = [IsAuthenticated]
    input_serializer = EmptyInputSerializer

    def post(self, request: Request, transfer_id: str) -> Response:
        transfer = selectors.transfer_get_for_user(transfer_id=transfer_id, user=request.user)
        incoming = self.input_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        self.act(transfer_id=transfer.pk, by=request.user, data=incoming.validated_data)
        return transfer_response(transfer.pk, request.user)

    def act(self, *, transfer_id: int, by, data: dict) -> None:
        raise NotImplementedError


class TransferShipView(TransferActionView):
    @extend_schema(
        operation_id="transfers_ship",
        extensions=examples.TRANSFER_SHIP_LINKS,
        parameters=[examples.TRANSFER_ID],
        examples=examples.TRANSFER_SHIP,
        request=None,
        responses={200: TransferSerializer, **_TRANSFER_ERRORS},
        summary="requested → in_transit, by the sending store once the units are picked",
    )
    def post(self, request: Request, transfer_id: str) -> Response:
        return super().post(request, transfer_id)

    def act(self, *, transfer_id: int, by, data: dict) -> None:
        services.order_transfer_ship(transfer_id=transfer_id, by=by)


class TransferReceiveView(TransferActionView):
    @extend_schema(
        operation_id="transfers_receive",
        extensions=examples.TRANSFER_DONE_LINKS,
        parameters=[examples.TRANSFER_ID],
        examples=examples.TRANSFER_RECEIVE,
        request=None,
        responses={200: TransferSerializer, **_TRANSFER_ERRORS},
        summary="in_transit → received, by the receiving store: the units are reserved for the "
        "order, which goes on to picking; the shopper hears of a changed ready-by time",
    )
    def post(self, request: Request, transfer_id: str) -> Response:
        return super().post(request, transfer_id)

    def act(self, *, transfer_id: int, by, data: dict) -> None:
        services.order_transfer_receive(transfer_id=transfer_id, by=by)


class TransferCannotSendView(TransferActionView):
    input_serializer = TransferRefuseInputSerializer

    @extend_schema(
        operation_id="transfers_cannot_send",
        parameters=[examples.TRANSFER_ID],
        examples=examples.TRANSFER_CANNOT_SEND,
        request=TransferRefuseInputSerializer,
        responses={200: TransferSerializer, **_TRANSFER_ERRORS},
        summary="requested → cancelled, by the sending store when it is short: the order is "
        "sourced from another store, or flagged to the hotline when none has it",
    )
    def post(self, request: Request, transfer_id: str) -> Response:
        return super().post(request, transfer_id)

    def act(self, *, transfer_id: int, by, data: dict) -> None:
        services.order_transfer_refuse(transfer_id=transfer_id, by=by, reason=data["reason"])
