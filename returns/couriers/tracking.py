"""The sandbox courier's tracking page: what a carrier shows for one of its bookings, so the
tracking link of the demo and the tests leads somewhere real (COURIER_TRACKING_URL)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from returns.models import SandboxCourierPickup


@require_GET
def sandbox_tracking_page(request: HttpRequest, booking_id: str) -> HttpResponse:
    pickup = SandboxCourierPickup.objects.filter(provider_booking_id=booking_id).first()
    if pickup is None:
        raise Http404
    return TemplateResponse(request, "couriers/sandbox_tracking.html", {"pickup": pickup})
