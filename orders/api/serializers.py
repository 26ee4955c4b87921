"""Explicit input and output shapes of the orders API; no serializer here writes a model."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    PageQuerySerializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    page_serializer,
)
from api.serializers import InputSerializer
from customers.models import Language
from inventory.models import Transfer
from orders.models import Order, OrderLine
from orders.selectors import TRANSFER_DIRECTIONS
from orders.services.placement import MAX_QUANTITY, NOTIFY_CHANNELS
from payments.sepa import ACCOUNT_HOLDER_MAX_LENGTH, IBAN_INPUT_MAX_LENGTH

MAX_LINES = 50
SKU_MAX_LENGTH = 32
REASON_MAX_LENGTH = 200


# --- input -------------------------------------------------------------------------------------


class CustomerInputSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    name = StrictCharField(max_length=120)
    phone = StrictCharField(required=False, default="", allow_blank=True, max_length=20)
    language = serializers.ChoiceField(choices=Language.values, required=False, default="de")


class LineInputSerializer(InputSerializer):
    sku = StrictCharField(max_length=SKU_MAX_LENGTH)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)


class SepaInputSerializer(InputSerializer):
    iban = StrictCharField(max_length=IBAN_INPUT_MAX_LENGTH, help_text="Spaces are ignored.")
    account_holder = StrictCharField(max_length=ACCOUNT_HOLDER_MAX_LENGTH)
    mandate_accepted = StrictBooleanField(
        help_text="true: the shopper accepted the SEPA direct debit mandate shown to them."
    )


class OrderPlaceInputSerializer(InputSerializer):
    customer = CustomerInputSerializer()
    pickup_store = StrictCharField(max_length=12)
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    payment_method = serializers.ChoiceField(choices=Order.PaymentMethod.values)
    allow_transfer = StrictBooleanField(required=False, default=False)
    pickup_slot = serializers.DateTimeField(required=False, default=None, allow_null=True)
    curbside = StrictBooleanField(required=False, default=False)
    campaign = StrictCharField(required=False, default="", allow_blank=True, max_length=64)
    notify_by = serializers.ListField(
        child=serializers.ChoiceField(choices=NOTIFY_CHANNELS),
        required=False,
        default=["email"],
        min_length=1,
        max_length=len(NOTIFY_CHANNELS),
        help_text="Channels for every message about the order; SMS needs customer.phone.",
    )
    sepa = SepaInputSerializer(
        required=False,
        default=None,
        allow_null=True,
        help_text="Required with payment_method sepa_debit.",
    )


class CancelInputSerializer(InputSerializer):
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)


class ShortageInputSerializer(InputSerializer):
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


class HandOverInputSerializer(InputSerializer):
    """The shopper's pickup code, or a manager's reason to hand over without it."""

    pickup_code = StrictCharField(required=False, default="", allow_blank=True, max_length=16)
    override_reason = StrictCharField(
        required=False, default="", allow_blank=True, max_length=REASON_MAX_LENGTH
    )

    def validate(self, attrs):
        if not attrs["pickup_code"].strip() and not attrs["override_reason"].strip():
            raise serializers.ValidationError({"pickup_code": ["Enter the pickup code."]})
        return attrs


class OrderListQuerySerializer(PageQuerySerializer):
    store = serializers.CharField(required=False, default="", allow_blank=True, max_length=12)
    state = serializers.ChoiceField(
        choices=Order.State.values, required=False, default="", allow_blank=True
    )


class PickupSlotQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, default=None, help_text="The store's local day; default: from today on."
    )
    sku = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=SKU_MAX_LENGTH
    )
    quantity = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=MAX_QUANTITY
    )


class EmptyInputSerializer(InputSerializer):
    """Transitions that need nothing but the order."""


# --- output ------------------------------------------------------------------------------------


class OrderPlacedSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.CharField()
    access_token = serializers.CharField(help_text="Shown once; send it as X-Order-Token.")
    pickup_store = serializers.CharField(source="order.pickup_store.code")
    ready_by = serializers.DateTimeField(source="order.ready_by", allow_null=True)
    total = serializers.DecimalField(source="order.total", max_digits=10, decimal_places=2)
    currency = serializers.CharField(source="order.currency")


class PickupSlotSerializer(serializers.Serializer):
    """One pickup slot, its times in the store's time zone; `available` 0 when it is full."""

    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    available = serializers.IntegerField()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_start(self, slot) -> str:
        return slot.start.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_end(self, slot) -> str:
        return slot.end.isoformat()


class OrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "sku",
            "name",
            "quantity",
            "unit_price",
            "quantity_cancelled",
            "quantity_sourcing",
            "quantity_collected",
        ]
        read_only_fields = fields


class OrderCustomerSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    phone = serializers.CharField(read_only=True)


class OrderStoreSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    to = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = serializers.CharField(allow_blank=True)
        return fields


class PickupSlotTimesSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


