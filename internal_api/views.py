"""The versioned JSON API the bot's actions call (service token, never public).

Transport only: validate the query, call shop/crm selectors, shape JSON. Documented
in docs/internal-api.md.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.models import Customer
from internal_api.auth import service_token_required
from shop import selectors
from shop.models import Audience, Category, Material

API_VERSION = "1"
LANGUAGES = ("it", "en")
AUDIENCE_BY_SALUTATION = {"mr": Audience.MAN, "ms": Audience.WOMAN}


class BadQuery(Exception):
    pass


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang", "it")
    if language not in LANGUAGES:
        raise BadQuery(f"lang must be one of {', '.join(LANGUAGES)}")
    return language


def _choice(request: HttpRequest, name: str, allowed: set[str]) -> str:
    value = request.GET.get(name, "").strip()
    if value and value not in allowed:
        raise BadQuery(f"{name}={value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _api(view):
    """Service token, GET only, BadQuery → 400 with a clear detail."""

    @require_GET
    @service_token_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        try:
            body = view(request, *args, **kwargs)
        except BadQuery as exc:
            return JsonResponse({"error": "bad_query", "detail": str(exc)}, status=400)
        if isinstance(body, JsonResponse):
            return body
        return JsonResponse({"api_version": API_VERSION, **body})

    wrapper.__name__ = view.__name__
    return wrapper


def _not_found(detail: str) -> JsonResponse:
    return JsonResponse({"error": "not_found", "detail": detail}, status=404)


@_api
def customer_detail(request: HttpRequest, customer_id: int):
    """What the bot may say to an identified customer, and what it may assume."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return _not_found("no such customer")
    return {
        "id": customer.pk,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "salutation": customer.salutation_label(),
        "language": customer.language,
        "audience_default": AUDIENCE_BY_SALUTATION.get(customer.salutation, ""),
        "bought_for_kids": selectors.customer_bought_for_kids(customer_id=customer.pk),
    }


@_api
def customer_orders(request: HttpRequest, customer_id: int):
    language = _language(request)
    if not Customer.objects.filter(pk=customer_id).exists():
        return _not_found("no such customer")
    orders = selectors.customer_orders_latest(customer_id=customer_id)
    return {"orders": [selectors.order_summary(o, language=language) for o in orders]}


@_api
def order_detail(request: HttpRequest, number: str):
    """An order (or a request number's latest order) only with a matching e-mail/postcode."""
    language = _language(request)
    order = selectors.order_find_checked(number=number, check=request.GET.get("check", ""))
    if order is None:  # same answer for "no such order" and "wrong check"
        return _not_found("no order with that number and check")
    return {"order": selectors.order_summary(order, language=language)}


@_api
def products(request: HttpRequest):
    language = _language(request)
    max_price = request.GET.get("max_price", "")
    try:
        max_price_value = Decimal(max_price) if max_price else None
    except InvalidOperation:
        raise BadQuery("max_price must be a number") from None
    flt = selectors.CatalogFilter(
        category=_choice(request, "category", set(Category.values)),
        audience=_choice(request, "audience", set(Audience.values)),
        material=_choice(request, "material", set(Material.objects.values_list("code", flat=True))),
        fibre_type=_choice(request, "fibre_type", set(Material.FibreType.values)),
        size=request.GET.get("size", "").strip()[:10],
        color=request.GET.get("color", "").strip()[:20],
        max_price=max_price_value,
        on_offer=request.GET.get("on_offer") == "1",
    )
    limit = min(
        int(request.GET.get("limit", "6")) if request.GET.get("limit", "").isdigit() else 6, 24
    )
    found = selectors.products_matching(flt, limit=limit)
    return {"products": [selectors.product_card(p, language=language) for p in found]}


@_api
def kids_new_arrivals(request: HttpRequest):
    language = _language(request)
    found = selectors.kids_new_arrivals()
    return {"products": [selectors.product_card(p, language=language) for p in found]}


@_api
def offers(request: HttpRequest):
    language = _language(request)
    category = _choice(request, "category", set(Category.values))
    today = timezone.localdate()
    found = selectors.offers_current_and_upcoming(category=category)
    return {
        "offers": [
            {
                "name": offer.name_en if language == "en" else offer.name_it,
                "description": offer.description_en if language == "en" else offer.description_it,
                "category": offer.category,
                "discount_percent": offer.discount_percent,
                "starts_on": offer.starts_on.isoformat(),
                "ends_on": offer.ends_on.isoformat(),
                "active": offer.starts_on <= today,
            }
            for offer in found
        ]
    }
