"""Reads about the catalogue and stock: products, and where an order can be collected and when.

Availability answers in a fixed number of queries whatever the number of stores: the stores with
their stock row of the product (one LEFT JOIN), then their opening hours and closures; near a
point with a limit or radius, a light query of coordinates ranks the stores first. Stock is read
as plain values, never as model instances, and distances are measured in Python, because this runs
on every product page and across hundreds of stores.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config.db import model_from_row
from config.exceptions import InvalidInput
from inventory.exceptions import InvalidQuantity, UnknownProduct
from inventory.models import Product, StockLevel, Transfer, available_to_promise
from inventory.search import product_ids_ranked
from stores.models import Store
from stores.selectors import (
    distance_km,
    ready_by_from_schedule,
    store_ids_by_distance,
    store_list_for_click_and_collect,
    store_schedules_cached,
    validate_point,
)

_NOT_COMPUTED = object()


@dataclass(frozen=True)
class StoreAvailability:
    """What one store can promise: `available` units (for several lines, the fewest any line has),
    `in_stock` when every asked quantity is there, and when the order could be collected."""

    store: Store
    distance_km: float | None
    available: int
    in_stock: bool
    ready_by: datetime.datetime | None
    available_by_product: Mapping[int, int] = field(default_factory=dict, compare=False)


def store_and_products_get(
    *, store_code: str, skus: Sequence[str]
) -> tuple[Store | None, dict[str, Product]]:
    """The store with this code (None when there is none, active or not) and the products on
    sale among these SKUs, by SKU, in one query: what an order names, read at once."""
    quote = connection.ops.quote_name
    store_fields = Store._meta.concrete_fields
    product_fields = Product._meta.concrete_fields
    columns = [f"store.{quote(field.column)}" for field in store_fields] + [
        f"product.{quote(field.column)}" for field in product_fields
    ]
    skus = list(dict.fromkeys(skus))
    sku_match = f"product.sku IN ({', '.join(['%s'] * len(skus))})" if skus else "1 = 0"
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Store._meta.db_table)} store "
        f"LEFT JOIN {quote(Product._meta.db_table)} product "
        f"ON {sku_match} AND product.is_active "
        "WHERE store.code = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*skus, store_code])
        rows = cursor.fetchall()
    if not rows:
        return None, {}
    store = model_from_row(Store, rows[0][: len(store_fields)])
    products = {}
    for row in rows:
        product_values = row[len(store_fields) :]
        if product_values[0] is not None:
            product = model_from_row(Product, product_values)
            products[product.sku] = product
    return store, products


def product_get_by_sku(*, sku: str, include_inactive: bool = False) -> Product:
    """The product with this SKU; raises UnknownProduct (also for a product no longer sold)."""
    products = Product.objects.all() if include_inactive else Product.objects.filter(is_active=True)
    try:
        return products.get(sku=sku)
    except Product.DoesNotExist:
        raise UnknownProduct(f"No product with SKU {sku!r} is sold.") from None


def _gtin_normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def product_map_by_code(*, codes: Iterable[str]) -> dict[str, Product]:
    """Products by what a clerk types or scans at goods-in: the SKU in any letter case, or the
    GTIN (spaces and dashes ignored). Keys are the codes as given, stripped; a code that names
    nothing is left out. Discontinued products count (their goods still arrive). One query."""
    wanted = {code.strip() for code in codes if code and code.strip()}
    if not wanted:
        return {}
    condition = Q(pk__in=[])
    for code in wanted:
        condition |= Q(sku__iexact=code)
        gtin = _gtin_normalise(code)
        if gtin.isdigit():
            condition |= Q(gtin=gtin)
    candidates = list(Product.objects.filter(condition).order_by("pk"))
    found = {}
    for code in wanted:
        gtin = _gtin_normalise(code)
        # The exact SKU first, then the SKU in another letter case, then the GTIN.
        for matches in (
            lambda product, code=code: product.sku == code,
            lambda product, code=code: product.sku.lower() == code.lower(),
            lambda product, gtin=gtin: bool(gtin) and product.gtin == gtin,
        ):
            product = next(filter(matches, candidates), None)
            if product is not None:
                found[code] = product
                break
    return found


def product_list(*, search: str = "") -> QuerySet[Product]:
    """Products on sale: without `search` by SKU; with it the catalogue search's matches, best
    first (inventory.search: names and descriptions in German and English, parts of compounds,
    typos, the SKU or its start, the GTIN), at most MAX_RESULTS of them."""
    products = Product.objects.filter(is_active=True)
    if not search.strip():
        return products.order_by("sku")
    ranked = product_ids_ranked(search)
    if connection.vendor == "postgresql":
        position = RawSQL(f"array_position(%s::bigint[], {Product._meta.db_table}.id)", (ranked,))
    else:
        position = Case(
            *(When(pk=pk, then=Value(index)) for index, pk in enumerate(ranked)),
            output_field=IntegerField(),
        )
    return products.filter(pk__in=ranked).order_by(position)


def product_list_accessories_available(
    *, product: Product, store_id: int, limit: int = 3
) -> list[Product]:
    """Up to `limit` of the product's accessories on sale and available to promise at this store."""
    return list(
        product.accessories.filter(is_active=True, stock_levels__store_id=store_id)
        .annotate(promisable=available_to_promise("stock_levels__"))
        .filter(promisable__gt=0)
        .order_by("sku")[:limit]
    )


