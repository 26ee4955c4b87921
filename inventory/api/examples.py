"""OpenAPI examples of the catalogue and stock API, from the demo's products (see
api/examples.py): the cordless drill AKKU-BS-18V and its bit set, in stock in Passau."""

from api.examples import NOT_AUTHENTICATED, error, path_parameter, request, response
from api.schema import query_examples, response_links
from stores.api.examples import LATITUDE, LONGITUDE, STORE

DRILL_SKU = "AKKU-BS-18V"
BIT_SET_SKU = "BIT-SET-32"
DRILL_NAME = "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer"
BIT_SET_NAME = "Bit-Set 32-tlg. mit Bithalter"

SKU = path_parameter(
    "sku",
    "The product's SKU, e.g. AKKU-BS-18V.",
    {"Cordless drill": DRILL_SKU, "Bit set": BIT_SET_SKU},
)

DRILL = {
    "sku": DRILL_SKU,
    "name": DRILL_NAME,
    "name_en": "Cordless drill driver 18V, 2 batteries 2.0 Ah, charger, in a case",
    "description": "Der Akkuschrauber für Haus und Werkstatt: bohrt in Holz, Metall und "
    "Mauerwerk und schraubt mit zwei Gängen und 21 Drehmomentstufen.",
    "description_en": "The cordless drill for home and workshop: drills wood, metal and masonry "
    "and drives screws with two gears and 21 torque settings.",
    "category": "Elektrowerkzeuge",
    "price": "129.00",
    "gtin": "4012345000016",
}

NO_SUCH_PRODUCT = error(
    "No such product", 404, "unknown_sku", "No product with SKU 'AKKU-BS-99V' is sold."
)

PRODUCTS_LIST = [
    response("Search for Akkuschrauber", {"count": 23, "results": [DRILL]}),
]

PRODUCT = [
    response(
        "The cordless drill",
        {
            **DRILL,
            "accessories": [
                {
                    "sku": "AKKU-18V-20AH",
                    "name": "Akku 18V 2,0 Ah Li-Ion",
                    "name_en": "Battery 18V 2.0 Ah Li-ion",
                    "price": "39.95",
                },
                {
                    "sku": BIT_SET_SKU,
                    "name": BIT_SET_NAME,
                    "name_en": "Screwdriver bit set, 32 pieces, with bit holder",
                    "price": "12.99",
                },
            ],
        },
    ),
    NO_SUCH_PRODUCT,
]

AVAILABILITY = [
    response(
        "In stock in Passau",
        {
            "store": STORE,
            "name": "Baumarkt Passau",
            "city": "Passau",
            "distance_km": 0.399,
            "available": 5,
            "in_stock": True,
            "ready_by": "2026-12-03T16:58:00+01:00",
        },
        summary="?lat=48.57&lon=13.43",
    ),
    NO_SUCH_PRODUCT,
]

STOCK_LEVEL = {
    "sku": DRILL_SKU,
    "name": DRILL_NAME,
    "on_hand": 10,
    "reserved": 1,
    "safety_stock": 0,
    "available": 9,
    "updated_at": "2026-12-03T14:57:49.456932+01:00",
}

STOCK_LIST = [
    response("The drill in Passau", {"count": 1, "results": [STOCK_LEVEL]}, summary="?sku="),
    NOT_AUTHENTICATED,
    error("Not this store's staff", 404, "not_found", "No such store among yours."),
]

STOCK_CHANGE = [
    request(
        "Receipt",
        {"sku": DRILL_SKU, "kind": "receipt", "quantity": 4, "reason": "Delivery 4711"},
        summary="Four drills delivered: on hand goes up by 4",
    ),
    request(
        "Count",
        {"sku": BIT_SET_SKU, "kind": "count", "quantity": 12, "reason": "Stock-taking"},
        summary="The shelf holds 12 bit sets: on hand becomes 12",
    ),
    response("Stock after the receipt", STOCK_LEVEL, status=201),
    error(
        "A count without a reason",
        400,
        "invalid",
        "The request is not valid.",
        {"reason": ["Say why the count changes (stock-taking, damage, theft, ...)."]},
    ),
]

_FIRST_PRODUCT = {"sku": "$response.body#/results/0/sku"}
PRODUCTS_LIST_LINKS = response_links(
    200,
    {
        "GetProduct": ("products_retrieve", _FIRST_PRODUCT),
        "GetAvailability": ("products_availability", _FIRST_PRODUCT),
    },
)
_PRODUCT = {"sku": "$response.body#/sku"}
PRODUCT_LINKS = response_links(200, {"GetAvailability": ("products_availability", _PRODUCT)})

PRODUCTS_LIST_QUERY = query_examples("Akkuschrauber", search="Akkuschrauber")
AVAILABILITY_QUERY = query_examples("Near Passau", lat=LATITUDE, lon=LONGITUDE, quantity=1)
STOCK_LIST_QUERY = query_examples("The drill", sku=DRILL_SKU)
