from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from api import schema, throttling
from api.views import ApiView
from config.replica import replica_reads
from stores import selectors
from stores.api import examples
from stores.api.serializers import StoreListQuerySerializer, StoreNearbySerializer


@replica_reads
class StoreListView(ApiView):
    permission_classes = [AllowAny]
    throttle_scope = throttling.CATALOGUE

    @extend_schema(
        operation_id="stores_list",
        extensions={**examples.STORES_LIST_LINKS, **examples.STORES_LIST_QUERY},
        examples=examples.STORES_LIST,
        parameters=[StoreListQuerySerializer],
        responses={200: StoreNearbySerializer(many=True), **schema.errors(400, 429)},
        summary="Click-and-collect stores, nearest first when a point is given, with hours",
    )
    def get(self, request: Request) -> Response:
        query = StoreListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if "lat" in params:
            ranked = selectors.store_list_by_distance(
                latitude=params["lat"],
                longitude=params["lon"],
                radius_km=params.get("radius_km"),
                limit=params["limit"],
            )
            stores = [item.store for item in ranked]
            distances = {item.store.pk: item.distance_km for item in ranked}
        else:
            stores = list(
                selectors.store_list_for_click_and_collect()
                .prefetch_related("opening_hours")
                .order_by("code")[: params["limit"]]
            )
            distances = {}
        output = StoreNearbySerializer(stores, many=True, context={"distances": distances})
        return Response(output.data)
