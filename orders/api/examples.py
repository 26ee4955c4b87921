"""OpenAPI examples of the orders, pickup-slot and transfer API (see api/examples.py).

Frau Müller orders the cordless drill and a bit set for pickup in Passau; the clerk picks, marks
ready and hands over. Order numbers are drawn at random when the demo is seeded, so ORDER_NUMBER
shows their shape (8 characters, no 0/O, 1/I/L, 2/Z, 5/S or 8/B); placing an order answers a real
one, and the schema's links lead from there to the order's other operations. The demo's two
transfers are seeded first, so a fresh demo numbers them 1 (on its way to Passau, for Passau to
receive) and 2 (for Passau to send to Deggendorf).
"""

from api.examples import NOT_AUTHENTICATED, error, path_parameter, request, response
from api.schema import query_examples, response_links
from inventory.api.examples import BIT_SET_NAME, BIT_SET_SKU, DRILL_NAME, DRILL_SKU
from stores.api.examples import STORE

ORDER_NUMBER = "KG6DUE7U"
ACCESS_TOKEN = "3843b9c09e4b374297bf4b4586fab8e09331b828"
PLACED_AT = "2026-12-03T11:00:04.060522+01:00"
READY_BY = "2026-12-03T13:00:00+01:00"
TRANSFER_INCOMING, TRANSFER_TO_SEND = 1, 2
# The Deggendorf order that transfer 2 serves.
WAITING_ORDER = "REQ3GNCN"

NUMBER = path_parameter(
    "number", "The order's number, as placing it answered.", {"An order number": ORDER_NUMBER}
)

TRANSFER_ID = path_parameter(
    "transfer_id",
    "The transfer's id (`id` in the list of transfers).",
    {
        "On its way to Passau": str(TRANSFER_INCOMING),
        "For Passau to send": str(TRANSFER_TO_SEND),
    },
)


def _line(sku: str, name: str, price: str, **quantities) -> dict:
    return {
        "sku": sku,
        "name": name,
        "quantity": 1,
        "unit_price": price,
        "quantity_cancelled": 0,
        "quantity_sourcing": 0,
        "quantity_collected": 0,
        **quantities,
    }


LINES = [
    _line(DRILL_SKU, DRILL_NAME, "129.00"),
    _line(BIT_SET_SKU, BIT_SET_NAME, "12.99"),
]


def _step(event: str, to: str, previous: str, actor: str | None, at: str = PLACED_AT) -> dict:
    return {"at": at, "event": event, "to": to, "actor": actor, "reason": "", "from": previous}


TIMELINE = [
    _step("place", "placed", "", None),
    _step("reserve", "reserved", "placed", None),
    _step("start_picking", "picking", "reserved", "clerk.pas-01", "2026-12-03T11:20:00+01:00"),
    _step("mark_ready", "ready_for_pickup", "picking", "clerk.pas-01", "2026-12-03T11:41:00+01:00"),
]


def order_detail(state: str, *, steps: int, actions: list[str], **changes) -> dict:
    """The order as GET /api/v1/orders/{number}/ shows it to a clerk, in `state`."""
    return {
        "number": ORDER_NUMBER,
        "state": state,
        "kind": "standard",
        "channel": "web",
        "pickup_store": {"code": STORE, "name": "Baumarkt Passau"},
        "customer": {
            "name": "Erika Müller",
            "email": "erika.mueller@example.com",
            "phone": "+49851123456",
        },
        "pickup_slot": None,
        "curbside": False,
        "allow_transfer": False,
        "payment_method": "card",
        "payment": {
            "method": "card",
            "state": "authorized",
            "text": "Card: the amount is reserved on your card and charged only when you collect.",
            "mandate_reference": None,
        },
        "currency": "EUR",
        "subtotal": "141.99",
        "total": "141.99",
        "campaign": "werkzeugwochen",
        "notify_by": ["email", "sms"],
        "lines": LINES,
        "placed_at": PLACED_AT,
        "ready_by": READY_BY,
        "ready_at": None,
        "hold_until": None,
        "collected_at": None,
        "cancelled_at": None,
        "cancel_reason": "",
        "expired_at": None,
        "hand_over_locked": False,
        "timeline": TIMELINE[:steps],
        "available_actions": actions,
        "pickup_code": None,
        **changes,
    }


