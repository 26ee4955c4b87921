"""OpenAPI examples of the exchanges, returns, customers and courier API (see api/examples.py).

The demo's exchange: the hotline took back Frau Müller's broken drill collected in Passau and
reserved a replacement there. RMA and order numbers are drawn at random when the demo is seeded,
so they show their shape; opening a case answers a real one, and the schema's links lead on from
it.
"""

from api.examples import CUSTOMER_ID, NOT_AUTHENTICATED, error, path_parameter, request, response
from api.schema import query_examples, response_links
from inventory.api.examples import DRILL_NAME, DRILL_SKU
from orders.api.examples import ORDER_NUMBER
from stores.api.examples import STORE

RMA_NUMBER = "RMA-ZA92H2S"
REPLACEMENT_NUMBER = "FPVDJCXT"
COURIER_PROVIDER = "sandbox"

NUMBER = path_parameter(
    "number", "The case's RMA number, as opening it answered.", {"An RMA number": RMA_NUMBER}
)

PROVIDER = path_parameter(
    "provider",
    "The courier provider the webhook is configured for.",
    {"The sandbox courier": COURIER_PROVIDER},
)

COLLECTION = {
    "address": {
        "name": "Erika Müller",
        "line1": "Ludwigstraße 5",
        "postcode": "94032",
        "city": "Passau",
        "country": "DE",
    },
    "date": "2026-12-04",
    "window_start": "09:00",
    "window_end": "12:00",
    "phone": "+49851123456",
}

BOOKING = {
    "reference": "CB-8D242BE85E8B",
    "provider": COURIER_PROVIDER,
    "state": "requested",
    "carrier_booking_id": "",
    "tracking_url": "",
    "pickup_date": "2026-12-04",
    "window_start": "09:00:00",
    "window_end": "12:00:00",
    "tracking_number": "",
    "attempts": 0,
    "last_error": "",
    "booked_at": None,
    "picked_up_at": None,
}


def case(**changes) -> dict:
    """The demo's exchange as GET /api/v1/returns/{number}/ shows it."""
    return {
        "number": RMA_NUMBER,
        "state": "awaiting_courier",
        "reason": "defective",
        "resolution": "replacement",
        "opened_by": "agent",
        "channel": "hotline",
        "order": {"number": ORDER_NUMBER, "state": "collected"},
        "replacement_order": {"number": REPLACEMENT_NUMBER, "state": "reserved"},
        "receiving_store": STORE,
        "lines": [
            {
                "sku": DRILL_SKU,
                "name": DRILL_NAME,
                "quantity": 1,
                "quantity_received": 0,
                "condition": "",
            }
        ],
        "courier_booking": BOOKING,
        "courier_bookings": [BOOKING],
        "needs_attention": False,
        "attention_reason": "",
        "refunded_amount": "0.00",
        "opened_at": "2026-12-04T08:15:00+01:00",
        "received_at": None,
        "closed_at": None,
        **changes,
    }


NO_SUCH_CASE = error("No such case", 404, "return_not_found", "No such return case.")
AGENTS_ONLY = error(
    "Not an agent", 403, "permission_denied", "You do not have permission to perform this action."
)

EXCHANGE = [
    request(
        "Broken drill, replacement in Passau",
        {
            "order_number": ORDER_NUMBER,
            "lines": [{"sku": DRILL_SKU, "quantity": 1}],
            "reason": "defective",
            "replacement_store": STORE,
            "collection": COLLECTION,
        },
        summary="The courier collects tomorrow 09:00-12:00; the replacement is reserved now",
    ),
    response("Exchange opened", case(), status=201),
    error(
        "Window in the past",
        400,
        "invalid_collection_window",
        "The courier window must be in the future and end after it starts.",
        {"collection.date": ["The window has already started or passed."]},
    ),
    AGENTS_ONLY,
    error(
        "Not collected yet",
        409,
        "order_not_collected",
        f"Order {ORDER_NUMBER} is reserved, not collected.",
    ),
]

RETURN = [
    request(
        "Handed in at the counter",
        {
            "order_number": ORDER_NUMBER,
            "lines": [{"sku": DRILL_SKU, "quantity": 1, "condition": "resellable"}],
            "reason": "not_wanted",
            "hand_in_store": STORE,
        },
        summary="Received at once, refunded",
    ),
    request(
        "Collected by courier",
        {
            "order_number": ORDER_NUMBER,
            "lines": [{"sku": DRILL_SKU, "quantity": 1}],
            "reason": "damaged",
            "collection": COLLECTION,
        },
    ),
    response(
        "Refund return received",
        case(
            state="received",
            reason="not_wanted",
            resolution="refund",
            replacement_order=None,
            lines=[
                {
                    "sku": DRILL_SKU,
                    "name": DRILL_NAME,
                    "quantity": 1,
                    "quantity_received": 1,
                    "condition": "resellable",
                }
            ],
            courier_booking=None,
            courier_bookings=[],
            opened_by="store",
            channel="store",
            refunded_amount="129.00",
            received_at="2026-12-04T08:15:00+01:00",
        ),
        status=201,
    ),
    error(
        "Courier and hand-in together",
        400,
        "invalid",
        "The request is not valid.",
        {"hand_in_store": ["Either a courier collection or a store hand-in, not both."]},
    ),
    error("No such order", 404, "not_found", "No such order."),
]