def stock_level_list_for_store(*, store_id: int, sku: str = "") -> QuerySet[StockLevel]:
    """The stock rows of one store with their products, by SKU; `sku` narrows to one product."""
    levels = StockLevel.objects.filter(store_id=store_id).select_related("product")
    if sku:
        levels = levels.filter(product__sku=sku)
    return levels.order_by("product__sku")


def _validate_quantity(quantity: int, name: str = "quantity") -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(fields={name: ["Must be a whole number of at least 1."]})


def _require_aware(now: datetime.datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput("now must carry a time zone.", fields={"now": ["Needs a time zone."]})


STORE_FIELDS = tuple(field.attname for field in Store._meta.concrete_fields)


def _store_from_values(values: Sequence[object], db: str) -> Store:
    """A Store loaded from the database, built the way unpickling builds one: Model.__init__
    checks every field one by one, which is most of the time of an availability answer across
    hundreds of stores. Store has no relation fields, so its state is its column values."""
    store = Store.__new__(Store)
    store.__dict__.update(zip(STORE_FIELDS, values, strict=True))
    store._state = ModelState()
    store._state.adding = False
    store._state.db = db
    return store


def _stores_with_stock_of(
    stores: QuerySet[Store], product_id: int
) -> list[tuple[Store, int | None]]:
    """(store, units available to promise, None without a stock row) in one query.

    Read as value rows: the per-row work of a model queryset with annotations costs more than
    the query itself when hundreds of stores answer.
    """
    rows = stores.annotate(
        stock=FilteredRelation("stock_levels", condition=Q(stock_levels__product_id=product_id)),
        stock_id=F("stock__id"),
        stock_available=available_to_promise("stock__"),
    ).values_list(*STORE_FIELDS, "stock_id", "stock_available")
    width = len(STORE_FIELDS)
    answer = []
    for row in rows:
        stock_id, available = row[width:]
        answer.append(
            (_store_from_values(row[:width], rows.db), None if stock_id is None else available)
        )
    return answer


def _availability(
    *,
    ranked: list[tuple[Store, float | None]],
    units: Mapping[tuple[int, int], int],
    wanted: Mapping[int, int],
    now: datetime.datetime,
    among: QuerySet[Store],
) -> list[StoreAvailability]:
    schedules = store_schedules_cached(
        stores=[store for store, _ in ranked],
        today=now.astimezone(datetime.UTC).date(),
        among=among,
    )
    # Stores with the same hours share one schedule object: each is computed once per call.
    ready_by_cache: dict[tuple[int, bool], datetime.datetime | None] = {}
    several = len(wanted) > 1
    answer = []
    for store, distance in ranked:
        store_id = store.id
        if several:
            by_product = {product_id: units.get((store_id, product_id), 0) for product_id in wanted}
            available = min(by_product.values())
            in_stock = all(by_product[product] >= quantity for product, quantity in wanted.items())
        else:
            ((product_id, quantity),) = wanted.items()
            available = units.get((store_id, product_id), 0)
            in_stock = available >= quantity
            by_product = {product_id: available}
        schedule = schedules[store_id]
        key = (id(schedule), in_stock)
        ready_by = ready_by_cache.get(key, _NOT_COMPUTED)
        if ready_by is _NOT_COMPUTED:
            ready_by = ready_by_cache[key] = ready_by_from_schedule(
                schedule, now=now, via_transfer=not in_stock
            )
        answer.append(
            StoreAvailability(
                store=store,
                distance_km=None if distance is None else round(distance, 3),
                available=available,
                in_stock=in_stock,
                ready_by=ready_by,
                available_by_product=by_product,
            )
        )
    return answer


def availability_for_sku(
    *,
    product: Product,
    quantity: int = 1,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_km: float | None = None,
    limit: int | None = None,
    now: datetime.datetime | None = None,
) -> list[StoreAvailability]:
    """Every click-and-collect store (nearest first, or by code without a point) with what it can
    promise of this product; stores without a stock row have 0. At most 4 queries."""
    _validate_quantity(quantity)
    now = now or timezone.now()
    _require_aware(now)
    candidates = store_list_for_click_and_collect()
    if radius_km is None and limit is None:
        # Every store is wanted: read them once with their stock and measure in Python.
        validate_point(latitude=latitude, longitude=longitude)
        chosen = candidates
        with_stock = _stores_with_stock_of(chosen, product.pk)
        if latitude is None or longitude is None:
            ranked = [(store, None) for store, _ in sorted(with_stock, key=lambda row: row[0].code)]
        else:
            measured = sorted(
                (distance_km(latitude, longitude, store.latitude, store.longitude), store.code)
                + (store,)
                for store, _ in with_stock
            )
            ranked = [(store, distance) for distance, _, store in measured]
    else:
        ranked_ids = store_ids_by_distance(
            latitude=latitude, longitude=longitude, radius_km=radius_km, limit=limit
        )
        chosen = candidates.filter(pk__in=[pk for pk, _ in ranked_ids])
        with_stock = _stores_with_stock_of(chosen, product.pk)
        stores_by_id = {store.id: store for store, _ in with_stock}
        ranked = [(stores_by_id[pk], distance) for pk, distance in ranked_ids]
    units = {
        (store.id, product.pk): available
        for store, available in with_stock
        if available is not None
    }
    return _availability(
        ranked=ranked, units=units, wanted={product.pk: quantity}, now=now, among=chosen
    )


def availability_for_lines(
    *,
    lines: Sequence[tuple[int, int]],
    latitude: float | None,
    longitude: float | None,
    limit: int | None = None,
    exclude_store_id: int | None = None,
    exclude_store_ids: Collection[int] = (),
    now: datetime.datetime | None = None,
) -> list[StoreAvailability]:
    """Stores that have every line, (product id, quantity), nearest first; lines naming the same
    product add up; never the stores in `exclude_store_ids` (e.g. ones that could not send).
    `limit` counts stores that have everything. At most 5 queries."""
    if not lines:
        raise InvalidQuantity("Ask for at least one line.", fields={"lines": ["Give a line."]})
    wanted: dict[int, int] = {}
    for index, (product_id, quantity) in enumerate(lines):
        _validate_quantity(quantity, name=f"lines[{index}].quantity")
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    validate_point(latitude=latitude, longitude=longitude, limit=limit)
    now = now or timezone.now()
    _require_aware(now)
    candidates = store_list_for_click_and_collect()
    if exclude_store_id is not None:
        candidates = candidates.exclude(pk=exclude_store_id)
    if exclude_store_ids:
        candidates = candidates.exclude(pk__in=list(exclude_store_ids))
    ranked_ids = store_ids_by_distance(
        latitude=latitude, longitude=longitude, exclude_store_id=exclude_store_id
    )
    units = {
        (store_id, product_id): available
        for store_id, product_id, available in StockLevel.objects.filter(
            product_id__in=list(wanted), store__in=candidates.values("pk")
        )
        .with_available()
        .values_list("store_id", "product_id", "available_to_promise")
    }
    having_all = [
        (pk, distance)
        for pk, distance in ranked_ids
        if all(units.get((pk, product), 0) >= quantity for product, quantity in wanted.items())
    ]
    if limit is not None:
        having_all = having_all[:limit]
    stores_by_id = Store.objects.in_bulk([pk for pk, _ in having_all])
    ranked = [(stores_by_id[pk], distance) for pk, distance in having_all]
    return _availability(ranked=ranked, units=units, wanted=wanted, now=now, among=candidates)


def stock_available_by_product(*, store_id: int, product_ids: Iterable[int]) -> dict[int, int]:
    """Product id -> units available to promise at this store (products without a stock row are
    left out)."""
    return dict(
        StockLevel.objects.filter(store_id=store_id, product_id__in=list(product_ids))
        .with_available()
        .values_list("product_id", "available_to_promise")
    )


def product_store_counts_with_stock(
    *, product_ids: Iterable[int], stores: QuerySet[Store]
) -> dict[int, int]:
    """Product id -> how many of `stores` have at least one unit to promise; one query."""
    rows = (
        StockLevel.objects.filter(product_id__in=list(product_ids), store__in=stores.values("pk"))
        .with_available()
        .filter(available_to_promise__gt=0)
        .values("product_id")
        .annotate(stores=Count("store_id"))
        .order_by()
    )
    return {row["product_id"]: row["stores"] for row in rows}


def transfer_source_ids_refused(*, reference: str) -> set[int]:
    """The stores whose transfers for this reference (e.g. "order:<number>") were cancelled
    before they shipped: they said they cannot send."""
    return set(
        Transfer.objects.filter(
            reference=reference, state=Transfer.State.CANCELLED, shipped_at__isnull=True
        ).values_list("source_store_id", flat=True)
    )
