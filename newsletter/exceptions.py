"""Refusals of the newsletter, each with a stable code the screens translate."""

from rest_framework import status

from config.exceptions import DomainError


class InvalidAddress(DomainError):
    code = "invalid_email"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "Enter a valid e-mail address."


class PhoneRequired(DomainError):
    code = "phone_required"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "SMS needs a mobile number in E.164 form (+49…)."


class UnknownWording(DomainError):
    code = "unknown_wording"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "No consent text has this version."


class InvalidToken(DomainError):
    code = "invalid_token"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "This link is not valid."


class ExpiredToken(DomainError):
    code = "token_expired"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "This link has expired; please subscribe again."


class CampaignNotEditable(DomainError):
    code = "campaign_not_editable"
    default_detail = "The campaign is being sent or was sent; it can no longer change."


class CampaignIncomplete(DomainError):
    code = "campaign_incomplete"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "The campaign needs a German subject and text before it can be sent."