RETURN_CASE = [
    response("The demo's exchange", case()),
    NOT_AUTHENTICATED,
    NO_SUCH_CASE,
]

RECEIVE = [
    request(
        "The broken drill arrives",
        {"lines": [{"sku": DRILL_SKU, "quantity": 1, "condition": "defective"}]},
        summary="Defective: written off, not back on hand",
    ),
    response(
        "Received",
        case(
            state="received",
            received_at="2026-12-05T10:30:00+01:00",
            lines=[
                {
                    "sku": DRILL_SKU,
                    "name": DRILL_NAME,
                    "quantity": 1,
                    "quantity_received": 1,
                    "condition": "defective",
                }
            ],
        ),
    ),
    error(
        "Not the receiving store",
        403,
        "permission_denied",
        "Only staff of the receiving store may receive this return.",
    ),
    NO_SUCH_CASE,
]

CUSTOMER_ERIKA = {
    "id": CUSTOMER_ID,
    "name": "Erika Müller",
    "email": "erika.mueller.0@kunden.example.com",
    "phone": "+4915155500000",
    "language": "de",
    "preferred_channel": "email",
}

CUSTOMERS = [
    response(
        "Müller",
        {
            **CUSTOMER_ERIKA,
            "last_order": {
                "number": ORDER_NUMBER,
                "placed_at": "2026-12-03T11:00:04+01:00",
                "city": "Passau",
            },
        },
        summary="?search=Müller (also Mueller, an e-mail, a phone, an order or RMA number)",
    ),
    AGENTS_ONLY,
]

TIMELINE = [
    response(
        "Newsletter, order, exchange",
        {
            "customer": CUSTOMER_ERIKA,
            "entries": [
                {
                    "at": "2026-12-03T07:42:00+01:00",
                    "kind": "newsletter_click",
                    "channel": "newsletter",
                    "title": "Clicked the newsletter “Werkzeugwochen” (" + DRILL_NAME + ")",
                    "order_number": "",
                    "case_number": "",
                },
                {
                    "at": "2026-12-03T11:00:04+01:00",
                    "kind": "order_placed",
                    "channel": "web",
                    "title": f"Order {ORDER_NUMBER} placed (web) for {STORE} from the campaign "
                    "werkzeugwochen",
                    "order_number": ORDER_NUMBER,
                    "case_number": "",
                },
                {
                    "at": "2026-12-04T08:15:00+01:00",
                    "kind": "exchange_opened",
                    "channel": "hotline",
                    "title": f"Exchange {RMA_NUMBER} opened",
                    "order_number": ORDER_NUMBER,
                    "case_number": RMA_NUMBER,
                },
            ],
            "complete": True,
        },
    ),
    error(
        "latest out of range",
        400,
        "invalid",
        "The request is not valid.",
        {"latest": ["Ensure this value is less than or equal to 1000."]},
    ),
    AGENTS_ONLY,
    error("No such customer", 404, "not_found", "No such customer."),
]

WEBHOOK = [
    request(
        "Picked up",
        {
            "event_id": "evt-20261204-0001",
            "booking_reference": "SBX-4F7A2C",
            "status": "picked_up",
            "occurred_at": "2026-12-04T10:12:00+01:00",
        },
        summary="Signed: X-Courier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>",
    ),
    response("Applied", {"status": "applied"}),
    error("Bad signature", 401, "invalid_signature", "malformed signature header"),
    error("No such provider", 404, "not_found", "No such courier provider."),
]


# --- links: from an answer to what can be done next with the case or customer it names ---------

_CASE = {"number": "$response.body#/number"}
CASE_OPENED_LINKS = response_links(
    201,
    {
        "GetCase": ("returns_retrieve", _CASE),
        "ReceiveCase": ("returns_receive", _CASE),
        "GetReplacementOrder": (
            "orders_retrieve",
            {"number": "$response.body#/replacement_order/number"},
        ),
    },
)
RETURN_OPENED_LINKS = response_links(
    201, {"GetCase": ("returns_retrieve", _CASE), "ReceiveCase": ("returns_receive", _CASE)}
)
CASE_LINKS = response_links(200, {"ReceiveCase": ("returns_receive", _CASE)})
_FIRST_CUSTOMER = {"customer_id": "$response.body#/0/id"}
CUSTOMERS_LINKS = response_links(
    200,
    {
        "GetTimeline": ("customers_timeline", _FIRST_CUSTOMER),
        "GetConsents": ("customer_consents", _FIRST_CUSTOMER),
    },
)

CUSTOMERS_QUERY = query_examples("Müller", search="Müller")
