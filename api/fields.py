"""Serializer fields shared by the API packages."""

import math

from rest_framework import serializers


class FiniteFloatField(serializers.FloatField):
    """A float that refuses NaN and infinity, which compare false to every bound."""

    default_error_messages = {"invalid": "A valid number is required."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: no "yes", 1 or "on" slipping through as a boolean."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: no 2.5, "3" or true accepted as a quantity."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class PageQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=200)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1_000_000)


def page_serializer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A `{count, results}` page of `item`, named for the schema."""
    return type(
        name,
        (serializers.Serializer,),
        {"count": serializers.IntegerField(), "results": item(many=True)},
    )


def page(queryset, *, limit: int, offset: int) -> tuple[int, list]:
    """The total and one slice of a queryset: two queries whatever its size."""
    return queryset.count(), list(queryset[offset : offset + limit])


class StrictCharField(serializers.CharField):
    """A JSON string: a number is not silently turned into a store code or an SKU."""

    default_error_messages = {"invalid": "Must be a string."}

    def __init__(self, **kwargs):
        # Blank is refused unless allowed: say so in the schema too (minLength 1).
        if not kwargs.get("allow_blank") and kwargs.get("min_length") is None:
            kwargs["min_length"] = 1
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The limit counts the characters sent, as the schema's maxLength does, not what is left
        # once the edges are trimmed.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length, length=len(data))
        return super().to_internal_value(data)


class PointQueryMixin:
    """A query with an optional point: `lat` and `lon` together or neither, and `radius_km` only
    with them."""

    def validate(self, attrs):
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            raise serializers.ValidationError({missing: ["Give both lat and lon, or neither."]})
        if "radius_km" in attrs and not has_lat:
            raise serializers.ValidationError({"radius_km": ["A radius needs lat and lon."]})
        return super().validate(attrs)
