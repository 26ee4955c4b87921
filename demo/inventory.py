"""Demo catalogue and stock: a DIY assortment with the cordless drill of SPEC §1 and its extras.

Stock is written in bulk for speed, each row with the receipt movement that explains it, so the
ledger and the stock rows agree from the start (`reconcile_stock` finds no drift). Only missing
products, links and stock rows are created: running the demo again never resets stock that orders
and staff have changed since.
"""

import random
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction

from inventory.models import Product, StockLevel, StockMovement
from stores.models import Store

Report = Callable[[str], None]

DRILL_SKU = "AKKU-BS-18V"
DEMO_REFERENCE = "seed_demo"
# Fixed quantities the story relies on: the drill is in stock in Passau and sold out in
# Deggendorf, so a shopper there is offered the nearest stores that have it.
FIXED_STOCK = {("PAS-01", DRILL_SKU): 6, ("DEG-01", DRILL_SKU): 0}


class DemoProduct(NamedTuple):
    sku: str
    name: str
    name_en: str
    category: str
    price: Decimal
    accessories: tuple[str, ...] = ()
    description: str = ""
    description_en: str = ""
    # Bestsellers come first among equally good search matches; the drill sells most.
    popularity: int | None = None


def _price(value: str) -> Decimal:
    return Decimal(value)


