"""Explicit input and output shapes of the newsletter API."""

from rest_framework import serializers

from api.fields import StrictCharField
from api.serializers import InputSerializer
from customers.models import Channel, Language
from newsletter.models import ConsentEvent, Subscription
from newsletter.wording import CONSENT_WORDING_CURRENT


class SubscribeInputSerializer(InputSerializer):
    # Checked by the service, so the API and the shop's forms answer alike.
    email = StrictCharField(max_length=1000)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default="email")
    phone = StrictCharField(max_length=16, required=False, default="", allow_blank=True)
    language = serializers.ChoiceField(choices=Language.values, required=False, default="de")
    wording_version = StrictCharField(
        max_length=20, required=False, default=CONSENT_WORDING_CURRENT
    )


class SubscribeAcceptedSerializer(serializers.Serializer):
    channel = serializers.CharField()
    detail = serializers.CharField()


class NewsletterTokenInputSerializer(InputSerializer):
    token = StrictCharField(max_length=500)


class SubscriptionStatusSerializer(serializers.Serializer):
    channel = serializers.CharField()
    status = serializers.CharField()
    changed = serializers.BooleanField()


class ConsentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentEvent
        fields = ["channel", "action", "at", "ip", "wording_version", "source"]


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscription
        fields = [
            "channel",
            "status",
            "source",
            "wording_version",
            "requested_at",
            "requested_ip",
            "confirmed_at",
            "confirmed_ip",
            "unsubscribed_at",
        ]


class CustomerConsentsSerializer(serializers.Serializer):
    email_promotions = serializers.BooleanField()
    sms_promotions = serializers.BooleanField()
    subscriptions = SubscriptionSerializer(many=True)
    history = ConsentEventSerializer(many=True)
