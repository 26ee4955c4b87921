"""Newsletter campaigns in the staff console, for marketing: write the texts per language in
Markdown, feature products, choose the segment and the time, preview, send a test to yourself,
send, follow the progress. Every write goes through newsletter.services."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.exceptions import DomainError
from console.access import console_role
from console.errors import domain_error_message
from newsletter.models import Campaign
from newsletter.rendering import campaign_render
from newsletter.selectors import campaign_progress, campaign_segment
from newsletter.services import (
    campaign_cancel,
    campaign_save,
    campaign_schedule,
    campaign_send_test,
)

EDITABLE = (Campaign.State.DRAFT, Campaign.State.SCHEDULED)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "code",
            "subject_de",
            "body_de",
            "subject_en",
            "body_en",
            "products",
            "channel",
            "segment_language",
            "segment_store",
            "segment_product",
            "segment_category",
            "scheduled_at",
        ]
        widgets = {
            "body_de": forms.Textarea(attrs={"rows": 10, "class": "cc-markdown"}),
            "body_en": forms.Textarea(attrs={"rows": 10, "class": "cc-markdown"}),
        }
        help_texts = {
            "body_de": _(
                "Markdown: a blank line starts a paragraph, # a heading, - a list, "
                "**bold**, *italic*, [text](/products/SKU/) a link. HTML is shown as text."
            ),
            "code": _("Carried on the orders the campaign brings, e.g. werkzeugwochen-2026."),
        }


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    change_form_template = "console/campaign_change_form.html"
    list_display = ("name", "code", "state_badge", "channel", "scheduled_at", "progress_column")
    list_filter = ("state", "channel")
    search_fields = ("name", "code")
    autocomplete_fields = ()
    filter_horizontal = ("products",)
    fieldsets = (
        (None, {"fields": ("name", "code", "channel")}),
        (_("German"), {"fields": ("subject_de", "body_de")}),
        (_("English"), {"fields": ("subject_en", "body_en")}),
        (_("Featured products"), {"fields": ("products",)}),
        (
            _("Segment"),
            {
                "fields": (
                    "segment_language",
                    "segment_store",
                    "segment_product",
                    "segment_category",
                )
            },
        ),
        (_("When"), {"fields": ("scheduled_at",)}),
    )

    # --- who may do what --------------------------------------------------------------------

    def _marketing(self, request: HttpRequest) -> bool:
        return console_role(request).is_marketing

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._marketing(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._marketing(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._marketing(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._marketing(request) and (obj is None or obj.state in EDITABLE)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("segment_store", "segment_product")

    # --- list -------------------------------------------------------------------------------

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, campaign: Campaign) -> str:
        return format_html(
            '<span class="cc-badge cc-campaign-{}">{}</span>',
            campaign.state,
            campaign.get_state_display(),
        )

    @admin.display(description=_("progress"))
    def progress_column(self, campaign: Campaign) -> str:
        if campaign.state in EDITABLE:
            return "–"
        progress = campaign_progress(campaign=campaign)
        return f"{progress.done}/{progress.total}"

    # --- writes through the services --------------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        campaign_save(campaign=obj, by=request.user)

    def get_urls(self):
        def view(function, name):
            return path(
                f"<int:campaign_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"newsletter_campaign_{name.replace('-', '_')}",
            )

        return [
            view(self.preview_view, "preview"),
            view(self.progress_view, "progress"),
            view(self.send_test_view, "send-test"),
            view(self.schedule_view, "schedule"),
            view(self.cancel_view, "cancel"),
            *super().get_urls(),
        ]

    def _campaign(self, request: HttpRequest, campaign_id: int) -> Campaign:
        if not self._marketing(request):
            raise Http404
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise Http404
        return campaign

    def _back(self, campaign: Campaign) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:newsletter_campaign_change", args=[campaign.pk]))

    def _refused(self, request: HttpRequest, error: DomainError) -> None:
        self.message_user(request, domain_error_message(error), messages.ERROR)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = Campaign.objects.filter(pk=object_id).first()
        extra = dict(extra_context or {})
        if campaign is not None and self._marketing(request):
            extra.update(
                campaign=campaign,
                progress=campaign_progress(campaign=campaign),
                segment_size=campaign_segment(campaign=campaign).count(),
                editable=campaign.state in EDITABLE,
                sends_later=campaign.scheduled_at is not None
                and campaign.scheduled_at > timezone.now(),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def preview_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        """The mail as a recipient in that language reads it, with today's prices."""
        campaign = self._campaign(request, campaign_id)
        language = "en" if request.GET.get("language") == "en" else "de"
        content = campaign_render(campaign, language=language, customer_id=None)
        return HttpResponse(content.html)

    def progress_view(self, request: HttpRequest, campaign_id: int) -> JsonResponse:
        campaign = self._campaign(request, campaign_id)
        progress = campaign_progress(campaign=campaign)
        return JsonResponse(
            {
                "state": campaign.state,
                "state_label": str(campaign.get_state_display()),
                # Before the workers start, the segment as it stands now.
                "total": progress.total
                or (
                    campaign_segment(campaign=campaign).count()
                    if campaign.state == Campaign.State.SCHEDULED
                    else 0
                ),
                "sent": progress.sent,
                "skipped": progress.skipped,
                "failed": progress.failed,
                "percent": progress.percent,
            }
        )

    def send_test_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        return require_POST(self._send_test)(request, campaign_id)

    def _send_test(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self._campaign(request, campaign_id)
        address = request.user.email
        if not address:
            self.message_user(
                request, gettext("Your user has no e-mail address for a test."), messages.ERROR
            )
        else:
            campaign_send_test(campaign_id=campaign.pk, address=address)
            self.message_user(
                request,
                gettext("A test is on its way to %(address)s.") % {"address": address},
                messages.SUCCESS,
            )
        return self._back(campaign)

    def schedule_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        return require_POST(self._schedule)(request, campaign_id)

    def _schedule(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self._campaign(request, campaign_id)
        now = timezone.now()
        at = (
            campaign.scheduled_at if campaign.scheduled_at and campaign.scheduled_at > now else None
        )
        try:
            campaign_schedule(campaign_id=campaign.pk, at=at, now=now)
        except DomainError as error:
            self._refused(request, error)
        else:
            self.message_user(
                request,
                gettext("Scheduled; the workers send it in batches.")
                if at
                else gettext("Sending has started."),
                messages.SUCCESS,
            )
        return self._back(campaign)

    def cancel_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        return require_POST(self._cancel)(request, campaign_id)

    def _cancel(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self._campaign(request, campaign_id)
        try:
            campaign_cancel(campaign_id=campaign.pk)
        except DomainError as error:
            self._refused(request, error)
        else:
            self.message_user(request, gettext("The campaign is cancelled."), messages.SUCCESS)
        return self._back(campaign)
