"""`python -m bench search`: how fast the catalogue search answers at 100,000 products.

Loads 100,000 generated products (German and English names and descriptions from a DIY
vocabulary, so that a broad word such as "drill" matches about a sixth of them) plus the demo
catalogue with the story's cordless drill, and times a page of search results as the API answers
it (the count and the first 20 products) for broad words, the story's words, typos, a SKU and a
GTIN. The baseline in the same run is the search before this one: every word as a substring of
the German name (`icontains`), ordered by SKU. It also says whether each story word still finds
the cordless drill first among 100,000 products.
"""

import argparse
import time
from collections.abc import Callable, Sequence

from bench.harness import (
    add_binding_argument,
    django_setup,
    machine_load,
    percentile,
    print_result,
    print_table,
    progress,
    scratch_database,
)

PAGE = 20
# German and English nouns of a DIY range; a generated product is one of them with a brand, a
# size and a series number.
NOUNS = (
    ("Akku-Bohrschrauber", "cordless drill driver"),
    ("Schlagbohrmaschine", "hammer drill"),
    ("Holzspiralbohrer", "wood drill bit"),
    ("Steinbohrer", "masonry drill bit"),
    ("HSS-Metallbohrer", "HSS metal drill bit"),
    ("Bohrhammer", "rotary hammer"),
    ("Stichsäge", "jigsaw"),
    ("Handkreissäge", "circular saw"),
    ("Winkelschleifer", "angle grinder"),
    ("Schraubendreher", "screwdriver"),
    ("Spanplattenschraube", "chipboard screw"),
    ("Holzschraube", "wood screw"),
    ("Universaldübel", "wall plug"),
    ("Schlosserhammer", "engineer's hammer"),
    ("Kombizange", "combination pliers"),
    ("Wandfarbe", "wall paint"),
    ("Buntlack", "enamel paint"),
    ("Holzlasur", "wood stain"),
    ("Flachpinsel", "flat brush"),
    ("Gartenschlauch", "garden hose"),
    ("Blumenerde", "potting soil"),
    ("LED-Leuchtmittel", "LED bulb"),
    ("Verlängerungskabel", "extension cable"),
    ("Steckdosenleiste", "power strip"),
    ("Bodenfliese", "floor tile"),
    ("Sanitär-Silikon", "sanitary silicone"),
    ("Schleifpapier", "sandpaper"),
    ("Wasserwaage", "spirit level"),
    ("Maßband", "tape measure"),
    ("Stehleiter", "step ladder"),
    ("Steckregal", "shelving unit"),
    ("Schraubzwinge", "screw clamp"),
)
BRANDS = ("Profi", "Basic", "Comfort", "Expert", "Eco", "Max", "Plus", "Compact", "Pro", "Home")
WORDS = (
    ("broad", "drill"),
    ("broad", "Bohrer"),
    ("broad", "Schraube"),
    ("broad", "Akku"),
    ("broad", "paint"),
    ("story", "Akku-Schrauber"),
    ("story", "Akkuschrauber"),
    ("story", "Akku Schrauber"),
    ("story", "Schrauber"),
    ("story", "cordless drill"),
    ("typo", "Akkuschruber"),
    ("typo", "Wasserwage"),
    ("typo", "screwdriwer"),
    ("code", "AKKU-BS-18V"),
    ("code", "2000000012345"),
    ("none", "Kettensäge"),
)
STORY_SKU = "AKKU-BS-18V"


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench search", description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=40, help="timed searches per word")
    parser.add_argument("--warmup", type=int, default=3, help="untimed searches per word first")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the substring search before this one"
    )
    add_binding_argument(parser)
    return parser.parse_args(argv)


