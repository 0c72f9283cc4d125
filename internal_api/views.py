"""The versioned JSON API the bot's actions call (service token, never public)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from crm.models import Customer
from internal_api.auth import service_token_required

API_VERSION = "1"


@require_GET
@service_token_required
def customer_detail(request: HttpRequest, customer_id: int) -> JsonResponse:
    """What the bot may say to an identified customer: name, salutation, language."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return JsonResponse({"error": "not_found", "detail": "no such customer"}, status=404)
    return JsonResponse(
        {
            "api_version": API_VERSION,
            "id": customer.pk,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "salutation": customer.salutation_label(),
            "language": customer.language,
        }
    )