def _decimal_de(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _decimal_en(value: float) -> str:
    return f"{value:g}"


def _core_products() -> Iterator[DemoProduct]:
    drill_accessories = (
        "BIT-SET-32",
        "HOLZBOHRER-SET-8",
        "STEINBOHRER-SET-5",
        "HSS-BOHRER-SET-19",
        "AKKU-18V-20AH",
        "AKKU-18V-40AH",
        "LADEGERAET-18V",
    )
    power = "Elektrowerkzeuge"
    yield DemoProduct(
        DRILL_SKU,
        "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer",
        "Cordless drill driver 18V, 2 batteries 2.0 Ah, charger, in a case",
        power,
        _price("129.00"),
        drill_accessories,
        description="Der Akkuschrauber für Haus und Werkstatt: bohrt in Holz, Metall und "
        "Mauerwerk und schraubt mit zwei Gängen und 21 Drehmomentstufen. Im Set mit zwei Akkus "
        "2,0 Ah, Schnellladegerät und Koffer.",
        description_en="The cordless drill for home and workshop: drills wood, metal and masonry "
        "and drives screws with two gears and 21 torque settings. Comes with two 2.0 Ah "
        "batteries, a fast charger and a case.",
        popularity=950,
    )
    yield DemoProduct(
        "AKKU-BS-18V-SOLO",
        "Akku-Bohrschrauber 18V, ohne Akku und Ladegerät",
        "Cordless drill driver 18V, bare tool without battery and charger",
        power,
        _price("69.95"),
        drill_accessories,
        description="Der Akkuschrauber ohne Akku und Ladegerät, für jeden 18V-Akku der Serie.",
        description_en="The cordless drill without battery and charger, for every 18V battery "
        "of the range.",
        popularity=310,
    )
    yield DemoProduct(
        "AKKU-SS-18V",
        'Akku-Schlagschrauber 18V, 1/4" Innensechskant, ohne Akku',
        'Cordless impact driver 18V, 1/4" hex, without battery',
        power,
        _price("89.00"),
        ("BIT-SET-32", "AKKU-18V-20AH", "AKKU-18V-40AH", "LADEGERAET-18V"),
        description="Schlagschrauber für lange Schrauben und festsitzende Muttern, 180 Nm.",
        description_en="Impact driver for long screws and stuck nuts, 180 Nm.",
        popularity=240,
    )
    yield DemoProduct(
        "AKKU-18V-20AH",
        "Akku 18V 2,0 Ah Li-Ion",
        "Battery 18V 2.0 Ah Li-ion",
        "Akkus",
        _price("39.95"),
        popularity=520,
    )
    yield DemoProduct(
        "AKKU-18V-40AH",
        "Akku 18V 4,0 Ah Li-Ion",
        "Battery 18V 4.0 Ah Li-ion",
        "Akkus",
        _price("69.95"),
        popularity=430,
    )
    yield DemoProduct(
        "LADEGERAET-18V", "Schnellladegerät 18V", "Fast charger 18V", "Akkus", _price("34.95")
    )
    yield DemoProduct(
        "BIT-SET-32",
        "Bit-Set 32-tlg. mit Bithalter",
        "Screwdriver bit set, 32 pieces, with bit holder",
        "Bits",
        _price("12.99"),
        popularity=610,
    )
    yield DemoProduct(
        "HOLZBOHRER-SET-8",
        "Holzspiralbohrer-Set 8-tlg., 3-10 mm",
        "Wood drill bit set, 8 pieces, 3-10 mm",
        "Bohrer",
        _price("14.99"),
    )
    yield DemoProduct(
        "STEINBOHRER-SET-5",
        "Steinbohrer-Set 5-tlg., 4-10 mm",
        "Masonry drill bit set, 5 pieces, 4-10 mm",
        "Bohrer",
        _price("9.99"),
    )
    yield DemoProduct(
        "HSS-BOHRER-SET-19",
        "HSS-Metallbohrer-Set 19-tlg., 1-10 mm",
        "HSS metal drill bit set, 19 pieces, 1-10 mm",
        "Bohrer",
        _price("24.99"),
    )
    for sku, name, name_en, price in (
        (
            "AKKU-BS-12V",
            "Akku-Bohrschrauber 12V, 1 Akku 2,0 Ah",
            "Cordless drill driver 12V, 1 battery 2.0 Ah",
            "79.00",
        ),
        ("SCHLAGBOHR-750W", "Schlagbohrmaschine 750 W", "Hammer drill 750 W", "59.95"),
        (
            "BOHRHAMMER-SDS-800W",
            "Bohrhammer SDS-plus 800 W",
            "Rotary hammer SDS-plus 800 W",
            "119.00",
        ),
        ("STICHSAEGE-650W", "Stichsäge 650 W, Pendelhub", "Jigsaw 650 W, pendulum action", "64.95"),
        (
            "WINKELSCHLEIFER-125",
            "Winkelschleifer 125 mm, 900 W",
            "Angle grinder 125 mm, 900 W",
            "49.95",
        ),
        (
            "EXZENTER-125",
            "Exzenterschleifer 125 mm, 350 W",
            "Random orbit sander 125 mm, 350 W",
            "69.00",
        ),
        (
            "HANDKREISSAEGE-1200W",
            "Handkreissäge 1200 W, Schnitttiefe 55 mm",
            "Circular saw 1200 W, 55 mm cutting depth",
            "99.00",
        ),
        (
            "MULTITOOL-18V",
            "Akku-Multifunktionswerkzeug 18V, ohne Akku",
            "Cordless multi-tool 18V, without battery",
            "79.95",
        ),
        ("HEISSLUFT-2000W", "Heißluftpistole 2000 W", "Heat gun 2000 W", "34.95"),
        ("KAPPSAEGE-210", "Kapp- und Gehrungssäge 210 mm", "Mitre saw 210 mm", "149.00"),
        (
            "TISCHKREISSAEGE-254",
            "Tischkreissäge 254 mm, 1800 W",
            "Table saw 254 mm, 1800 W",
            "229.00",
        ),
        (
            "AKKU-STICHSAEGE-18V",
            "Akku-Stichsäge 18V, ohne Akku",
            "Cordless jigsaw 18V, without battery",
            "89.95",
        ),
    ):
        accessories = ("AKKU-18V-20AH", "AKKU-18V-40AH", "LADEGERAET-18V") if "18V" in sku else ()
        popularity = 280 if sku == "AKKU-BS-12V" else None
        yield DemoProduct(
            sku, name, name_en, power, _price(price), accessories, popularity=popularity
        )


def _fasteners_and_drill_bits() -> Iterator[DemoProduct]:
    screw_sizes = (
        (3.0, 16), (3.0, 20), (3.5, 25), (3.5, 30), (3.5, 35), (4.0, 30), (4.0, 40), (4.0, 50),
        (4.5, 40), (4.5, 50), (4.5, 60), (5.0, 50), (5.0, 60), (5.0, 70), (5.0, 80), (6.0, 80),
        (6.0, 100), (6.0, 120),
    )  # fmt: skip
    for diameter, length in screw_sizes:
        count = 200 if length <= 50 else 100
        yield DemoProduct(
            f"SCHRAUBE-{int(diameter * 10)}X{length}",
            f"Spanplattenschraube {diameter:.1f} x {length} mm, Senkkopf, verzinkt, "
            f"{count} Stück".replace(".", ","),
            f"Chipboard screw {diameter:.1f} x {length} mm, countersunk, zinc-plated, "
            f"{count} pieces",
            "Schrauben",
            _price(f"{3.49 + diameter * length / 60:.2f}"),
        )
    for size in (5, 6, 8, 10, 12, 14):
        yield DemoProduct(
            f"DUEBEL-{size}",
            f"Universaldübel {size} mm, {100 if size <= 8 else 50} Stück",
            f"Universal wall plug {size} mm, {100 if size <= 8 else 50} pieces",
            "Dübel",
            _price(f"{2.99 + size * 0.5:.2f}"),
        )
    for size in (3, 4, 5, 6, 8, 10, 12):
        price = _price(f"{1.49 + size * 0.3:.2f}")
        yield DemoProduct(
            f"HOLZBOHRER-{size}",
            f"Holzspiralbohrer {size} mm",
            f"Wood drill bit {size} mm",
            "Bohrer",
            price,
        )
    for size in (4, 5, 6, 8, 10, 12, 14, 16):
        price = _price(f"{1.29 + size * 0.35:.2f}")
        yield DemoProduct(
            f"STEINBOHRER-{size}",
            f"Steinbohrer {size} mm",
            f"Masonry drill bit {size} mm",
            "Bohrer",
            price,
        )
    for size in (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13):
        yield DemoProduct(
            f"HSS-BOHRER-{size}",
            f"HSS-Metallbohrer {size} mm, geschliffen",
            f"HSS metal drill bit {size} mm, ground",
            "Bohrer",
            _price(f"{0.99 + size * 0.45:.2f}"),
        )


def _paints() -> Iterator[DemoProduct]:
    painting = ("MALERROLLE-25", "FARBWANNE-25", "ABDECKFOLIE-4X5", "MALERKREPP-30")
    for color, color_en in (
        ("Weiß", "white"), ("Altweiß", "off-white"), ("Sandbeige", "sand beige"),
        ("Hellgrau", "light grey"), ("Salbeigrün", "sage green"), ("Taubenblau", "dove blue"),
        ("Terrakotta", "terracotta"), ("Sonnengelb", "sunflower yellow"),
    ):  # fmt: skip
        for litres, base in ((2.5, 12.99), (5, 21.99), (10, 36.99)):
            yield DemoProduct(
                f"WANDFARBE-{_slug(color)}-{_decimal_de(litres).replace(',', '')}L",
                f"Wandfarbe {color}, matt, {_decimal_de(litres)} l",
                f"Wall paint {color_en}, matt, {_decimal_en(litres)} l",
                "Farben",
                _price(f"{base + (0 if color == 'Weiß' else 3):.2f}"),
                painting,
            )
    for color, color_en in (
        ("Reinweiß", "pure white"), ("Tiefschwarz", "jet black"), ("Enzianblau", "gentian blue"),
        ("Feuerrot", "fire red"), ("Moosgrün", "moss green"), ("Lichtgrau", "light grey"),
    ):  # fmt: skip
        for millilitres, price in ((375, "9.99"), (750, "16.99")):
            yield DemoProduct(
                f"BUNTLACK-{_slug(color)}-{millilitres}",
                f"Buntlack {color}, seidenmatt, {millilitres} ml",
                f"Enamel paint {color_en}, satin, {millilitres} ml",
                "Lacke",
                _price(price),
                ("PINSEL-SET-3",),
            )
    for shade, shade_en in (
        ("Eiche hell", "light oak"), ("Teak", "teak"), ("Nussbaum", "walnut"), ("Kiefer", "pine"),
        ("Palisander", "rosewood"), ("Farblos", "clear"),
    ):  # fmt: skip
        for size, size_en, price in (("750 ml", "750 ml", "11.99"), ("2,5 l", "2.5 l", "29.99")):
            yield DemoProduct(
                f"LASUR-{_slug(shade)}-{size.replace(' ', '').replace(',', '').upper()}",
                f"Holzlasur {shade}, {size}",
                f"Wood stain {shade_en}, {size_en}",
                "Lasuren",
                _price(price),
                ("PINSEL-SET-3",),
            )


def _hand_tools() -> Iterator[DemoProduct]:
    for sku, name, name_en, price in (
        (
            "HAMMER-300",
            "Schlosserhammer 300 g, Hickorystiel",
            "Engineer's hammer 300 g, hickory handle",
            "9.99",
        ),
        (
            "HAMMER-500",
            "Schlosserhammer 500 g, Hickorystiel",
            "Engineer's hammer 500 g, hickory handle",
            "12.99",
        ),
        ("KLAUENHAMMER-450", "Klauenhammer 450 g", "Claw hammer 450 g", "14.99"),
        ("GUMMIHAMMER-60", "Gummihammer 60 mm", "Rubber mallet 60 mm", "8.49"),
        (
            "SCHRAUBENDREHER-SET-6",
            "Schraubendreher-Set 6-tlg.",
            "Screwdriver set, 6 pieces",
            "16.99",
        ),
        ("KOMBIZANGE-180", "Kombizange 180 mm", "Combination pliers 180 mm", "11.99"),
        ("SEITENSCHNEIDER-160", "Seitenschneider 160 mm", "Side cutters 160 mm", "10.99"),
        ("WASSERPUMPENZANGE-250", "Wasserpumpenzange 250 mm", "Water pump pliers 250 mm", "13.99"),
        (
            "MAULSCHLUESSEL-SET-8",
            "Doppelmaulschlüssel-Satz 8-tlg., 6-22 mm",
            "Open-end spanner set, 8 pieces, 6-22 mm",
            "19.99",
        ),
        (
            "RINGMAUL-SET-12",
            "Ringmaulschlüssel-Satz 12-tlg., 8-19 mm",
            "Combination spanner set, 12 pieces, 8-19 mm",
            "34.99",
        ),
        (
            "STECKSCHLUESSEL-SET-24",
            'Steckschlüsselsatz 1/2" 24-tlg.',
            'Socket set 1/2", 24 pieces',
            "39.99",
        ),
        ("INBUS-SET-9", "Innensechskantschlüssel-Satz 9-tlg.", "Hex key set, 9 pieces", "7.99"),
        ("CUTTER-18", "Cuttermesser 18 mm", "Utility knife 18 mm", "4.99"),
        (
            "ABBRECHKLINGEN-18",
            "Abbrechklingen 18 mm, 10 Stück",
            "Snap-off blades 18 mm, 10 pieces",
            "3.49",
        ),
        ("ZOLLSTOCK-2M", "Gliedermaßstab 2 m, Holz", "Folding rule 2 m, wood", "6.99"),
        ("MASSBAND-5M", "Maßband 5 m", "Tape measure 5 m", "7.99"),
        ("MASSBAND-8M", "Maßband 8 m", "Tape measure 8 m", "10.99"),
        ("FUCHSSCHWANZ-450", "Fuchsschwanz 450 mm", "Hand saw 450 mm", "14.99"),
        ("JAPANSAEGE-240", "Japansäge 240 mm", "Japanese pull saw 240 mm", "19.99"),
        ("METALLSAEGE-300", "Metallbügelsäge 300 mm", "Hacksaw 300 mm", "12.99"),
        ("ZWINGE-300", "Schraubzwinge 300 mm", "Screw clamp 300 mm", "8.99"),
        ("ZWINGE-500", "Schraubzwinge 500 mm", "Screw clamp 500 mm", "11.99"),
        ("EINHANDZWINGE-150", "Einhandzwinge 150 mm", "One-handed clamp 150 mm", "9.99"),
        ("SPACHTEL-SET-4", "Spachtel-Set 4-tlg.", "Filling knife set, 4 pieces", "6.99"),
        ("KARTUSCHENPRESSE", "Kartuschenpresse, Stahl", "Caulking gun, steel", "7.49"),
        ("MALERROLLE-25", "Malerrolle 25 cm mit Bügel", "Paint roller 25 cm with frame", "7.99"),
        ("FARBWANNE-25", "Farbwanne 25 cm", "Paint tray 25 cm", "2.99"),
        ("PINSEL-SET-3", "Flachpinsel-Set 3-tlg.", "Flat brush set, 3 pieces", "5.99"),
        ("ABDECKFOLIE-4X5", "Abdeckfolie 4 x 5 m", "Dust sheet 4 x 5 m", "2.49"),
        ("MALERKREPP-30", "Malerkrepp 30 mm x 50 m", "Masking tape 30 mm x 50 m", "3.99"),
        ("WERKZEUGKOFFER-LEER", "Werkzeugkoffer, leer, 48 cm", "Tool case, empty, 48 cm", "24.99"),
        ("HANDSCHUHE-9", "Arbeitshandschuhe, Größe 9", "Work gloves, size 9", "3.99"),
        ("HANDSCHUHE-10", "Arbeitshandschuhe, Größe 10", "Work gloves, size 10", "3.99"),
        ("SCHUTZBRILLE", "Schutzbrille, klar", "Safety glasses, clear", "5.99"),
        ("GEHOERSCHUTZ", "Kapselgehörschutz", "Ear defenders", "12.99"),
        ("FFP2-10", "Atemschutzmaske FFP2, 10 Stück", "FFP2 respirator mask, 10 pieces", "9.99"),
    ):
        yield DemoProduct(sku, name, name_en, "Handwerkzeuge", _price(price))
    for length in (40, 60, 80, 100, 120, 200):
        yield DemoProduct(
            f"WASSERWAAGE-{length}",
            f"Wasserwaage {length} cm, Aluminium",
            f"Spirit level {length} cm, aluminium",
            "Messwerkzeuge",
            _price(f"{9.99 + length * 0.15:.2f}"),
        )
    for grit in (40, 60, 80, 120, 180, 240):
        yield DemoProduct(
            f"SCHLEIFPAPIER-K{grit}",
            f"Schleifpapier K{grit}, 5 Bogen",
            f"Sandpaper P{grit}, 5 sheets",
            "Schleifmittel",
            _price("3.99"),
        )
        yield DemoProduct(
            f"SCHLEIFSCHEIBE-125-K{grit}",
            f"Klett-Schleifscheiben 125 mm K{grit}, 10 Stück",
            f"Hook-and-loop sanding discs 125 mm P{grit}, 10 pieces",
            "Schleifmittel",
            _price("6.49"),
        )


def _wood_garden_and_home() -> Iterator[DemoProduct]:
    for section, lengths, base in (("45X70", (2.0, 2.5, 3.0), 4.5), ("58X58", (2.0, 3.0), 4.0)):
        for length in lengths:
            yield DemoProduct(
                f"KANTHOLZ-{section}-{int(length * 10)}",
                f"Kantholz Fichte {section.replace('X', ' x ').lower()} mm, "
                f"{_decimal_de(length)} m",
                f"Spruce timber {section.replace('X', ' x ').lower()} mm, {_decimal_en(length)} m",
                "Holz",
                _price(f"{base * length:.2f}"),
            )
    for length in (2.0, 2.5, 3.0):
        yield DemoProduct(
            f"RAHMENHOLZ-24X48-{int(length * 10)}",
            f"Rahmenholz Fichte 24 x 48 mm, {_decimal_de(length)} m",
            f"Spruce batten 24 x 48 mm, {_decimal_en(length)} m",
            "Holz",
            _price(f"{1.6 * length:.2f}"),
        )
    for length, width in ((200, 40), (200, 60), (200, 80), (120, 40), (120, 60)):
        yield DemoProduct(
            f"LEIMHOLZ-18-{length}X{width}",
            f"Leimholzplatte Fichte 18 mm, {length} x {width} cm",
            f"Spruce laminated panel 18 mm, {length} x {width} cm",
            "Holz",
            _price(f"{length * width / 450:.2f}"),
        )
    for inch, metres, price in (
        ("1/2", 20, "24.99"), ("1/2", 25, "29.99"), ("1/2", 50, "49.99"), ("3/4", 25, "39.99"),
        ("3/4", 50, "69.99"),
    ):  # fmt: skip
        yield DemoProduct(
            f"SCHLAUCH-{inch.replace('/', '')}-{metres}",
            f'Gartenschlauch {inch}", {metres} m',
            f'Garden hose {inch}", {metres} m',
            "Garten",
            _price(price),
        )
    for sku, name, name_en, category, price in (
        ("BLUMENERDE-20", "Blumenerde 20 l", "Potting soil 20 l", "Garten", "3.99"),
        ("BLUMENERDE-40", "Blumenerde 40 l", "Potting soil 40 l", "Garten", "5.99"),
        ("BLUMENERDE-70", "Blumenerde 70 l", "Potting soil 70 l", "Garten", "8.99"),
        ("KUEBELERDE-40", "Kübelpflanzenerde 40 l", "Container plant soil 40 l", "Garten", "7.49"),
        ("RASENDUENGER-5", "Rasendünger 5 kg", "Lawn fertiliser 5 kg", "Garten", "14.99"),
        ("RASENDUENGER-10", "Rasendünger 10 kg", "Lawn fertiliser 10 kg", "Garten", "24.99"),
        (
            "RASENSAMEN-1",
            "Rasensamen Sport und Spiel 1 kg",
            "Lawn seed, sport and play, 1 kg",
            "Garten",
            "9.99",
        ),
        (
            "RASENSAMEN-25",
            "Rasensamen Sport und Spiel 2,5 kg",
            "Lawn seed, sport and play, 2.5 kg",
            "Garten",
            "21.99",
        ),
        ("RINDENMULCH-60", "Rindenmulch 60 l", "Bark mulch 60 l", "Garten", "6.49"),
        ("GARTENSCHERE", "Gartenschere, Bypass", "Secateurs, bypass", "Garten", "14.99"),
        ("SPATEN", "Spaten, Stahl, Eschenstiel", "Spade, steel, ash handle", "Garten", "24.99"),
        ("RECHEN-14", "Rechen 14 Zinken", "Rake, 14 tines", "Garten", "12.99"),
        (
            "SILIKON-WEISS",
            "Sanitär-Silikon weiß, 310 ml",
            "Sanitary silicone white, 310 ml",
            "Sanitär",
            "6.99",
        ),
        (
            "SILIKON-TRANSPARENT",
            "Sanitär-Silikon transparent, 310 ml",
            "Sanitary silicone clear, 310 ml",
            "Sanitär",
            "6.99",
        ),
        (
            "SILIKON-GRAU",
            "Sanitär-Silikon grau, 310 ml",
            "Sanitary silicone grey, 310 ml",
            "Sanitär",
            "6.99",
        ),
        (
            "SILIKON-ANTHRAZIT",
            "Sanitär-Silikon anthrazit, 310 ml",
            "Sanitary silicone anthracite, 310 ml",
            "Sanitär",
            "6.99",
        ),
        (
            "ACRYL-WEISS",
            "Maler-Acryl weiß, 310 ml",
            "Decorator's acrylic white, 310 ml",
            "Sanitär",
            "3.99",
        ),
        (
            "MONTAGEKLEBER-310",
            "Montagekleber, 310 g",
            "Construction adhesive, 310 g",
            "Sanitär",
            "7.99",
        ),
        (
            "PU-SCHAUM-750",
            "PU-Montageschaum, 750 ml",
            "PU expanding foam, 750 ml",
            "Sanitär",
            "8.99",
        ),
        (
            "DUSCHKOPF-3",
            "Handbrause, 3 Strahlarten",
            "Hand shower, 3 spray modes",
            "Sanitär",
            "19.99",
        ),
        (
            "SPUELTISCHARMATUR",
            "Einhebel-Spültischarmatur, schwenkbar",
            "Single-lever kitchen tap, swivel spout",
            "Sanitär",
            "59.00",
        ),
        (
            "WASCHTISCHARMATUR",
            "Einhebel-Waschtischarmatur, Chrom",
            "Single-lever basin tap, chrome",
            "Sanitär",
            "49.00",
        ),
        ("SIPHON-1-14", 'Röhrensiphon 1 1/4"', 'Tubular trap 1 1/4"', "Sanitär", "9.99"),
        ("VERLAENGERUNG-5M", "Verlängerungskabel 5 m", "Extension cable 5 m", "Elektro", "8.99"),
        (
            "VERLAENGERUNG-10M",
            "Verlängerungskabel 10 m",
            "Extension cable 10 m",
            "Elektro",
            "12.99",
        ),
        ("KABELTROMMEL-25", "Kabeltrommel 25 m", "Cable reel 25 m", "Elektro", "34.99"),
        ("KABELTROMMEL-50", "Kabeltrommel 50 m", "Cable reel 50 m", "Elektro", "54.99"),
        (
            "STECKDOSENLEISTE-3",
            "Steckdosenleiste 3-fach mit Schalter",
            "Power strip, 3 sockets, with switch",
            "Elektro",
            "7.99",
        ),
        (
            "STECKDOSENLEISTE-5",
            "Steckdosenleiste 5-fach mit Schalter",
            "Power strip, 5 sockets, with switch",
            "Elektro",
            "10.99",
        ),
        (
            "STECKDOSENLEISTE-6",
            "Steckdosenleiste 6-fach, Überspannungsschutz",
            "Power strip, 6 sockets, surge protection",
            "Elektro",
            "19.99",
        ),
        (
            "ISOLIERBAND",
            "Isolierband 15 mm x 10 m, schwarz",
            "Insulating tape 15 mm x 10 m, black",
            "Elektro",
            "1.99",
        ),
        (
            "VERBINDUNGSKLEMMEN",
            "Verbindungsklemmen-Set, 60 Stück",
            "Connector terminal set, 60 pieces",
            "Elektro",
            "12.99",
        ),
    ):
        yield DemoProduct(sku, name, name_en, category, _price(price))
    for base, watts, price in (
        ("E27", (5.5, 8.5, 11, 15), "3.49"), ("E14", (4, 6), "3.29"), ("GU10", (4.5,), "2.99"),
    ):  # fmt: skip
        for watt in watts:
            for light in ("warmweiß", "neutralweiß"):
                yield DemoProduct(
                    f"LED-{base}-{_decimal_de(watt).replace(',', '')}W-{_slug(light)[:2]}",
                    f"LED-Leuchtmittel {base}, {_decimal_de(watt)} W, {light}",
                    f"LED bulb {base}, {_decimal_en(watt)} W, {LIGHT_EN[light]}",
                    "Leuchtmittel",
                    _price(price),
                )


LIGHT_EN = {"warmweiß": "warm white", "neutralweiß": "neutral white"}


def _slug(text: str) -> str:
    replacements = {"ä": "AE", "ö": "OE", "ü": "UE", "ß": "SS", " ": "-"}
    return "".join(replacements.get(char, char) for char in text.lower()).upper()


def gtin13(number: int) -> str:
    """A GTIN-13 from our company prefix and an item number, with its check digit."""
    body = f"4012345{number:05d}"
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def demo_catalogue() -> list[DemoProduct]:
    return [
        *_core_products(),
        *_fasteners_and_drill_bits(),
        *_paints(),
        *_hand_tools(),
        *_wood_garden_and_home(),
    ]


def demo_on_hand(store_code: str, product: DemoProduct) -> int:
    """The demo's stock of a product at a store: the same on every run, different per store."""
    if (store_code, product.sku) in FIXED_STOCK:
        return FIXED_STOCK[(store_code, product.sku)]
    chance = random.Random(zlib.crc32(f"{store_code}:{product.sku}".encode()))
    if chance.random() < 0.08:
        return 0
    big_ticket = product.price >= 50
    return chance.randint(1, 8) if big_ticket else chance.randint(3, 60)


CATALOGUE_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "category",
    "price",
    "popularity",
)


