from rest_framework import serializers

from api.fields import (
    FiniteFloatField,
    PageQuerySerializer,
    PointQueryMixin,
    StrictCharField,
    StrictIntegerField,
    page_serializer,
)
from api.serializers import InputSerializer
from inventory.models import Product, StockLevel
from inventory.services import MAX_COUNTED, MAX_QUANTITY, REASON_MAX_LENGTH

MAX_RADIUS_KM = 2000
MAX_STORES = 500
SKU_MAX_LENGTH = 32


class ProductListQuerySerializer(PageQuerySerializer):
    search = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)


class AccessorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["sku", "name", "name_en", "price"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "name_en",
            "description",
            "description_en",
            "category",
            "price",
            "gtin",
        ]
        read_only_fields = fields


class ProductDetailSerializer(ProductSerializer):
    accessories = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "accessories"]
        read_only_fields = fields

    def get_accessories(self, product: Product) -> list[dict]:
        on_sale = [item for item in product.accessories.all() if item.is_active]
        return AccessorySerializer(on_sale, many=True).data


ProductPageSerializer = page_serializer(ProductSerializer, "ProductPage")


class AvailabilityQuerySerializer(PointQueryMixin, serializers.Serializer):
    lat = FiniteFloatField(required=False, min_value=-90, max_value=90)
    lon = FiniteFloatField(required=False, min_value=-180, max_value=180)
    radius_km = FiniteFloatField(required=False, min_value=0.001, max_value=MAX_RADIUS_KM)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_STORES)
    quantity = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=MAX_QUANTITY
    )


class StoreAvailabilitySerializer(serializers.Serializer):
    """One store's promise for the asked quantity (`in_stock`) and when it could be collected."""

    store = serializers.CharField(source="store.code")
    name = serializers.CharField(source="store.name")
    city = serializers.CharField(source="store.city")
    distance_km = serializers.FloatField(allow_null=True)
    available = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    ready_by = serializers.DateTimeField(allow_null=True)


class StockQuerySerializer(PageQuerySerializer):
    sku = serializers.CharField(required=False, default="", allow_blank=True, max_length=32)


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockLevel
        fields = ["sku", "name", "on_hand", "reserved", "safety_stock", "available", "updated_at"]
        read_only_fields = fields


StockLevelPageSerializer = page_serializer(StockLevelSerializer, "StockLevelPage")


class StockChangeInputSerializer(InputSerializer):
    """A receipt adds `quantity` units; a count says how many are on hand now."""

    RECEIPT = "receipt"
    COUNT = "count"

    sku = StrictCharField(max_length=SKU_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=[RECEIPT, COUNT])
    quantity = StrictIntegerField(min_value=0, max_value=MAX_COUNTED)
    reason = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=REASON_MAX_LENGTH
    )

    def validate(self, attrs):
        if attrs["kind"] == self.RECEIPT and not 1 <= attrs["quantity"] <= MAX_QUANTITY:
            raise serializers.ValidationError(
                {"quantity": [f"A receipt adds from 1 to {MAX_QUANTITY} units."]}
            )
        if attrs["kind"] == self.COUNT and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {"reason": ["Say why the count changes (stock-taking, damage, theft, ...)."]}
            )
        return attrs
