from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import schema, throttling
from api.fields import page
from api.idempotency import idempotent
from api.views import ApiView
from config.replica import replica_reads
from inventory import selectors, services
from inventory.api import examples
from inventory.api.serializers import (
    AvailabilityQuerySerializer,
    ProductDetailSerializer,
    ProductListQuerySerializer,
    ProductPageSerializer,
    ProductSerializer,
    StockChangeInputSerializer,
    StockLevelPageSerializer,
    StockLevelSerializer,
    StockQuerySerializer,
    StoreAvailabilitySerializer,
)
from stores.api.examples import STORE_CODE
from stores.selectors import store_get_for_staff


@replica_reads
class ProductListView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.CATALOGUE

    @extend_schema(
        operation_id="products_list",
        extensions={**examples.PRODUCTS_LIST_LINKS, **examples.PRODUCTS_LIST_QUERY},
        examples=examples.PRODUCTS_LIST,
        parameters=[ProductListQuerySerializer],
        responses={200: ProductPageSerializer, **schema.errors(400, 429)},
        summary=(
            "Products on sale, by SKU; `search` finds German and English names and descriptions "
            "(parts of compounds, typos), the SKU or its start and the GTIN, best first, at most "
            "100"
        ),
    )
    def get(self, request: Request) -> Response:
        query = ProductListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        count, products = page(
            selectors.product_list(search=params["search"]),
            limit=params["limit"],
            offset=params["offset"],
        )
        return Response({"count": count, "results": ProductSerializer(products, many=True).data})


@replica_reads
class ProductDetailView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.CATALOGUE

    @extend_schema(
        operation_id="products_retrieve",
        extensions=examples.PRODUCT_LINKS,
        parameters=[examples.SKU],
        examples=examples.PRODUCT,
        responses={200: ProductDetailSerializer, **schema.errors(404, 429)},
        summary="One product with its accessories",
    )
    def get(self, request: Request, sku: str) -> Response:
        product = selectors.product_get_by_sku(sku=sku)
        return Response(ProductDetailSerializer(product).data)


@replica_reads
class ProductAvailabilityView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.CATALOGUE

    @extend_schema(
        operation_id="products_availability",
        extensions=examples.AVAILABILITY_QUERY,
        examples=examples.AVAILABILITY,
        parameters=[examples.SKU, AvailabilityQuerySerializer],
        responses={200: StoreAvailabilitySerializer(many=True), **schema.errors(400, 404, 429)},
        summary="Per store, nearest first: units available, distance and when it could be ready",
    )
    def get(self, request: Request, sku: str) -> Response:
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        product = selectors.product_get_by_sku(sku=sku)
        stores = selectors.availability_for_sku(
            product=product,
            quantity=params["quantity"],
            latitude=params.get("lat"),
            longitude=params.get("lon"),
            radius_km=params.get("radius_km"),
            limit=params.get("limit"),
        )
        return Response(StoreAvailabilitySerializer(stores, many=True).data)


class StoreStockView(ApiView):
    """Stock of one store, for the staff of that store only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="stores_stock_list",
        extensions=examples.STOCK_LIST_QUERY,
        examples=examples.STOCK_LIST,
        parameters=[STORE_CODE, StockQuerySerializer],
        responses={200: StockLevelPageSerializer, **schema.errors(400, 401, 404)},
        summary="The store's stock levels, by SKU; `sku` narrows to one product",
    )
    def get(self, request: Request, code: str) -> Response:
        store = store_get_for_staff(code=code, user=request.user)
        query = StockQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params["sku"]:
            selectors.product_get_by_sku(sku=params["sku"], include_inactive=True)
        count, levels = page(
            selectors.stock_level_list_for_store(store_id=store.pk, sku=params["sku"]),
            limit=params["limit"],
            offset=params["offset"],
        )
        return Response({"count": count, "results": StockLevelSerializer(levels, many=True).data})

    @extend_schema(
        operation_id="stores_stock_change",
        examples=examples.STOCK_CHANGE,
        parameters=[STORE_CODE, schema.IDEMPOTENCY_KEY],
        request=StockChangeInputSerializer,
        responses={
            201: StockLevelSerializer,
            **schema.errors(400, 401, 404, 409, 415, 422),
        },
        summary="Record a receipt (adds units) or a count (sets units on hand)",
    )
    def post(self, request: Request, code: str) -> Response:
        store = store_get_for_staff(code=code, user=request.user)
        return idempotent(
            request,
            scope=f"stock.change:{store.pk}",
            perform=lambda: self._change(request, store),
        )

    def _change(self, request: Request, store) -> Response:
        incoming = StockChangeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        change = incoming.validated_data
        product = selectors.product_get_by_sku(sku=change["sku"], include_inactive=True)
        if change["kind"] == StockChangeInputSerializer.RECEIPT:
            level = services.stock_receive(
                store_id=store.pk,
                product_id=product.pk,
                quantity=change["quantity"],
                actor=request.user,
                reason=change["reason"],
            )
        else:
            level = services.stock_count_correct(
                store_id=store.pk,
                product_id=product.pk,
                counted=change["quantity"],
                actor=request.user,
                reason=change["reason"],
            )
        level.product = product
        return Response(StockLevelSerializer(level).data, status=status.HTTP_201_CREATED)