READY = order_detail(
    "ready_for_pickup",
    steps=4,
    actions=["cancel", "hand_over"],
    ready_at="2026-12-03T11:41:00+01:00",
    hold_until="2026-12-10T11:41:00+01:00",
)

NO_SUCH_ORDER = error("No such order", 404, "not_found", "No such order.")


def wrong_state(state: str, transition: str, verb: str) -> object:
    return error(
        f"Not from {state}",
        409,
        "invalid_transition",
        f"An order in state {state} cannot {verb}.",
        state=state,
        transition=transition,
    )


ORDERS_LIST = [
    response(
        "Ready in Passau",
        {
            "count": 3,
            "results": [
                {
                    "number": ORDER_NUMBER,
                    "state": "ready_for_pickup",
                    "kind": "standard",
                    "channel": "web",
                    "pickup_store": STORE,
                    "customer_name": "Erika Müller",
                    "pickup_slot": {
                        "start": "2026-12-03T18:00:00+01:00",
                        "end": "2026-12-03T19:00:00+01:00",
                    },
                    "curbside": False,
                    "placed_at": PLACED_AT,
                    "ready_by": READY_BY,
                    "hold_until": "2026-12-10T11:41:00+01:00",
                    "total": "141.99",
                    "lines": LINES,
                }
            ],
        },
        summary="?store=PAS-01&state=ready_for_pickup",
    ),
    NOT_AUTHENTICATED,
]

ORDERS_PLACE = [
    request(
        "Drill and bits for pickup in Passau",
        {
            "customer": {
                "email": "erika.mueller@example.com",
                "name": "Erika Müller",
                "phone": "0851 123456",
            },
            "pickup_store": STORE,
            "lines": [{"sku": DRILL_SKU, "quantity": 1}, {"sku": BIT_SET_SKU, "quantity": 1}],
            "payment_method": "card",
            "campaign": "werkzeugwochen",
            "notify_by": ["email", "sms"],
        },
        summary="Card: authorized now, captured at hand-over",
    ),
    request(
        "Pay in store, by transfer if need be",
        {
            "customer": {"email": "franz.brunner@example.com", "name": "Franz Brunner"},
            "pickup_store": STORE,
            "lines": [{"sku": DRILL_SKU, "quantity": 2}],
            "payment_method": "pay_in_store",
            "allow_transfer": True,
        },
        summary="Should Passau run out, the order waits in sourcing for a transfer",
    ),
    response(
        "Placed",
        {
            "number": ORDER_NUMBER,
            "state": "reserved",
            "access_token": ACCESS_TOKEN,
            "pickup_store": STORE,
            "ready_by": READY_BY,
            "total": "141.99",
            "currency": "EUR",
        },
        status=201,
    ),
    error(
        "Invalid input",
        400,
        "invalid",
        "The request is not valid.",
        {
            "customer": {"email": ["Enter a valid email address."]},
            "lines": {"non_field_errors": ["This list may not be empty."]},
        },
    ),
    error(
        "Sold out at the pickup store",
        409,
        "insufficient_stock",
        "Not enough stock at the pickup store.",
        {"lines": [{"sku": DRILL_SKU, "requested": 1, "available": 0}]},
        alternatives=[
            {"store": STORE, "name": "Baumarkt Passau", "distance_km": 45.5, "available": 5},
            {"store": "REG-01", "name": "Baumarkt Regensburg", "distance_km": 66.1, "available": 2},
        ],
    ),
]

ORDER = [
    response("Ready for pickup", READY, summary="As the clerk sees it"),
    response(
        "As the shopper sees it",
        {
            **READY,
            "timeline": [{**step, "actor": None} for step in TIMELINE],
            "available_actions": ["cancel"],
            "pickup_code": "675097",
        },
        summary="With X-Order-Token: the pickup code, and no employee's name",
    ),
    NOT_AUTHENTICATED,
    NO_SUCH_ORDER,
]

CANCEL = [
    request("Changed my mind", {"reason": "Found it cheaper"}),
    response(
        "Cancelled",
        order_detail(
            "cancelled",
            steps=2,
            actions=[],
            cancelled_at="2026-12-03T11:10:00+01:00",
            cancel_reason="Found it cheaper",
            payment={
                "method": "card",
                "state": "nothing_charged",
                "text": "Card: nothing has been charged; any reservation is released.",
                "mandate_reference": None,
            },
        ),
    ),
    wrong_state("collected", "cancel", "cancel"),
    NO_SUCH_ORDER,
]

