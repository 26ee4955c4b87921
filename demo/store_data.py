"""The demo chain: stores in German cities at the cities' real coordinates, and their staff."""

import datetime
from typing import NamedTuple


class DemoStore(NamedTuple):
    code: str
    city: str
    street: str
    postcode: str
    latitude: float
    longitude: float
    phone: str
    clerk_name: tuple[str, str]


STORES: tuple[DemoStore, ...] = (
    DemoStore(
        "PAS-01",
        "Passau",
        "Neuburger Straße 120",
        "94036",
        48.5665,
        13.4312,
        "+49 851 9660210",
        ("Anna", "Huber"),
    ),
    DemoStore(
        "MUC-01",
        "München",
        "Landsberger Straße 304",
        "80687",
        48.1372,
        11.5756,
        "+49 89 57954410",
        ("Lukas", "Bauer"),
    ),
    DemoStore(
        "BER-01",
        "Berlin",
        "Hermannstraße 214",
        "12049",
        52.5200,
        13.4050,
        "+49 30 62907730",
        ("Mia", "Schulz"),
    ),
    DemoStore(
        "HAM-01",
        "Hamburg",
        "Hammer Landstraße 92",
        "20537",
        53.5511,
        9.9937,
        "+49 40 21098840",
        ("Jonas", "Petersen"),
    ),
    DemoStore(
        "CGN-01",
        "Köln",
        "Aachener Straße 1040",
        "50858",
        50.9375,
        6.9603,
        "+49 221 48903120",
        ("Lea", "Schmitz"),
    ),
    DemoStore(
        "FRA-01",
        "Frankfurt am Main",
        "Hanauer Landstraße 180",
        "60314",
        50.1109,
        8.6821,
        "+49 69 94318850",
        ("Felix", "Wagner"),
    ),
    DemoStore(
        "STR-01",
        "Stuttgart",
        "Heilbronner Straße 320",
        "70469",
        48.7758,
        9.1829,
        "+49 711 85062270",
        ("Emma", "Maier"),
    ),
    DemoStore(
        "DUS-01",
        "Düsseldorf",
        "Königsberger Straße 40",
        "40231",
        51.2277,
        6.7735,
        "+49 211 22959960",
        ("Paul", "Hoffmann"),
    ),
    DemoStore(
        "LEJ-01",
        "Leipzig",
        "Prager Straße 142",
        "04317",
        51.3397,
        12.3731,
        "+49 341 26418830",
        ("Hannah", "Richter"),
    ),
    DemoStore(
        "DRS-01",
        "Dresden",
        "Washingtonstraße 34",
        "01139",
        51.0504,
        13.7373,
        "+49 351 84122190",
        ("Elias", "Krause"),
    ),
    DemoStore(
        "NUE-01",
        "Nürnberg",
        "Regensburger Straße 336",
        "90480",
        49.4521,
        11.0767,
        "+49 911 40078620",
        ("Sophie", "Weber"),
    ),
    DemoStore(
        "HAJ-01",
        "Hannover",
        "Vahrenwalder Straße 245",
        "30179",
        52.3759,
        9.7320,
        "+49 511 63073340",
        ("Leon", "Meyer"),
    ),
    DemoStore(
        "BRE-01",
        "Bremen",
        "Stresemannstraße 15",
        "28207",
        53.0793,
        8.8017,
        "+49 421 43706650",
        ("Marie", "Lange"),
    ),
    DemoStore(
        "DTM-01",
        "Dortmund",
        "Bornstraße 275",
        "44145",
        51.5136,
        7.4653,
        "+49 231 86102280",
        ("Noah", "Becker"),
    ),
    DemoStore(
        "ESS-01",
        "Essen",
        "Altendorfer Straße 460",
        "45143",
        51.4556,
        7.0116,
        "+49 201 36509910",
        ("Lina", "Koch"),
    ),
    DemoStore(
        "REG-01",
        "Regensburg",
        "Straubinger Straße 60",
        "93055",
        49.0134,
        12.1016,
        "+49 941 79808730",
        ("Ben", "Schneider"),
    ),
    DemoStore(
        "AUG-01",
        "Augsburg",
        "Bürgermeister-Ackermann-Straße 96",
        "86156",
        48.3705,
        10.8978,
        "+49 821 44030560",
        ("Clara", "Fischer"),
    ),
    DemoStore(
        "FRE-01",
        "Freiburg im Breisgau",
        "Hermann-Mitsch-Straße 20",
        "79108",
        47.9990,
        7.8421,
        "+49 761 51539940",
        ("Finn", "Zimmermann"),
    ),
    DemoStore(
        "MAN-01",
        "Mannheim",
        "Mallaustraße 70",
        "68219",
        49.4875,
        8.4660,
        "+49 621 87529210",
        ("Ida", "Braun"),
    ),
    DemoStore(
        "KAR-01",
        "Karlsruhe",
        "Durlacher Allee 109",
        "76131",
        49.0069,
        8.4037,
        "+49 721 62723350",
        ("Jakob", "Hartmann"),
    ),
    DemoStore(
        "MST-01",
        "Münster",
        "Weseler Straße 606",
        "48163",
        51.9607,
        7.6261,
        "+49 251 97430640",
        ("Frieda", "Kaiser"),
    ),
    DemoStore(
        "KEL-01",
        "Kiel",
        "Grasweg 46",
        "24118",
        54.3233,
        10.1228,
        "+49 431 54683370",
        ("Mats", "Jensen"),
    ),
    DemoStore(
        "ERF-01",
        "Erfurt",
        "Nordhäuser Straße 73",
        "99089",
        50.9848,
        11.0299,
        "+49 361 60255480",
        ("Greta", "Vogel"),
    ),
    DemoStore(
        "LAN-01",
        "Landshut",
        "Porschestraße 6",
        "84030",
        48.5442,
        12.1469,
        "+49 871 96534120",
        ("Moritz", "Huber"),
    ),
    DemoStore(
        "DEG-01",
        "Deggendorf",
        "Hengersberger Straße 2",
        "94469",
        48.8353,
        12.9644,
        "+49 991 37087750",
        ("Lena", "Ebner"),
    ),
)

# Monday to Friday 08:00-20:00, Saturday 08:00-18:00; closed on Sundays.
WEEKLY_HOURS: tuple[tuple[int, datetime.time, datetime.time], ...] = (
    *((weekday, datetime.time(8), datetime.time(20)) for weekday in range(5)),
    (5, datetime.time(8), datetime.time(18)),
)

# Public holidays in every German state, on which the demo stores are closed.
CLOSED_DAYS: tuple[tuple[datetime.date, str], ...] = (
    (datetime.date(2026, 12, 25), "1. Weihnachtstag"),
    (datetime.date(2026, 12, 26), "2. Weihnachtstag"),
    (datetime.date(2027, 1, 1), "Neujahr"),
    (datetime.date(2027, 3, 26), "Karfreitag"),
    (datetime.date(2027, 3, 29), "Ostermontag"),
    (datetime.date(2027, 5, 1), "Tag der Arbeit"),
)

MANAGED_STORE = "PAS-01"
MANAGER_NAME = ("Stefan", "Gruber")


def clerk_username(store_code: str) -> str:
    return f"clerk.{store_code.lower()}"


def manager_username(store_code: str) -> str:
    return f"manager.{store_code.lower()}"