@extend_schema_field(PickupSlotTimesSerializer(allow_null=True))
class OrderPickupSlotField(serializers.Field):
    """The order's slot as `{start, end}` in its store's time zone, or null."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, order: Order) -> dict | None:
        if order.pickup_slot is None:
            return None
        zone = order.pickup_store.zone
        return {
            "start": order.pickup_slot.astimezone(zone).isoformat(),
            "end": order.pickup_slot_ends_at.astimezone(zone).isoformat(),
        }


class OrderSummarySerializer(serializers.ModelSerializer):
    """An order in a queue: enough to pick it and to find it at the counter."""

    pickup_store = serializers.CharField(source="pickup_store.code", read_only=True)
    pickup_slot = OrderPickupSlotField()
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "state",
            "kind",
            "channel",
            "pickup_store",
            "customer_name",
            "pickup_slot",
            "curbside",
            "placed_at",
            "ready_by",
            "hold_until",
            "total",
            "lines",
        ]
        read_only_fields = fields


OrderPageSerializer = page_serializer(OrderSummarySerializer, "OrderPage")


class OrderPaymentSerializer(serializers.Serializer):
    method = serializers.CharField()
    state = serializers.CharField(
        help_text="authorization_pending, authorized, capture_pending (collected, the capture "
        "not done yet), capture_failed, captured, refunded, declined, mandated, submitted, "
        "returned, due_at_pickup, paid_in_store, nothing_charged, free or free_replacement (an "
        "exchange's replacement: nothing to pay)"
    )
    text = serializers.CharField(help_text="What the shopper is told, in the request's language.")
    mandate_reference = serializers.CharField(allow_null=True)


class OrderDetailSerializer(serializers.ModelSerializer):
    """The whole order for its caller. `timeline`, `available_actions` and `pickup_code` come
    from the view through the context, because they depend on who is asking."""

    pickup_store = OrderStoreSerializer(read_only=True)
    pickup_slot = OrderPickupSlotField()
    customer = OrderCustomerSerializer(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    hand_over_locked = serializers.BooleanField(read_only=True)
    timeline = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    pickup_code = serializers.SerializerMethodField()
    notify_by = serializers.ListField(
        source="notify_channels", child=serializers.CharField(), read_only=True
    )
    payment = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "number",
            "state",
            "kind",
            "channel",
            "pickup_store",
            "customer",
            "pickup_slot",
            "curbside",
            "allow_transfer",
            "payment_method",
            "payment",
            "currency",
            "subtotal",
            "total",
            "campaign",
            "notify_by",
            "lines",
            "placed_at",
            "ready_by",
            "ready_at",
            "hold_until",
            "collected_at",
            "cancelled_at",
            "cancel_reason",
            "expired_at",
            "hand_over_locked",
            "timeline",
            "available_actions",
            "pickup_code",
        ]
        read_only_fields = fields

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, order: Order) -> list[dict]:
        return TimelineEntrySerializer(self.context["timeline"], many=True).data

    def get_available_actions(self, order: Order) -> list[str]:
        return self.context["available_actions"]

    @extend_schema_field(OrderPaymentSerializer)
    def get_payment(self, order: Order) -> dict:
        status = self.context["payment"]
        return {
            "method": status.method,
            "state": status.state,
            "text": str(status.text),
            "mandate_reference": self.context.get("mandate_reference"),
        }

    def get_pickup_code(self, order: Order) -> str | None:
        """Only for the shopper, and only while the order is ready for pickup."""
        return self.context.get("pickup_code")


# --- transfers ---------------------------------------------------------------------------------


class TransferListQuerySerializer(PageQuerySerializer):
    store = serializers.CharField(required=False, default="", allow_blank=True, max_length=12)
    direction = serializers.ChoiceField(
        choices=TRANSFER_DIRECTIONS, required=False, default="", allow_blank=True
    )
    state = serializers.ChoiceField(
        choices=Transfer.State.values, required=False, default="", allow_blank=True
    )


class TransferRefuseInputSerializer(InputSerializer):
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)


class TransferLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    quantity = serializers.IntegerField(read_only=True)


class TransferOrderSerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    ready_by = serializers.DateTimeField(read_only=True, allow_null=True)


class TransferSerializer(serializers.ModelSerializer):
    """A transfer with its lines and the order it serves; `available_actions` depends on the
    caller and comes from the view's context."""

    source_store = OrderStoreSerializer(read_only=True)
    destination_store = OrderStoreSerializer(read_only=True)
    lines = TransferLineSerializer(many=True, read_only=True)
    order = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id",
            "number",
            "state",
            "source_store",
            "destination_store",
            "lines",
            "order",
            "requested_at",
            "shipped_at",
            "received_at",
            "cancelled_at",
            "cancel_reason",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(TransferOrderSerializer(allow_null=True))
    def get_order(self, transfer: Transfer) -> dict | None:
        order = getattr(transfer, "order", None)
        return TransferOrderSerializer(order).data if order is not None else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, transfer: Transfer) -> list[str]:
        return self.context["available_actions"].get(transfer.pk, [])


TransferPageSerializer = page_serializer(TransferSerializer, "TransferPage")