START_PICKING = [
    response(
        "Picking",
        order_detail("picking", steps=3, actions=["cancel", "mark_ready", "report_shortage"]),
    ),
    wrong_state("ready_for_pickup", "start_picking", "start picking"),
    NO_SUCH_ORDER,
]

MARK_READY = [
    response("Ready", READY),
    wrong_state("reserved", "mark_ready", "mark ready"),
    NO_SUCH_ORDER,
]

REPORT_SHORTAGE = [
    request(
        "The bit set is missing",
        {"lines": [{"sku": BIT_SET_SKU, "quantity": 1}]},
        summary="No transfer allowed: the missing unit is cancelled and picking starts again",
    ),
    response(
        "Back to reserved without the bit set",
        order_detail(
            "reserved",
            steps=2,
            actions=["cancel", "start_picking"],
            lines=[LINES[0], {**LINES[1], "quantity_cancelled": 1}],
            subtotal="129.00",
            total="129.00",
        ),
    ),
    wrong_state("reserved", "report_shortage", "report shortage"),
    NO_SUCH_ORDER,
]

HAND_OVER = [
    request("The shopper's code", {"pickup_code": "675 097"}, summary="Spaces and dashes ignored"),
    request(
        "Manager's override",
        {"override_reason": "Shopper lost the message; identity card checked"},
    ),
    response(
        "Collected",
        order_detail(
            "collected",
            steps=4,
            actions=[],
            ready_at="2026-12-03T11:41:00+01:00",
            hold_until="2026-12-10T11:41:00+01:00",
            collected_at="2026-12-03T18:05:00+01:00",
            lines=[{**line, "quantity_collected": 1} for line in LINES],
            # Answered before the worker captured: the capture is queued with the hand-over.
            payment={
                "method": "card",
                "state": "capture_pending",
                "text": "Card: you collected; the amount is being charged now.",
                "mandate_reference": None,
            },
        ),
    ),
    error(
        "Code of the wrong length",
        400,
        "invalid_pickup_code",
        "A pickup code has 6 digits.",
        {"pickup_code": ["Six digits."]},
    ),
    wrong_state("reserved", "hand_over", "hand over"),
    error(
        "Wrong code",
        422,
        "wrong_pickup_code",
        "The pickup code is not right.",
        attempts_left=4,
    ),
]

PICKUP_SLOTS = [
    response(
        "Tonight in Passau",
        {"start": "2026-12-03T18:00:00+01:00", "end": "2026-12-03T19:00:00+01:00", "available": 20},
        summary="?sku=AKKU-BS-18V&quantity=1",
    ),
    error(
        "Outside the bookable days",
        400,
        "invalid",
        "No slots on this day.",
        {"date": ["Choose a day from 2026-12-03 to 2026-12-17."]},
    ),
    error("No such store", 404, "not_found", "No such store takes click-and-collect orders."),
]


def transfer(state: str, actions: list[str], **changes) -> dict:
    """Transfer 2 of the demo: Passau sends a drill to Deggendorf for an order waiting there."""
    return {
        "id": TRANSFER_TO_SEND,
        "number": "T00002",
        "state": state,
        "source_store": {"code": STORE, "name": "Baumarkt Passau"},
        "destination_store": {"code": "DEG-01", "name": "Baumarkt Deggendorf"},
        "lines": [{"sku": DRILL_SKU, "name": DRILL_NAME, "quantity": 1}],
        "order": {
            "number": WAITING_ORDER,
            "state": "sourcing",
            "ready_by": "2026-12-05T16:58:00+01:00",
        },
        "requested_at": "2026-12-03T07:57:03.417882+01:00",
        "shipped_at": None,
        "received_at": None,
        "cancelled_at": None,
        "cancel_reason": "",
        "available_actions": actions,
        **changes,
    }


NO_SUCH_TRANSFER = error("No such transfer", 404, "not_found", "No such transfer.")

TRANSFERS_LIST = [
    response(
        "Passau's to send",
        {"count": 1, "results": [transfer("requested", ["ship", "cannot_send"])]},
        summary="?store=PAS-01&direction=outgoing",
    ),
    NOT_AUTHENTICATED,
]