def demo_popularity(product: DemoProduct) -> int:
    """How well a product sells in the demo: the same on every run; the drill sells most."""
    if product.popularity is not None:
        return product.popularity
    return random.Random(zlib.crc32(product.sku.encode())).randint(0, 200)


def _catalogue_fields(item: DemoProduct) -> dict[str, object]:
    fields = {name: getattr(item, name) for name in CATALOGUE_FIELDS if name != "popularity"}
    return {**fields, "popularity": demo_popularity(item)}


@transaction.atomic
def demo_products_seed(*, report: Report) -> list[Product]:
    """Creates the missing demo products and their accessory links."""
    catalogue = demo_catalogue()
    by_sku = {item.sku: item for item in catalogue}
    existing = set(Product.objects.values_list("sku", flat=True))
    Product.objects.bulk_create(
        [
            Product(
                sku=item.sku,
                gtin=gtin13(number),
                **_catalogue_fields(item),
            )
            for number, item in enumerate(catalogue, start=1)
            if item.sku not in existing
        ]
    )
    # Products seeded before they had English names and descriptions get them now.
    Product.objects.bulk_update(
        [
            Product(pk=pk, **_catalogue_fields(by_sku[sku]))
            for pk, sku in Product.objects.filter(sku__in=by_sku, name_en="").values_list(
                "pk", "sku"
            )
        ],
        fields=list(CATALOGUE_FIELDS),
    )
    ids = dict(
        Product.objects.filter(sku__in=[item.sku for item in catalogue]).values_list("sku", "pk")
    )
    links = Product.accessories.through
    links.objects.bulk_create(
        [
            links(from_product_id=ids[item.sku], to_product_id=ids[accessory])
            for item in catalogue
            for accessory in item.accessories
        ],
        ignore_conflicts=True,
    )
    created = len({item.sku for item in catalogue} - existing)
    report(f"products: {len(ids)} demo products ({created} new)")
    return list(Product.objects.filter(pk__in=ids.values()))


