"""Customers: one customer however they reach us, their contact data and consent."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

E164 = RegexValidator(r"^\+[1-9][0-9]{6,14}$", _("Enter the phone number as +49… (E.164)."))


class Language(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("English")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Customer(models.Model):
    """One customer however they reach us; the e-mail address is the key, in any letter case."""

    email = models.EmailField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[E164])
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
        verbose_name=_("user"),
    )
    # Consent per channel covers promotional messages only; transactional ones always go.
    email_promotions_consent = models.BooleanField(_("e-mail promotions consent"), default=False)
    sms_promotions_consent = models.BooleanField(_("SMS promotions consent"), default=False)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=5, choices=Channel.choices, default="email"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "orders_customer"
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(preferred_channel="email") | ~Q(phone=""),
                name="customer_sms_needs_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
