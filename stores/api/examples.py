"""OpenAPI examples of the stores API, from the demo's stores (see api/examples.py)."""

from api.examples import error, path_parameter, response
from api.schema import query_examples, response_links

STORE = "PAS-01"
STORE_CITY = "Passau"
# A point in the middle of Passau.
LATITUDE, LONGITUDE = 48.5665, 13.4312

STORE_CODE = path_parameter(
    "code", "The store's code, e.g. PAS-01.", {"Passau": STORE, "München": "MUC-01"}
)

WEEK = [
    *({"weekday": day, "opens": "08:00:00", "closes": "20:00:00"} for day in range(5)),
    {"weekday": 5, "opens": "08:00:00", "closes": "18:00:00"},
]

STORES_LIST = [
    response(
        "Nearest to Passau",
        {
            "code": STORE,
            "name": "Baumarkt Passau",
            "address": {
                "street": "Neuburger Straße 120",
                "postcode": "94036",
                "city": STORE_CITY,
                "country": "DE",
            },
            "latitude": LATITUDE,
            "longitude": LONGITUDE,
            "timezone": "Europe/Berlin",
            "phone": "+49 851 9660210",
            "curbside_enabled": True,
            "pickup_hold_days": 7,
            "opening_hours": WEEK,
            "distance_km": 0.0,
        },
        summary="?lat=48.5665&lon=13.4312&limit=1",
    ),
    error(
        "lat without lon",
        400,
        "invalid",
        "The request is not valid.",
        {"lon": ["Give both lat and lon, or neither."]},
    ),
]

_FIRST_STORE = {"code": "$response.body#/0/code"}
STORES_LIST_LINKS = response_links(
    200,
    {
        "GetPickupSlots": ("stores_pickup_slots", _FIRST_STORE),
        "GetStock": ("stores_stock_list", _FIRST_STORE),
    },
)

STORES_LIST_QUERY = query_examples("Near Passau", lat=LATITUDE, lon=LONGITUDE, limit=2)