@transaction.atomic
def demo_stock_seed(*, stores: list[Store], report: Report) -> None:
    """Creates each missing stock row of the demo stores with a receipt movement explaining it."""
    catalogue = {item.sku: item for item in demo_catalogue()}
    products = dict(Product.objects.filter(sku__in=catalogue).values_list("pk", "sku"))
    store_codes = {store.pk: store.code for store in stores}
    existing = set(
        StockLevel.objects.filter(store_id__in=store_codes).values_list("store_id", "product_id")
    )
    missing = [
        (store_id, product_id)
        for store_id in store_codes
        for product_id in products
        if (store_id, product_id) not in existing
    ]
    StockLevel.objects.bulk_create(
        [
            StockLevel(
                store_id=store_id,
                product_id=product_id,
                on_hand=demo_on_hand(store_codes[store_id], catalogue[products[product_id]]),
            )
            for store_id, product_id in missing
        ],
        batch_size=2000,
    )
    created = set(missing)
    # Read back rather than rely on bulk_create returning primary keys on every database.
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                stock_level_id=level_id,
                kind=StockMovement.Kind.RECEIPT,
                on_hand_delta=on_hand,
                reference=DEMO_REFERENCE,
                reason="Opening stock of the demo",
            )
            for level_id, store_id, product_id, on_hand in StockLevel.objects.filter(
                store_id__in=store_codes
            ).values_list("pk", "store_id", "product_id", "on_hand")
            if (store_id, product_id) in created and on_hand > 0
        ],
        batch_size=2000,
    )
    total = StockLevel.objects.filter(store_id__in=store_codes).count()
    report(f"stock: {total} stock rows in {len(stores)} stores ({len(missing)} new)")