TRANSFER_SHIP = [
    response(
        "In transit",
        transfer("in_transit", [], shipped_at="2026-12-03T14:57:49.686206+01:00"),
    ),
    error(
        "Already shipped",
        409,
        "invalid_transfer_state",
        "A transfer that is in transit cannot ship.",
    ),
    NO_SUCH_TRANSFER,
]

TRANSFER_RECEIVE = [
    response(
        "Received in Deggendorf",
        transfer(
            "received",
            [],
            shipped_at="2026-12-03T14:57:49.686206+01:00",
            received_at="2026-12-04T09:12:00+01:00",
            order={"number": WAITING_ORDER, "state": "reserved", "ready_by": READY_BY},
        ),
    ),
    error(
        "Not shipped yet",
        409,
        "invalid_transfer_state",
        "A transfer that is requested cannot receive.",
    ),
    NO_SUCH_TRANSFER,
]

TRANSFER_CANNOT_SEND = [
    request("The shelf is empty", {"reason": "Shelf empty, last unit damaged"}),
    response(
        "Cancelled: another store is asked",
        transfer(
            "cancelled",
            [],
            cancelled_at="2026-12-03T15:02:00+01:00",
            cancel_reason="Shelf empty, last unit damaged",
        ),
    ),
    error(
        "Already shipped",
        409,
        "invalid_transfer_state",
        "A transfer that is in transit was already sent.",
    ),
    NO_SUCH_TRANSFER,
]


# --- links: from an answer to what can be done next with the object it names -------------------

# Links carry the order's number only: the caller follows them as who they are (the store's staff
# or an agent). A shopper adds the answer's access_token as X-Order-Token themselves.
_ORDER = {"number": "$response.body#/number"}
_FIRST_ORDER = {"number": "$response.body#/results/0/number"}
_FIRST_TRANSFER = {"transfer_id": "$response.body#/results/0/id"}
_TRANSFER = {"transfer_id": "$response.body#/id"}


def _order_steps(parameters: dict, *names: str) -> dict:
    operations = {
        "GetOrder": "orders_retrieve",
        "CancelOrder": "orders_cancel",
        "StartPicking": "orders_start_picking",
        "MarkReady": "orders_mark_ready",
        "ReportShortage": "orders_report_shortage",
        "HandOver": "orders_hand_over",
    }
    return {name: (operations[name], parameters) for name in names}


PLACE_LINKS = response_links(
    201,
    {
        **_order_steps(_ORDER, "GetOrder", "CancelOrder", "StartPicking", "ReportShortage"),
    },
)
ORDERS_LIST_LINKS = response_links(
    200, _order_steps(_FIRST_ORDER, "GetOrder", "StartPicking", "MarkReady", "HandOver")
)
ORDER_LINKS = response_links(
    200, _order_steps(_ORDER, "CancelOrder", "StartPicking", "MarkReady", "HandOver")
)
START_PICKING_LINKS = response_links(
    200, _order_steps(_ORDER, "MarkReady", "ReportShortage", "GetOrder")
)
MARK_READY_LINKS = response_links(200, _order_steps(_ORDER, "HandOver", "CancelOrder", "GetOrder"))
TRANSITION_LINKS = response_links(200, _order_steps(_ORDER, "GetOrder"))

TRANSFERS_LIST_LINKS = response_links(
    200,
    {
        "ShipTransfer": ("transfers_ship", _FIRST_TRANSFER),
        "ReceiveTransfer": ("transfers_receive", _FIRST_TRANSFER),
        "CannotSendTransfer": ("transfers_cannot_send", _FIRST_TRANSFER),
    },
)
TRANSFER_SHIP_LINKS = response_links(200, {"ReceiveTransfer": ("transfers_receive", _TRANSFER)})
TRANSFER_DONE_LINKS = response_links(
    200, {"GetOrder": ("orders_retrieve", {"number": "$response.body#/order/number"})}
)

ORDERS_LIST_QUERY = query_examples("Ready in Passau", store=STORE, state="ready_for_pickup")
PICKUP_SLOTS_QUERY = query_examples("For the drill", sku=DRILL_SKU, quantity=1)
TRANSFERS_LIST_QUERY = query_examples("Passau's to send", store=STORE, direction="outgoing")
