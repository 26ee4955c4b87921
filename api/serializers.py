"""Serializers shared by every API package: the error body and the token exchange."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a machine-readable code, a sentence, and per-field messages."""

    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField()


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
