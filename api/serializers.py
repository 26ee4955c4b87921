"""Serializers shared by every API package: the error body, request bodies, the token exchange."""

from collections.abc import Mapping

from rest_framework import serializers


# A request body (or an object inside one): a field it does not declare is refused with 400, not
# silently dropped, so a misspelt optional field cannot go unnoticed. The schema says so with
# `additionalProperties: false` (api/schema.py). (A comment, not a docstring: the schema would
# show a docstring as the description of every input.)
class InputSerializer(serializers.Serializer):
    default_error_messages = {"unknown_field": "Unknown field."}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                message = self.error_messages["unknown_field"]
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a machine-readable code, a sentence, and per-field messages."""

    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField()


class TokenInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