def _sql_array(values: Sequence[str]) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def _load(products: int) -> None:
    from django.db import connection

    from demo.inventory import demo_products_seed
    from inventory.models import Product

    started = time.monotonic()
    german = _sql_array([german for german, _ in NOUNS])
    english = _sql_array([english for _, english in NOUNS])
    brands = _sql_array(BRANDS)
    nouns = len(NOUNS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            INSERT INTO {Product._meta.db_table} (sku, name, name_en, description,
                description_en, category, price, gtin, is_active, popularity)
            SELECT 'GEN-' || lpad(g::text, 7, '0'),
                ({brands})[1 + g %% {len(BRANDS)}] || ' ' || ({german})[1 + (g / 7) %% {nouns}]
                    || ' ' || (1 + g %% 97) || ' mm, Serie ' || g,
                ({brands})[1 + g %% {len(BRANDS)}] || ' ' || ({english})[1 + (g / 7) %% {nouns}]
                    || ' ' || (1 + g %% 97) || ' mm, series ' || g,
                'Für Haus, Garten und Werkstatt: ' || ({german})[1 + (g / 7) %% {nouns}]
                    || ' in Markenqualität.',
                'For home, garden and workshop: ' || ({english})[1 + (g / 7) %% {nouns}]
                    || ', brand quality.',
                'Bench', round((1 + random() * 200)::numeric, 2),
                '2' || lpad(g::text, 12, '0'), g %% 50 <> 0, (random() * 200)::int
            FROM generate_series(1, %s::int) AS g
            """,
            [products],
        )
    demo_products_seed(report=progress)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    progress(
        f"loaded {products} products and the demo catalogue in {time.monotonic() - started:.1f}s"
    )


def _baseline_page(query: str) -> tuple[int, list]:
    """The search before this one: each word a substring of the German name, SKU start, GTIN."""
    from django.db.models import Q

    from api.fields import page
    from inventory.models import Product

    products = Product.objects.filter(is_active=True).order_by("sku")
    for word in query.split():
        products = products.filter(
            Q(name__icontains=word) | Q(sku__istartswith=word) | Q(gtin=word)
        )
    return page(products, limit=PAGE, offset=0)


def _search_page(query: str) -> tuple[int, list]:
    from api.fields import page
    from inventory.selectors import product_list

    return page(product_list(search=query), limit=PAGE, offset=0)


def _timings(call: Callable[[], object], *, iterations: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def _run(options: argparse.Namespace) -> dict:
    searches: dict[str, Callable[[str], tuple[int, list]]] = {"search": _search_page}
    if not options.no_baseline:
        searches["baseline"] = _baseline_page
    rows = []
    every: dict[str, list[float]] = {name: [] for name in searches}
    broad: dict[str, list[float]] = {name: [] for name in searches}
    story_first: dict[str, bool] = {}
    for kind, word in WORDS:
        row: list[object] = [f"{word} ({kind})"]
        for name, search in searches.items():
            progress(f"measuring {name}: {word!r}")
            count, products = search(word)
            timings = _timings(
                lambda search=search, word=word: search(word),
                iterations=options.iterations,
                warmup=options.warmup,
            )
            every[name].extend(timings)
            if kind == "broad":
                broad[name].extend(timings)
            first = products[0].sku if products else "-"
            if kind == "story":
                story_first[f"{name}:{word}"] = first == STORY_SKU
            row += [
                count,
                first,
                f"{percentile(timings, 0.50):.1f}",
                f"{percentile(timings, 0.95):.1f}",
            ]
        rows.append(row)
    header: list[str] = ["word"]
    for name in searches:
        header += [f"{name} found", f"{name} first", f"{name} p50", f"{name} p95"]
    print_table(
        f"search: {options.products} products, {options.iterations} searches per word, "
        f"count and first page of {PAGE} (milliseconds)",
        header,
        rows,
    )
    result: dict[str, object] = {
        "benchmark": "search",
        "products": options.products,
        "iterations": options.iterations,
        "server_side_binding": options.server_side_binding,
    }
    for name in searches:
        for label, timings in (("all", sorted(every[name])), ("broad", sorted(broad[name]))):
            result[f"{name}_p50_ms_{label}"] = round(percentile(timings, 0.50), 2)
            result[f"{name}_p95_ms_{label}"] = round(percentile(timings, 0.95), 2)
    result["story_words_find_the_drill_first"] = all(
        found for key, found in story_first.items() if key.startswith("search:")
    )
    if not options.no_baseline:
        result["baseline_story_words_finding_the_drill_first"] = sum(
            found for key, found in story_first.items() if key.startswith("baseline:")
        )
    result.update(machine_load())
    print(
        f"search p95 over every word: {result['search_p95_ms_all']} ms; broad words: "
        f"{result['search_p95_ms_broad']} ms"
    )
    return result


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    with scratch_database("search") as database_url:
        django_setup(database_url, server_side_binding=options.server_side_binding)
        _load(options.products)
        result = _run(options)
    print_result(result)
    return 0
