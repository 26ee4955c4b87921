"""Explicit input and output shapes of the returns, exchanges, customers and courier APIs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import StrictCharField, StrictIntegerField
from api.serializers import InputSerializer
from customers.models import Customer
from returns.models import CourierBooking, ReturnCase, ReturnLine
from returns.services import MAX_LINE_QUANTITY

MAX_LINES = 50


# --- input -------------------------------------------------------------------------------------


class ReturnLineInputSerializer(InputSerializer):
    sku = StrictCharField(max_length=32)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class AddressInputSerializer(InputSerializer):
    name = StrictCharField(max_length=120)
    line1 = StrictCharField(max_length=120)
    line2 = StrictCharField(max_length=120, required=False, default="", allow_blank=True)
    postcode = StrictCharField(max_length=10)
    city = StrictCharField(max_length=80)
    country = StrictCharField(max_length=2, min_length=2, required=False, default="DE")


class CollectionInputSerializer(InputSerializer):
    address = AddressInputSerializer()
    date = serializers.DateField(format="%Y-%m-%d", input_formats=["%Y-%m-%d"])
    window_start = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    window_end = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    phone = StrictCharField(max_length=20, required=False, default="", allow_blank=True)


class ExchangeInputSerializer(InputSerializer):
    order_number = StrictCharField(max_length=12)
    lines = ReturnLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    reason = serializers.ChoiceField(choices=ReturnCase.Reason.values)
    replacement_store = StrictCharField(max_length=12)
    collection = CollectionInputSerializer()


class RefundLineInputSerializer(ReturnLineInputSerializer):
    condition = serializers.ChoiceField(
        choices=ReturnLine.Condition.values,
        required=False,
        default=ReturnLine.Condition.RESELLABLE,
        help_text="With hand_in_store: the state the item arrived in (default resellable).",
    )


class ReturnInputSerializer(InputSerializer):
    """A refund return: a courier collects it (`collection`), it is handed in at a store's
    counter (`hand_in_store`, received at once), or — neither — the customer brings it to the
    order's store."""

    order_number = StrictCharField(max_length=12)
    lines = RefundLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    reason = serializers.ChoiceField(choices=ReturnCase.Reason.values)
    collection = CollectionInputSerializer(required=False)
    hand_in_store = StrictCharField(max_length=12, required=False)

    def validate(self, data: dict) -> dict:
        if "collection" in data and "hand_in_store" in data:
            raise serializers.ValidationError(
                {"hand_in_store": ["Either a courier collection or a store hand-in, not both."]}
            )
        return data


class ReceivedLineInputSerializer(ReturnLineInputSerializer):
    condition = serializers.ChoiceField(choices=ReturnLine.Condition.values)


class ReceiveInputSerializer(InputSerializer):
    lines = ReceivedLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


class CustomerSearchQuerySerializer(serializers.Serializer):
    search = StrictCharField(min_length=3, max_length=100)


class CustomerTimelineQuerySerializer(serializers.Serializer):
    latest = serializers.IntegerField(
        required=False,
        default=None,
        min_value=1,
        max_value=1000,
        help_text="Only the newest this many touchpoints (still oldest first); "
        "default: the whole journey.",
    )


# --- output ------------------------------------------------------------------------------------


class OrderRefSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.CharField()


class CourierBookingSerializer(serializers.ModelSerializer):
    carrier_booking_id = serializers.CharField(
        source="provider_booking_id",
        help_text="The carrier's id of the booking; empty until booked.",
    )
    tracking_url = serializers.CharField(
        help_text="The carrier's tracking page (COURIER_TRACKING_URL); empty until booked."
    )

    class Meta:
        model = CourierBooking
        fields = [
            "reference",
            "provider",
            "state",
            "carrier_booking_id",
            "tracking_url",
            "pickup_date",
            "window_start",
            "window_end",
            "tracking_number",
            "attempts",
            "last_error",
            "booked_at",
            "picked_up_at",
        ]


class ReturnLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")

    class Meta:
        model = ReturnLine
        fields = ["sku", "name", "quantity", "quantity_received", "condition"]


class ReturnCaseSerializer(serializers.ModelSerializer):
    order = OrderRefSerializer()
    replacement_order = OrderRefSerializer(allow_null=True)
    receiving_store = serializers.CharField(source="receiving_store.code")
    lines = ReturnLineSerializer(many=True)
    courier_bookings = CourierBookingSerializer(many=True)
    courier_booking = serializers.SerializerMethodField()

    class Meta:
        model = ReturnCase
        fields = [
            "number",
            "state",
            "reason",
            "resolution",
            "opened_by",
            "channel",
            "order",
            "replacement_order",
            "receiving_store",
            "lines",
            "courier_booking",
            "courier_bookings",
            "needs_attention",
            "attention_reason",
            "refunded_amount",
            "opened_at",
            "received_at",
            "closed_at",
        ]

    def get_courier_booking(self, case: ReturnCase) -> dict | None:
        bookings = list(case.courier_bookings.all())
        return CourierBookingSerializer(bookings[-1]).data if bookings else None


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "email", "phone", "language", "preferred_channel"]


class LastOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    placed_at = serializers.DateTimeField()
    city = serializers.CharField(help_text="Town of the order's pickup store.")


class CustomerFoundSerializer(CustomerSerializer):
    """A search hit: the customer with what tells namesakes apart."""

    last_order = serializers.SerializerMethodField()

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "last_order"]

    @extend_schema_field(LastOrderSerializer(allow_null=True))
    def get_last_order(self, customer: Customer) -> dict | None:
        if not customer.last_order_number:
            return None
        return LastOrderSerializer(
            {
                "number": customer.last_order_number,
                "placed_at": customer.last_order_placed_at,
                "city": customer.last_order_city,
            }
        ).data


class CustomerTimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    title = serializers.CharField()
    order_number = serializers.CharField()
    case_number = serializers.CharField()


class CustomerTimelineSerializer(serializers.Serializer):
    customer = CustomerSerializer()
    entries = CustomerTimelineEntrySerializer(many=True)
    complete = serializers.BooleanField(
        help_text="False when `latest` left out older touchpoints than these."
    )


class WebhookAcceptedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["applied", "ignored", "duplicate"])
