from rest_framework import serializers

from api.fields import FiniteFloatField, PointQueryMixin
from stores.models import OpeningHours, Store

MAX_RADIUS_KM = 2000
MAX_STORES = 500


class StoreListQuerySerializer(PointQueryMixin, serializers.Serializer):
    lat = FiniteFloatField(required=False, min_value=-90, max_value=90)
    lon = FiniteFloatField(required=False, min_value=-180, max_value=180)
    radius_km = FiniteFloatField(required=False, min_value=0.001, max_value=MAX_RADIUS_KM)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_STORES, default=50)


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        read_only_fields = fields


class AddressSerializer(serializers.Serializer):
    street = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)


class StoreSummarySerializer(serializers.ModelSerializer):
    """A store as every list shows it: where it is and when it opens."""

    address = AddressSerializer(source="*", read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "address",
            "latitude",
            "longitude",
            "timezone",
            "phone",
            "curbside_enabled",
            "pickup_hold_days",
            "opening_hours",
        ]
        read_only_fields = fields


class StoreNearbySerializer(StoreSummarySerializer):
    """A store with its distance from the caller's point (null when no point was given)."""

    distance_km = serializers.SerializerMethodField()

    class Meta(StoreSummarySerializer.Meta):
        fields = [*StoreSummarySerializer.Meta.fields, "distance_km"]
        read_only_fields = fields

    def get_distance_km(self, store: Store) -> float | None:
        distance = self.context["distances"].get(store.pk)
        return None if distance is None else round(distance, 2)
